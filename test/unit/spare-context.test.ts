import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChunkCollector } from '../../src/engine/parity-test';
import { compareAudio } from '../../src/engine/parity';
import { loadWebAudio } from '../../src/engine/patch-loader';
import { RenderPool } from '../../src/engine/render-pool';
import type { StreamStats } from '../../src/engine/render-types';
import { prepareSpareContext, releaseUnrenderedContext, takeContext } from '../../src/engine/spare-context';

const fixture = (name: string): string => path.resolve(__dirname, '..', 'fixtures', name);
const worklet = fixture('worklet-noise.synth.js');

async function streamAll(pool: RenderPool, file: string, text?: string): Promise<{ stats: StreamStats; channels: Float32Array[] }> {
  const collector = new ChunkCollector();
  const stats = await pool.stream({ path: file, text }, { onChunk: (chunk) => collector.add(chunk) });
  return { stats, channels: collector.join(stats.info.channels) };
}

const threadCount = (): number => fs.readdirSync('/proc/self/task').length;
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('spare context with its AudioWorklet scope started', function () {
  this.timeout(120_000);
  let pool: RenderPool;
  before(() => {
    pool = new RenderPool({ size: 1 });
  });
  after(() => pool.dispose());

  it('a re-render of a worklet patch takes the spare and gives the same samples as a fresh context and one-shot', async () => {
    const first = await streamAll(pool, worklet);
    assert.equal(first.stats.workletScopeStarted, false, 'the first render has no spare to take');
    const second = await streamAll(pool, worklet);
    assert.equal(second.stats.workletScopeStarted, true, 'the re-render takes the spare made after the first');
    assert.equal(compareAudio(first.channels, second.channels).bitExact, true, 'spare and fresh context render the same samples');
    const peak = Math.max(...second.channels[0].map(Math.abs));
    assert.ok(peak > 0.01, 'the worklet noise is heard');

    const fresh = new RenderPool({ size: 1 });
    try {
      const elsewhere = await streamAll(fresh, worklet);
      assert.equal(compareAudio(first.channels, elsewhere.channels).bitExact, true, 'a fresh worker renders the same samples');
    } finally {
      await fresh.dispose();
    }
    const oneShot = await pool.renderOneShot({ path: worklet });
    assert.equal(compareAudio(second.channels, oneShot.channels).bitExact, true, 'streamed on a spare equals one-shot');
  });

  it('a render of another length, or of a patch without worklets, does not take a spare', async () => {
    await streamAll(pool, worklet);
    const text = fs.readFileSync(worklet, 'utf8').replace('duration: 0.5', 'duration: 0.75');
    const longer = await streamAll(pool, worklet, text);
    assert.equal(longer.stats.workletScopeStarted, false, 'a spare of another length is not used');
    const again = await streamAll(pool, worklet, text);
    assert.equal(again.stats.workletScopeStarted, true, 'the spare follows the new length');
    const plain = await streamAll(pool, fixture('random-seeded.synth.js'));
    assert.equal(plain.stats.workletScopeStarted, false);
    const plainAgain = await streamAll(pool, fixture('random-seeded.synth.js'));
    assert.equal(plainAgain.stats.workletScopeStarted, false, 'no spare is made after a render without worklets');
  });

  it('the render that supersedes a cancelled one takes a spare on another worker', async () => {
    // A cancel kills the render's worker; the pool had the idle worker make a spare once the graph was built.
    const twoWorkers = new RenderPool({ size: 2 });
    try {
      await twoWorkers.warmUp();
      const text = fs.readFileSync(worklet, 'utf8').replace('duration: 0.5', 'duration: 20');
      const edit = new AbortController();
      const cancelled = twoWorkers.stream({ path: worklet, text }, { signal: edit.signal, onChunk: () => edit.abort() });
      await assert.rejects(cancelled, /render cancelled/);
      const superseding = await streamAll(twoWorkers, worklet, text);
      assert.equal(superseding.stats.workletScopeStarted, true, 'the superseding render finds its worklet scope started');
      const oneShot = await twoWorkers.renderOneShot({ path: worklet, text });
      assert.equal(compareAudio(superseding.channels, oneShot.channels).bitExact, true);
    } finally {
      await twoWorkers.dispose();
    }
  });

  it('a spare that does not match is released with its worklet thread', async () => {
    const web = await loadWebAudio();
    const shape = { numberOfChannels: 1, length: 48_000, sampleRate: 48_000 };
    const before = threadCount();
    prepareSpareContext(web, shape);
    const taken = await takeContext(web, shape);
    assert.equal(taken.workletScopeStarted, true);
    prepareSpareContext(web, shape);
    await settle(200);
    const withSpare = threadCount();
    assert.ok(withSpare > before, `a ready spare runs its worklet thread (${before} -> ${withSpare} threads)`);
    const other = await takeContext(web, { ...shape, length: 96_000 });
    assert.equal(other.workletScopeStarted, false);
    await settle(300);
    assert.ok(threadCount() < withSpare, `the mismatched spare's thread ends (${withSpare} -> ${threadCount()} threads)`);
    const beforeRelease = threadCount();
    await releaseUnrenderedContext(taken.ctx);
    await releaseUnrenderedContext(other.ctx);
    await settle(300);
    assert.ok(threadCount() < beforeRelease, `the taken context's worklet thread ends (${beforeRelease} -> ${threadCount()} threads)`);
  });
});
