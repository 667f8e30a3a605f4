// Renders to files never lose or corrupt a file: cancelling at any moment, a failing ffmpeg, a failing disk
// and Ctrl+C on the CLI leave no file at the destination and no temporary file beside it, and an existing
// destination stays byte-identical until a new complete file replaces it.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderToMp4, renderToWav } from '../../src/engine/file-render';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';
import { createSeededRandom } from '../../src/engine/seeded-random';
import { readWav } from '../../src/engine/wav-reader';
import { recordReliability } from './reliability-log';
import { CLI_PATH } from './helpers/cli';

const root = path.resolve(__dirname, '..', '..');
const hostile = (name: string): string => path.join(root, 'test', 'fixtures', 'hostile', name);
const fixture = (name: string): string => path.join(root, 'test', 'fixtures', name);
const longPatch = { path: hostile('long.synth.js') };
const smallVideo = { width: 320, height: 180, fps: 15, fftSize: 1024 };

/** ffmpeg processes whose parent is this process. */
function ffmpegChildren(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[1] === String(process.pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ffmpeg');
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    return error;
  }
  throw new Error('the render did not fail');
}

function isCancel(error: Error): boolean {
  return (error instanceof PatchError && error.kind === 'cancelled') || error.name === 'AbortError';
}

describe('file safety', function () {
  this.timeout(180_000);
  let pool: RenderPool;
  let dir: string;
  // Seeded, so a failure can be replayed; the moments still differ from case to case.
  const random = createSeededRandom(20_251_121);
  before(async () => {
    pool = new RenderPool({ size: 2 });
    await pool.warmUp();
  });
  after(() => pool.dispose());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-files-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('cancelling a WAV render at random moments leaves no file and no temporary file', async () => {
    const moments: string[] = [];
    for (let trial = 0; trial < 5; trial++) {
      const destination = path.join(dir, `cancel-${trial}.wav`);
      const controller = new AbortController();
      // Trial 0 cancels before the patch is even built; the others at a random point of the render (a point in
      // the audio rather than in wall time, so that a fast machine cannot finish the render first).
      const fraction = trial === 0 ? 0 : 0.05 + random() * 0.85;
      let chunksSeen = 0;
      const render = renderToWav(pool, longPatch, destination, 'pcm24', {
        signal: controller.signal,
        onProgress: (progress) => {
          chunksSeen++;
          if (progress.framesDone >= fraction * progress.framesTotal) controller.abort();
        },
      });
      if (trial === 0) controller.abort();
      const error = await rejection(render);
      assert.ok(isCancel(error), `cancelled, got ${error.message}`);
      assert.deepEqual(fs.readdirSync(dir), [], `after cancel at ${(fraction * 100).toFixed(0)} %`);
      moments.push(`${(fraction * 100).toFixed(0)} % (${chunksSeen} progress reports)`);
    }
    recordReliability('engine', 'renderToWav of a 120 s patch cancelled at random moments', `cancelled at ${moments.join(', ')}`, 'nothing (no file, no .tmp)');
  });

  it('cancelling an MP4 render at random moments leaves no file, no temporary file and no ffmpeg', async () => {
    const moments: string[] = [];
    for (let trial = 0; trial < 3; trial++) {
      const destination = path.join(dir, `cancel-${trial}.mp4`);
      const controller = new AbortController();
      const delay = trial === 0 ? 0 : 300 + Math.floor(random() * 2000);
      const render = renderToMp4(pool, longPatch, { ...smallVideo, destination }, { signal: controller.signal });
      setTimeout(() => controller.abort(), delay);
      const error = await rejection(render);
      assert.ok(isCancel(error), `cancelled, got ${error.message}`);
      assert.deepEqual(fs.readdirSync(dir), [], `after cancel at ${delay} ms`);
      assert.deepEqual(ffmpegChildren(), [], 'ffmpeg was killed');
      moments.push(`${delay} ms`);
    }
    recordReliability('engine', 'renderToMp4 of a 120 s patch cancelled at random moments', `cancelled at ${moments.join(', ')}; ffmpeg killed`, 'nothing (no file, no .tmp)');
  });

  it('an existing destination stays byte-identical until the new file is complete', async () => {
    const destination = path.join(dir, 'keep.wav');
    const original = Buffer.from('the previous render: must survive a failed or cancelled one');
    fs.writeFileSync(destination, original);
    let checks = 0;
    const controller = new AbortController();
    const cancelled = renderToWav(pool, longPatch, destination, 'pcm16', {
      signal: controller.signal,
      onProgress: (progress) => {
        checks++;
        assert.ok(fs.readFileSync(destination).equals(original), 'destination untouched during the render');
        // Counted in reports, not frames: node-web-audio-api sometimes rejects a run of suspend points (up to 61
        // of this render's 120 seen), and a frame threshold could then be crossed after a report or two.
        if (checks >= 10) controller.abort();
      },
    });
    assert.ok(isCancel(await rejection(cancelled)));
    assert.ok(fs.readFileSync(destination).equals(original), 'destination untouched after cancel');
    assert.deepEqual(fs.readdirSync(dir), ['keep.wav']);

    const failed = await rejection(renderToWav(pool, { path: hostile('nan-output.synth.js') }, destination, 'pcm16'));
    assert.match(failed.message, /NaN/);
    assert.ok(fs.readFileSync(destination).equals(original), 'destination untouched after a failed render');

    const mp4Destination = path.join(dir, 'keep.mp4');
    fs.writeFileSync(mp4Destination, original);
    const mp4Controller = new AbortController();
    const mp4 = renderToMp4(pool, longPatch, { ...smallVideo, destination: mp4Destination }, {
      signal: mp4Controller.signal,
      onProgress: (progress) => {
        assert.ok(fs.readFileSync(mp4Destination).equals(original));
        if (progress.framesDone > 48000 * 10) mp4Controller.abort();
      },
    });
    assert.ok(isCancel(await rejection(mp4)));
    assert.ok(fs.readFileSync(mp4Destination).equals(original), 'MP4 destination untouched after cancel');

    const done = await renderToWav(pool, { path: fixture('random-seeded.synth.js') }, destination, 'pcm16', {
      onProgress: () => assert.ok(fs.readFileSync(destination).equals(original)),
    });
    const wav = await readWav(destination);
    assert.equal(wav.channels[0].length, done.info.frames);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['keep.mp4', 'keep.wav']);
    assert.ok(checks > 5, `${checks} checks during the render`);
    recordReliability('engine', 'existing destination, then cancelled WAV / NaN render / cancelled MP4, then a good render', 'old bytes unchanged after each failure; replaced only by the complete new WAV', 'the old file, then the new complete file');
  });

  const ffmpegFailures: [string, string, RegExp][] = [
    ['missing (bad path)', '/nonexistent/bin/ffmpeg', /No usable ffmpeg found.*\n.*configured \/nonexistent\/bin\/ffmpeg: not found/],
    ['crashing (exit 1 after reading input)', hostile('fake-ffmpeg/crashing'), /ffmpeg (stopped before the video was complete|failed) \(exit code 1;[^]*fake-ffmpeg: encoder crashed/],
    ['killed (SIGKILL mid-way)', hostile('fake-ffmpeg/killed'), /ffmpeg (stopped before the video was complete|failed) \(killed by SIGKILL/],
  ];
  for (const [label, ffmpegPath, pattern] of ffmpegFailures) {
    it(`an ffmpeg that is ${label} gives a clear error and no file`, async () => {
      const destination = path.join(dir, 'video.mp4');
      const error = await rejection(renderToMp4(pool, longPatch, { ...smallVideo, destination, ffmpegPath }));
      assert.match(error.message, pattern);
      assert.deepEqual(fs.readdirSync(dir), []);
      assert.deepEqual(ffmpegChildren(), []);
      recordReliability('engine', `renderToMp4 with an ffmpeg that is ${label}`, error.message.split('\n').slice(0, 2).join(' / '), 'nothing');
    });
  }

  it('the real ffmpeg killed mid-way gives a clear error and no file', async () => {
    const destination = path.join(dir, 'video.mp4');
    let killed: number | undefined;
    const error = await rejection(
      renderToMp4(pool, longPatch, {
        ...smallVideo,
        destination,
        onProgress: (progress) => {
          if (killed === undefined && progress.framesDone >= 30) {
            killed = ffmpegChildren()[0];
            if (killed) process.kill(killed, 'SIGKILL');
          }
        },
      }),
    );
    assert.ok(killed, 'ffmpeg was running');
    assert.match(error.message, /ffmpeg (stopped before the video was complete|failed) \(killed by SIGKILL/);
    assert.deepEqual(fs.readdirSync(dir), []);
    recordReliability('engine', 'renderToMp4, real ffmpeg killed with SIGKILL after 30 frames', error.message.split('\n')[0], 'nothing');
  });

  describe('a failing disk', function () {
    let mountPoint: string | undefined;
    let skipReason: string | undefined;
    before(function () {
      mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-tmpfs-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
      } catch (error) {
        skipReason = `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
        fs.rmSync(mountPoint, { recursive: true, force: true });
        mountPoint = undefined;
      }
    });
    after(() => {
      if (!mountPoint) return;
      execFileSync('umount', [mountPoint]);
      fs.rmSync(mountPoint, { recursive: true, force: true });
    });
    beforeEach(function () {
      if (skipReason) {
        console.log(`      skipped: ${skipReason}`);
        this.skip();
      }
      for (const entry of fs.readdirSync(mountPoint!)) fs.rmSync(path.join(mountPoint!, entry), { recursive: true, force: true });
    });

    it('a full 1 MB tmpfs: WAV render fails with ENOSPC, no partial file, the old file intact', async () => {
      const destination = path.join(mountPoint!, 'full.wav');
      const original = Buffer.from('previous');
      fs.writeFileSync(destination, original);
      const error = await rejection(renderToWav(pool, longPatch, destination, 'pcm16'));
      assert.match(`${(error as NodeJS.ErrnoException).code} ${error.message}`, /ENOSPC/);
      assert.deepEqual(fs.readdirSync(mountPoint!), ['full.wav']);
      assert.ok(fs.readFileSync(destination).equals(original));
      recordReliability('engine', 'renderToWav of 120 s into a 1 MB tmpfs', error.message, 'the old file only');
    });

    it('a full 1 MB tmpfs: MP4 render fails with a clear ffmpeg error, no partial file', async () => {
      const destination = path.join(mountPoint!, 'full.mp4');
      const error = await rejection(renderToMp4(pool, longPatch, { ...smallVideo, destination, crf: 0, preset: 'ultrafast' }));
      assert.match(error.message, /ffmpeg.*(exit code|killed)[^]*(No space left|Error|error)/i);
      assert.deepEqual(fs.readdirSync(mountPoint!), []);
      recordReliability('engine', 'renderToMp4 (lossless video) into a 1 MB tmpfs', error.message.split('\n').slice(0, 2).join(' / '), 'nothing');
    });

    it('the CLI on a full disk: exit 1, ENOSPC named, no partial file', () => {
      const result = spawnCli(['render', hostile('long.synth.js'), '--out', path.join(mountPoint!, 'cli.wav')]);
      return result.then(({ code, stderr }) => {
        assert.equal(code, 1, stderr);
        assert.match(stderr, /long\.synth\.js: .*ENOSPC/);
        assert.deepEqual(fs.readdirSync(mountPoint!), []);
        recordReliability('CLI', 'render long.synth.js --out <1 MB tmpfs>/cli.wav', `exit ${code}; ${stderr.split('\n').find((l) => /ENOSPC/.test(l))}`, 'nothing');
      });
    });

    it('a read-only file system: clear error (EROFS), nothing written', async () => {
      execFileSync('mount', ['-o', 'remount,ro', mountPoint!]);
      try {
        const error = await rejection(renderToWav(pool, { path: fixture('random-seeded.synth.js') }, path.join(mountPoint!, 'ro.wav'), 'pcm16'));
        assert.match(`${(error as NodeJS.ErrnoException).code} ${error.message}`, /EROFS/);
        assert.deepEqual(fs.readdirSync(mountPoint!), []);
        recordReliability('engine', 'renderToWav into a read-only tmpfs', error.message, 'nothing');
      } finally {
        execFileSync('mount', ['-o', 'remount,rw', mountPoint!]);
      }
    });
  });

  it('SIGTERM on `patchscope render` cancels as Ctrl+C does, exits 143 and leaves no file', async () => {
    const { code, stderr, sawProgress } = await spawnCli(['render', hostile('long.synth.js'), '--out', dir + path.sep], /\d+%/, 1, 'SIGTERM');
    assert.ok(sawProgress, `progress was printed before SIGTERM: ${stderr}`);
    assert.equal(code, 143, stderr);
    assert.match(stderr, /terminated: cancelling renders/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  for (const format of ['wav', 'mp4'] as const) {
    it(`Ctrl+C on \`patchscope render --format ${format}\` exits 130 and leaves no file`, async () => {
      const args = ['render', hostile('long.synth.js'), '--format', format, '--out', dir + path.sep, ...(format === 'mp4' ? ['--size', '320x180', '--fps', '15'] : [])];
      const { code, stderr, sawProgress } = await spawnCli(args, /\d+%/);
      assert.ok(sawProgress, `progress was printed before Ctrl+C: ${stderr}`);
      assert.equal(code, 130, stderr);
      assert.match(stderr, /interrupted: cancelling renders/);
      assert.deepEqual(fs.readdirSync(dir), []);
      recordReliability('CLI', `render long.synth.js --format ${format}, SIGINT after the first progress line`, `exit ${code}; "${stderr.split('\n').find((l) => /cancelled/.test(l))?.replace(root, '.')}"`, 'nothing (no file, no .tmp)');
    });

    it(`a second Ctrl+C on \`patchscope render --format ${format}\` exits at once, still leaving no file`, async () => {
      const args = ['render', hostile('long.synth.js'), '--format', format, '--out', dir + path.sep, ...(format === 'mp4' ? ['--size', '320x180', '--fps', '15'] : [])];
      const { code, stderr, sawProgress } = await spawnCli(args, /\d+%/, 2);
      assert.ok(sawProgress, `progress was printed before Ctrl+C: ${stderr}`);
      assert.equal(code, 130, stderr);
      assert.deepEqual(fs.readdirSync(dir), []);
      recordReliability('CLI', `render long.synth.js --format ${format}, SIGINT twice after the first progress line`, `exit ${code}`, 'nothing (no file, no .tmp)');
    });
  }
});

/** Runs the CLI; with `interruptOn`, sends `signal` `interrupts` times once stderr matches it. */
function spawnCli(args: string[], interruptOn?: RegExp, interrupts = 1, signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; stderr: string; sawProgress: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sawProgress = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (interruptOn && !sawProgress && interruptOn.test(stderr)) {
        sawProgress = true;
        for (let i = 0; i < interrupts; i++) child.kill(signal);
      }
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, sawProgress });
    });
  });
}
