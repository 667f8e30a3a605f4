// A render to WAV is written by the render worker itself (the audio never reaches the caller's process): the file
// must be byte for byte the one the caller would write from the streamed chunks, its report the same, and a
// worker that dies mid-write must leave nothing behind.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WAV_RENDER_CHUNK, renderToWav } from '../../src/engine/file-render';
import { collectYoungGarbage } from '../../src/engine/garbage-collection';
import { OutputAnalyser } from '../../src/engine/output-analysis';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';
import { WavWriter, WAV_SAMPLE_FORMATS } from '../../src/engine/wav-writer';

const root = path.resolve(__dirname, '..', '..');

/**
 * Allocates `count` MB of chunk-like sample arrays that are unreachable once it returns (a function of its own, so
 * that no async frame keeps the last one); returns a checksum. Too little for V8 to collect on its own.
 */
function allocateDeadArrays(count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) {
    const samples = new Float32Array(262_144);
    samples[i] = i;
    checksum += samples[i];
  }
  return checksum;
}
const example = (name: string): string => path.join(root, 'examples', name);

describe('render to WAV in the worker', function () {
  this.timeout(120_000);
  let pool: RenderPool;
  let dir: string;

  before(async () => {
    pool = new RenderPool({ size: 2 });
    await pool.warmUp();
  });
  after(() => pool.dispose());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-wav-render-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Four channels (quad-orbit) and another sample rate (96 kHz bowls), each in every sample format.
  for (const patch of ['05-quad-orbit.synth.js', '09-crystal-bowls-96k.synth.js']) {
    it(`writes ${patch} byte for byte as the caller would from the streamed chunks, in every format`, async () => {
      for (const format of WAV_SAMPLE_FORMATS) {
        const fromWorker = path.join(dir, `worker-${format}.wav`);
        const done = await renderToWav(pool, { path: example(patch) }, fromWorker, format);

        const fromChunks = path.join(dir, `caller-${format}.wav`);
        const analyser = new OutputAnalyser();
        let writer: Promise<WavWriter> | undefined;
        await pool.stream(
          { path: example(patch) },
          {
            chunk: WAV_RENDER_CHUNK,
            onInfo: (info) => (writer = WavWriter.open(fromChunks, { sampleRate: info.sampleRate, channels: info.channels, format })),
            onChunk: async (chunk) => {
              analyser.add(chunk);
              await (await writer!).write(chunk);
            },
          },
        );
        const summary = await (await writer!).finish();

        assert.ok(fs.readFileSync(fromWorker).equals(fs.readFileSync(fromChunks)), `${format}: the worker's file differs from the caller's`);
        assert.deepEqual(done.output, analyser.report(), `${format}: output report`);
        assert.equal(done.wav.path, path.resolve(fromWorker));
        assert.equal(done.wav.bytes, summary.bytes);
        assert.equal(done.wav.frames, done.info.frames);
        assert.equal(done.wav.clippedSamples, summary.clippedSamples);
      }
      assert.deepEqual(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
    });
  }

  it('removes the temporary file when the worker dies mid-write, and names the failure', async () => {
    // One worker, so the one rendering is the one killed.
    const single = new RenderPool({ size: 1 });
    try {
      const destination = path.join(dir, 'killed.wav');
      let killedPid: number | undefined;
      const error = await renderToWav(single, { path: path.join(root, 'test', 'fixtures', 'hostile', 'long.synth.js') }, destination, 'pcm16', {
        onProgress: (progress) => {
          if (killedPid !== undefined || progress.framesDone < progress.framesTotal / 4) return;
          assert.ok(fs.readdirSync(dir).some((name) => name.endsWith('.tmp')), 'the worker is writing its temporary file');
          assert.equal(single.workerPids.length, 1);
          killedPid = single.workerPids[0];
          process.kill(killedPid, 'SIGKILL');
        },
      }).then(
        () => assert.fail('the render survived its worker'),
        (err: unknown) => err,
      );
      assert.ok(killedPid !== undefined, 'the render reached a quarter');
      assert.ok(error instanceof PatchError, String(error));
      assert.match(error.message, /render worker failed: killed by SIGKILL/);
      assert.deepEqual(fs.readdirSync(dir), [], 'no file and no temporary file');
    } finally {
      await single.dispose();
    }
  });

  it('collects young garbage, freeing dead sample arrays at once, without exposing gc() to patches', async () => {
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'this test needs a process without --expose-gc');
    const baseline = process.memoryUsage().arrayBuffers;
    assert.equal(allocateDeadArrays(8), 28);
    const before = process.memoryUsage().arrayBuffers;
    assert.ok(before - baseline >= 7 * 2 ** 20, `the arrays are still held: ${((before - baseline) / 2 ** 20).toFixed(1)} MB`);
    collectYoungGarbage();
    // V8 frees the collected arrays' memory on a background thread: give it up to a second.
    let after = process.memoryUsage().arrayBuffers;
    for (let waited = 0; after - baseline >= 2 ** 20 && waited < 1000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = process.memoryUsage().arrayBuffers;
    }
    assert.ok(after - baseline < 2 ** 20, `freed: ${((before - after) / 2 ** 20).toFixed(1)} MB of ${((before - baseline) / 2 ** 20).toFixed(1)} MB`);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'gc() stays private');
  });
});
