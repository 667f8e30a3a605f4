import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureChromium, type ChromiumPeerResult } from '../../bench/chromium-peer';
import { createSeededRandom } from '../../src/engine/seeded-random';

const SEED = 1234;
const FRAMES = 4800;
const BUILD_MS = 30;

/** The largest of the first `count` values of the seeded generator, as a float32 sample would hold it. */
function largestSeededValue(seed: number, count: number): number {
  const random = createSeededRandom(seed);
  let largest = 0;
  for (let i = 0; i < count; i++) largest = Math.max(largest, Math.fround(random()));
  return largest;
}

describe('measureChromium (headless Chromium peer)', function () {
  this.timeout(240_000);

  let fixtureDir = '';
  let results: ChromiumPeerResult[] = [];

  before(async () => {
    fixtureDir = await mkdtemp(path.join(os.tmpdir(), 'patchscope-peer-'));
    await mkdir(path.join(fixtureDir, 'processors'));
    // Fills a buffer from Math.random in build(): its peak is the largest of the first FRAMES seeded values.
    await writeFile(
      path.join(fixtureDir, 'random-buffer.synth.js'),
      `export default {
        duration: ${FRAMES / 48000}, channels: 1, seed: ${SEED},
        build(ctx, out) {
          const buffer = ctx.createBuffer(1, ${FRAMES}, ctx.sampleRate);
          const samples = buffer.getChannelData(0);
          for (let i = 0; i < samples.length; i++) samples[i] = Math.random();
          const source = new AudioBufferSourceNode(ctx, { buffer });
          source.connect(out);
          source.start(0);
        },
      };\n`,
    );
    // The same from inside an AudioWorkletProcessor loaded by a path relative to the patch's folder.
    await writeFile(
      path.join(fixtureDir, 'processors', 'random-processor.js'),
      `registerProcessor('random', class extends AudioWorkletProcessor {
        process(inputs, outputs) {
          for (const channel of outputs[0]) for (let i = 0; i < channel.length; i++) channel[i] = Math.random();
          return true;
        }
      });\n`,
    );
    await writeFile(
      path.join(fixtureDir, 'random-worklet.synth.js'),
      `export default {
        duration: ${FRAMES / 48000}, channels: 1, seed: ${SEED},
        async build(ctx, out) {
          await ctx.audioWorklet.addModule('./processors/random-processor.js');
          new AudioWorkletNode(ctx, 'random', { outputChannelCount: [1] }).connect(out);
        },
      };\n`,
    );
    await writeFile(
      path.join(fixtureDir, 'broken.synth.js'),
      `export default { duration: 1, build() { throw new Error('this patch is broken on purpose'); } };\n`,
    );
    // Its build() holds the page's thread for BUILD_MS, so the peer's build time cannot be less.
    await writeFile(
      path.join(fixtureDir, 'slow-build.synth.js'),
      `export default {
        duration: 0.1, channels: 1,
        build(ctx, out) {
          const until = performance.now() + ${BUILD_MS};
          while (performance.now() < until);
          new ConstantSourceNode(ctx).connect(out);
        },
      };\n`,
    );
    results = await measureChromium(
      [
        'examples/hello.synth.js',
        path.join(fixtureDir, 'broken.synth.js'),
        path.join(fixtureDir, 'random-buffer.synth.js'),
        path.join(fixtureDir, 'random-worklet.synth.js'),
        path.join(fixtureDir, 'slow-build.synth.js'),
      ],
      { runs: 2 },
    );
  });

  after(async () => {
    if (fixtureDir) await rm(fixtureDir, { recursive: true, force: true });
  });

  it('renders examples/hello.synth.js: a positive median time over the runs, and audible output', () => {
    const hello = results[0];
    assert.equal(hello.error, undefined);
    assert.equal(hello.patch, 'examples/hello.synth.js');
    assert.equal(hello.seconds, 3);
    assert.equal(hello.runsMs.length, 2);
    assert.ok(hello.runsMs.every((ms) => ms > 0), `run times ${hello.runsMs.join(', ')}`);
    assert.ok(hello.oneShotMs >= Math.min(...hello.runsMs) && hello.oneShotMs <= Math.max(...hello.runsMs));
    // Not silent (peak above -26 dBFS) and not clipping.
    assert.ok(hello.peak > 0.05 && hello.peak < 1, `peak ${hello.peak}`);
  });

  it('reports a patch that throws as an error result and goes on with the next patches', () => {
    const broken = results[1];
    assert.match(broken.error ?? '', /broken on purpose/);
    assert.ok(Number.isNaN(broken.oneShotMs));
    assert.equal(results[2].error, undefined);
  });

  it('seeds Math.random in build() with the patch seed, exactly like createSeededRandom', () => {
    const buffer = results[2];
    assert.equal(buffer.error, undefined);
    assert.equal(buffer.peak, largestSeededValue(SEED, FRAMES));
  });

  it('loads worklet modules relative to the patch folder, with the seeded Math.random inside them', () => {
    const worklet = results[3];
    assert.equal(worklet.error, undefined);
    assert.equal(worklet.peak, largestSeededValue(SEED, FRAMES));
  });

  it("times each run's build() apart from its render, the first run's on its own", () => {
    const slow = results[4];
    assert.equal(slow.error, undefined);
    assert.equal(slow.buildsMs.length, 2);
    assert.ok(slow.buildsMs.every((ms) => ms >= BUILD_MS), `build times ${slow.buildsMs.join(', ')}`);
    assert.equal(slow.firstBuildMs, slow.buildsMs[0]);
    assert.ok(Number.isNaN(results[1].firstBuildMs), 'a patch whose build() throws has no build time');
  });
});
