import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runParityTest } from '../../src/engine/parity-test';
import { compareAudio } from '../../src/engine/parity';
import { RenderPool } from '../../src/engine/render-pool';
import type { CaptureKind } from '../../src/engine/render-types';

const root = path.resolve(__dirname, '..', '..');
const examples = fs
  .readdirSync(path.join(root, 'examples'))
  .filter((f) => /\.synth\.(js|mjs|ts)$/.test(f))
  .map((f) => path.join(root, 'examples', f));
const fixtures = ['odd-length.synth.js', 'random-seeded.synth.js'].map((f) => path.join(root, 'test', 'fixtures', f));

describe('compareAudio', () => {
  it('finds the first differing frame and the size of the difference', () => {
    const a = [new Float32Array([0, 0.5, 1, 0.25]), new Float32Array([0, 0, 0, 0])];
    const b = [new Float32Array([0, 0.5, 1, 0.25]), new Float32Array([0, 0, 0.125, 0])];
    const result = compareAudio(a, b);
    assert.equal(result.bitExact, false);
    assert.equal(result.firstDiffFrame, 2);
    assert.equal(result.maxAbsDiff, 0.125);
    assert.equal(compareAudio(a, a.map((c) => c.slice())).bitExact, true);
  });

  it('tells -0 from +0 and a length difference', () => {
    assert.equal(compareAudio([new Float32Array([0])], [new Float32Array([-0])]).bitExact, false);
    assert.equal(compareAudio([new Float32Array([0, 0])], [new Float32Array([0])]).bitExact, false);
  });
});

describe('streamed render equals the one-shot render, bit for bit', function () {
  this.timeout(600_000);
  let pool: RenderPool;
  before(() => {
    pool = new RenderPool({ size: 2 });
  });
  after(() => pool.dispose());

  assert.ok(examples.length >= 8, 'at least 8 examples');
  // 'auto' adapts; 0.0123 s (590 frames at 48 kHz) and 0.7 s (33600 frames) are not multiples of a render
  // quantum. The worklet capture is the slow reference (a thread handshake every quantum): two sizes suffice.
  // 'auto' with a known RTF also sizes the ScriptProcessor's blocks (scriptProcessorBlockFor): RTF 0.001 gives
  // 8192-frame blocks and 0.015 gives 4096 at 48 kHz (2048 at 96 kHz), where no RTF gives 2048.
  const matrix: [CaptureKind, (number | 'auto' | { knownRtf: number })[]][] = [
    ['script-processor', ['auto', 0.0123, 0.7, { knownRtf: 0.001 }, { knownRtf: 0.015 }]],
    ['worklet', ['auto', 0.7]],
  ];
  it('sizes the capture\'s blocks from a known RTF (the first chunk is one block)', async () => {
    const hello = path.join(root, 'examples', 'hello.synth.js');
    // node-web-audio-api may reject a suspend point registered too late (on a loaded machine, the first ones):
    // the first chunk is then larger than a block. Such renders are retried; the block size is what is checked.
    const firstChunk = async (knownRtf: number | undefined): Promise<number> => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const stats = await pool.stream({ path: hello }, { chunk: 'auto', knownRtf });
        if (stats.skippedPoints === 0) return stats.chunkFrames[0];
      }
      throw new Error(`5 renders in a row skipped suspend points (known RTF ${knownRtf})`);
    };
    assert.equal(await firstChunk(0.001), 8192);
    assert.equal(await firstChunk(0.015), 4096);
    assert.equal(await firstChunk(0.05), 2048);
  });

  for (const patch of [...examples, ...fixtures]) {
    for (const [capture, chunks] of matrix) {
      for (const entry of chunks) {
        const chunk = typeof entry === 'object' ? 'auto' : entry;
        const knownRtf = typeof entry === 'object' ? entry.knownRtf : undefined;
        it(`${path.basename(patch)} with ${capture} capture, chunk ${chunk}${knownRtf ? ` (known RTF ${knownRtf})` : ''}`, async () => {
          const report = await runParityTest(pool, { path: patch }, { capture, chunk, knownRtf });
          assert.equal(report.capture, capture);
          assert.ok(report.frames > 0);
          assert.equal(report.firstDiffFrame, -1, `first difference at frame ${report.firstDiffFrame}, max ${report.maxAbsDiff}`);
          assert.equal(report.bitExact, true);
          if (chunk !== 'auto') {
            const chunkFrames = Math.round(chunk * report.sampleRate);
            assert.equal(report.chunks, Math.ceil(report.frames / chunkFrames), 'fixed chunks tile the render');
          }
        });
      }
    }
  }
});
