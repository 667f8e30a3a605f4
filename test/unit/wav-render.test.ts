// A render to WAV is written by the render worker itself (the audio never reaches the caller's process): the file
// must be byte for byte the one the caller would write from the streamed chunks, its report the same, and a
// worker that dies mid-write must leave nothing behind.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WAV_RENDER_CHUNK, renderToMp4, renderToWav } from '../../src/engine/file-render';
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
const hostile = (name: string): string => path.join(root, 'test', 'fixtures', 'hostile', name);

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

  it('returns the warnings a render to a file ends with (silence, clipping), for WAV and MP4 alike, none when clean', async () => {
    const smallVideo = { width: 320, height: 180, fps: 10 };
    const cases: [string, RegExp | undefined][] = [
      [hostile('silent.synth.js'), /^the render is silent \(every sample is 0\)$/],
      [hostile('clipping.synth.js'), /^\d+ samples exceed 0 dBFS \(peak 6\.0 dBFS\) and clip in integer formats$/],
      [example('hello.synth.js'), undefined],
    ];
    for (const [patch, expected] of cases) {
      const name = path.basename(patch, '.synth.js');
      const wav = await renderToWav(pool, { path: patch }, path.join(dir, `${name}.wav`), 'float32');
      const mp4 = await renderToMp4(pool, { path: patch }, { ...smallVideo, destination: path.join(dir, `${name}.mp4`) });
      for (const [format, result] of [['WAV', wav], ['MP4', mp4]] as const) {
        if (!expected) {
          assert.deepEqual(result.warnings, [], `${name} ${format}`);
          continue;
        }
        assert.equal(result.warnings.length, 1, `${name} ${format}: ${result.warnings.join('; ')}`);
        assert.match(result.warnings[0], expected, `${name} ${format}`);
      }
      // The count in the warning is the report's, and both formats saw the same samples.
      assert.deepEqual(mp4.output, wav.output, `${name}: the same output report`);
      if (wav.output.clippedSamples > 0) assert.ok(wav.warnings[0].startsWith(`${wav.output.clippedSamples} samples`));
    }
  });

  it('a render to WAV or MP4 cancelled by its caller fails the same way, and leaves no file', async () => {
    const long = path.join(root, 'test', 'fixtures', 'hostile', 'long.synth.js');
    const cancelled = async (render: (signal: AbortSignal, onProgress: () => void) => Promise<unknown>): Promise<unknown> => {
      const controller = new AbortController();
      return render(controller.signal, () => controller.abort()).then(
        () => assert.fail('the render was not cancelled'),
        (err: unknown) => err,
      );
    };
    const errors = [
      await cancelled((signal, onProgress) => renderToWav(pool, { path: long }, path.join(dir, 'long.wav'), 'pcm16', { signal, onProgress })),
      await cancelled((signal, onProgress) => renderToMp4(pool, { path: long }, { width: 320, height: 180, fps: 10, destination: path.join(dir, 'long.mp4') }, { signal, onProgress })),
    ];
    for (const [format, error] of [['WAV', errors[0]], ['MP4', errors[1]]] as const) {
      assert.ok(error instanceof PatchError, `${format}: ${String(error)}`);
      assert.equal(error.kind, 'cancelled', format);
      assert.equal(error.message, 'render cancelled', format);
    }
    assert.deepEqual(fs.readdirSync(dir), [], 'no file and no temporary file');
  });

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
