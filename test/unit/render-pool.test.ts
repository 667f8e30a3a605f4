import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ChunkCollector } from '../../src/engine/parity-test';
import { compareAudio } from '../../src/engine/parity';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';

const fixture = (name: string): string => path.resolve(__dirname, '..', 'fixtures', name);
const example = (name: string): string => path.resolve(__dirname, '..', '..', 'examples', name);

async function streamAll(pool: RenderPool, file: string, text?: string): Promise<Float32Array[]> {
  const collector = new ChunkCollector();
  const stats = await pool.stream({ path: file, text }, { onChunk: (chunk) => collector.add(chunk) });
  return collector.join(stats.info.channels);
}

describe('render pool', function () {
  this.timeout(120_000);
  let pool: RenderPool;
  before(() => {
    pool = new RenderPool({ size: 2 });
  });
  after(() => pool.dispose());

  it('renders the same samples every time, in the same and in a fresh worker', async () => {
    const first = await streamAll(pool, fixture('random-seeded.synth.js'));
    const second = await streamAll(pool, fixture('random-seeded.synth.js'));
    const fresh = new RenderPool({ size: 1 });
    try {
      const third = await streamAll(fresh, fixture('random-seeded.synth.js'));
      assert.equal(compareAudio(first, second).bitExact, true);
      assert.equal(compareAudio(first, third).bitExact, true);
    } finally {
      await fresh.dispose();
    }
    const peak = Math.max(...first[0].map(Math.abs));
    assert.ok(peak > 0.1, 'seeded noise is not silent');
  });

  it('a different seed gives different samples', async () => {
    const text = (seed: number): string => `export default { duration: 0.1, seed: ${seed}, build(ctx, out) {
      const b = new AudioBuffer({ length: 4800, sampleRate: 48000 }); const d = b.getChannelData(0);
      for (let i = 0; i < d.length; i++) d[i] = Math.random();
      const s = new AudioBufferSourceNode(ctx, { buffer: b }); s.connect(out); s.start(); } };`;
    const a = await streamAll(pool, fixture('seed.synth.js'), text(1));
    const b = await streamAll(pool, fixture('seed.synth.js'), text(2));
    assert.equal(compareAudio(a, b).bitExact, false);
  });

  it('reports its first chunk before the render ends and remembers the patch’s speed', async () => {
    const file = example('hello.synth.js');
    const chunkTimes: number[] = [];
    const first = await pool.stream({ path: file }, { onChunk: () => void chunkTimes.push(performance.now()) });
    assert.ok(first.chunks >= 2, `${first.chunks} chunks`);
    assert.ok(first.firstChunkMs <= first.totalMs);
    assert.ok(pool.knownRtf(file)! > 0);
    const second = await pool.stream({ path: file });
    assert.ok(Math.abs(second.probeRtf - pool.knownRtf(file)!) >= 0);
    assert.equal(second.probeRtf > 0, true);
  });

  it('cancels at once, releases the worker and leaves the pool usable', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const render = pool.stream({ path: fixture('long-light.synth.js') }, {
      signal: controller.signal,
      onChunk: () => {
        chunks++;
        if (chunks === 1) controller.abort();
      },
    });
    await assert.rejects(render, (err: unknown) => err instanceof PatchError && err.kind === 'cancelled');
    assert.ok(pool.workerCount <= 2);
    const after = await streamAll(pool, fixture('random-seeded.synth.js'));
    assert.equal(after[0].length, 24000);
  });

  it('a signal aborted before the start rejects without rendering', async () => {
    await assert.rejects(pool.stream({ path: fixture('long-light.synth.js') }, { signal: AbortSignal.abort() }), /cancelled/);
  });

  it('waits for a slow consumer instead of buffering the render (backpressure)', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let chunks = 0;
    await pool.stream({ path: fixture('long-light.synth.js') }, {
      chunk: 0.5,
      maxDuration: 3600,
      onChunk: async () => {
        chunks++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
      },
    });
    assert.equal(chunks, 1200);
    // Half-second stereo chunks are 192 KB: the worker stops at 8 MB unacknowledged, about 43 of them.
    assert.ok(maxInFlight <= 50, `max chunks in flight ${maxInFlight}`);
    assert.ok(maxInFlight >= 2, 'chunks overlap with consuming');
  });

  it('a consumer that fails stops the render with its error', async () => {
    await assert.rejects(
      pool.stream({ path: fixture('long-light.synth.js') }, {
        onChunk: () => {
          throw new Error('disk full');
        },
      }),
      /disk full/,
    );
  });
});
