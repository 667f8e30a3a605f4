// Broken and hostile patches through the engine and the CLI: each fails with one clear message naming the
// file (and line and column where there is one), runaway patches are stopped, bad output is refused or
// reported. Cases already covered by patch-errors.test.ts (syntax error, throws, NaN/1e9/0/33 fields,
// missing import, endless build()) are not repeated for the engine; the CLI runs them all in one go.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderToWav } from '../../src/engine/file-render';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';
import { readWav } from '../../src/engine/wav-reader';
import { runCli } from './helpers/cli';
import { recordReliability } from './reliability-log';

const root = path.resolve(__dirname, '..', '..');
const hostile = (name: string): string => path.join(root, 'test', 'fixtures', 'hostile', name);
const fixture = (name: string): string => path.join(root, 'test', 'fixtures', name);

/** OS threads of this process (worker threads, worklet threads, native render threads). */
function osThreads(): number {
  return fs.readdirSync('/proc/self/task').length;
}

async function failure(render: Promise<unknown>): Promise<PatchError> {
  try {
    await render;
  } catch (error) {
    assert.ok(error instanceof PatchError, `expected a PatchError, got ${String(error)}`);
    return error;
  }
  throw new Error('the render did not fail');
}

/** A valid patch of about `bytes` bytes: a wavetable written out as a literal, played once. */
function hugePatch(bytes: number, brokenLastLine: boolean): { text: string; table: number[]; lines: number } {
  const table: number[] = [];
  const rows: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const value = Math.round(Math.sin(i / 7) * 1e6) / 4e6;
    table.push(value);
    const row = `  ${value},\n`;
    rows.push(row);
    size += row.length;
  }
  const text =
    `const table = [\n${rows.join('')}];\n` +
    'export default {\n  duration: 0.25,\n  channels: 1,\n  build(ctx, out) {\n' +
    '    const buffer = new AudioBuffer({ length: 12000, sampleRate: 48000 });\n' +
    '    buffer.copyToChannel(Float32Array.from(table.slice(0, 12000)), 0);\n' +
    '    const source = new AudioBufferSourceNode(ctx, { buffer });\n    source.connect(out);\n    source.start();\n  },\n};\n' +
    (brokenLastLine ? 'export const oops = (;\n' : '');
  return { text, table, lines: text.split('\n').length - 1 };
}

describe('hostile patches: engine', function () {
  this.timeout(180_000);
  let pool: RenderPool;
  let dir: string;
  before(() => {
    pool = new RenderPool({ size: 2 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-hostile-'));
  });
  after(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [label, body, pattern, line] of [
    ['duration -1', 'export default {\n  duration: -1,\n  build(ctx, out) {},\n};\n', /duration must be a finite number.*got -1/, 2],
    ['a default export that is a number', 'export default 42;\n', /must be an object.*got number/, 1],
    ['a default export that is null', 'export default null;\n', /no default export/, 1],
    ['build that is not a function', 'export default {\n  duration: 1,\n  build: 3,\n};\n', /build must be a function/, 3],
  ] as const) {
    it(`rejects ${label} with the file and the line`, async () => {
      const file = path.join(dir, 'shape.synth.js');
      const error = await failure(pool.stream({ path: file, text: body }));
      assert.equal(error.kind, 'validation');
      assert.match(error.message, pattern);
      assert.equal(error.file, file);
      assert.equal(error.line, line);
      recordReliability('engine', label, `${error.kind}: ${error.format().replace(dir, '<tmp>')}`, 'nothing (stream)');
    });
  }

  it('renders a 10 MB patch, and points at the last line of a 10 MB patch with a syntax error there', async () => {
    const good = hugePatch(10 * 1024 * 1024, false);
    const goodFile = path.join(dir, 'huge.synth.js');
    fs.writeFileSync(goodFile, good.text);
    assert.ok(fs.statSync(goodFile).size >= 10 * 1024 * 1024);
    const rendered = await pool.renderOneShot({ path: goodFile });
    assert.equal(rendered.info.frames, 12000);
    // The samples are the table's values: the whole 10 MB literal was compiled and evaluated.
    for (const i of [0, 1, 777, 11999]) assert.equal(rendered.channels[0][i], Math.fround(good.table[i]));

    const broken = hugePatch(10 * 1024 * 1024, true);
    const error = await failure(pool.stream({ path: path.join(dir, 'huge-broken.synth.js'), text: broken.text }));
    assert.equal(error.kind, 'compile');
    assert.equal(error.line, broken.lines);
    // The `;` right after `(` in `export const oops = (;`.
    assert.equal(error.column, 22);
    recordReliability('engine', '10 MB patch (valid / syntax error on its last line)', `renders / ${error.kind} at line ${error.line}:${error.column}`, 'nothing (stream)');
  });

  it('stops an endless loop in an AudioWorkletProcessor’s process(), keeps other renders going, and frees its threads', async () => {
    const small = new RenderPool({ size: 2 });
    try {
      await small.warmUp();
      await small.stream({ path: fixture('random-seeded.synth.js') });
      const threadsBefore = osThreads();
      const order: string[] = [];
      const hung = failure(small.stream({ path: hostile('endless-process.synth.js') }, { timeout: 2 })).then((error) => {
        order.push('hung render stopped');
        return error;
      });
      // While one worker is stuck, the other renders: the host (and a preview fed by it) stays responsive.
      const during = await small.stream({ path: fixture('random-seeded.synth.js') });
      order.push('other render done');
      assert.equal(during.info.frames, 24000);
      const error = await hung;
      assert.deepEqual(order, ['other render done', 'hung render stopped']);
      assert.equal(error.kind, 'timeout');
      assert.equal(error.file, hostile('endless-process.synth.js'));
      assert.match(error.message, /2 s without progress/);
      assert.match(error.message, /AudioWorkletProcessor's process\(\)/);
      assert.match(error.message, /renderTimeout setting/);
      assert.match(error.message, /--timeout in the CLI/);
      // The stuck worker (with its worklet thread spinning) is gone; back at full strength, no thread is left over.
      await small.warmUp();
      await small.stream({ path: fixture('random-seeded.synth.js') });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const threadsAfter = osThreads();
      assert.ok(threadsAfter <= threadsBefore, `threads before ${threadsBefore}, after ${threadsAfter}`);
      recordReliability('engine', 'endless loop in AudioWorkletProcessor.process() (timeout 2 s)', `${error.kind}: ${error.message}; OS threads ${threadsBefore} before, ${threadsAfter} after`, 'nothing (stream)');
    } finally {
      await small.dispose();
    }
  });

  it('stops a patch that allocates without end at the worker heap limit; the host process lives on', () => {
    const host = spawnSync(process.execPath, ['--import', 'tsx', hostile('memory-host.ts'), '64'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(host.status, 0, `host exited with ${host.status} ${host.signal ?? ''}: ${host.stderr}`);
    const lines = host.stdout.trim().split('\n');
    const outcome = JSON.parse(lines[lines.length - 1]) as { hostile: { kind: string; text: string }; afterwards: number; workers: number };
    assert.equal(outcome.hostile.kind, 'memory');
    assert.match(outcome.hostile.text, /allocates-forever\.synth\.js: the patch ran out of memory \(render worker heap limit 64 MB\)/);
    assert.equal(outcome.afterwards, 24000, 'the host rendered again after the worker died');
    recordReliability('engine', 'unbounded allocation in build() (workerHeapMb 64)', `${outcome.hostile.kind}: ${outcome.hostile.text.replace(root, '.')}; the host then rendered another patch`, 'nothing (stream)');
  });

  for (const [name, frame, channel] of [
    ['nan-output.synth.js', 1000, 2],
    ['infinite-output.synth.js', 12345, 1],
  ] as const) {
    it(`refuses ${name} in renderToWav, naming the first bad frame, and writes nothing`, async () => {
      const out = fs.mkdtempSync(path.join(dir, 'wav-'));
      const destination = path.join(out, 'bad.wav');
      const error = await failure(renderToWav(pool, { path: hostile(name) }, destination, 'float32'));
      assert.equal(error.kind, 'output');
      assert.equal(error.file, hostile(name));
      assert.match(error.message, new RegExp(`NaN or infinite samples \\(first at frame ${frame}, channel ${channel}\\); nothing was written`));
      assert.deepEqual(fs.readdirSync(out), []);
      recordReliability('engine', `${name} -> renderToWav`, `${error.kind}: ${error.message}`, 'nothing');
    });
  }
});

describe('hostile patches: CLI', function () {
  this.timeout(180_000);
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-hostile-cli-'));
    out = path.join(dir, 'out');
    fs.mkdirSync(out);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports every broken patch with FILE:LINE:COLUMN (or FILE), exits 1 and writes nothing', () => {
    const patches = path.join(dir, 'patches');
    fs.mkdirSync(patches);
    const write = (name: string, text: string): string => {
      fs.writeFileSync(path.join(patches, name), text);
      return name;
    };
    fs.cpSync(path.join(root, 'test', 'fixtures', 'lib'), path.join(patches, 'lib'), { recursive: true });
    fs.cpSync(path.join(root, 'test', 'fixtures', 'hostile', 'worklets'), path.join(patches, 'worklets'), { recursive: true });
    const huge = hugePatch(10 * 1024 * 1024, true);
    // name -> the message expected on stderr
    const expected: Record<string, RegExp> = {
      [write('syntax.synth.js', 'export default {\n  duration: 1,\n  build(ctx, out) {\n    const x = ;\n  },\n};\n')]: /syntax\.synth\.js:4:15: Unexpected ";"/,
      [write('no-default.synth.js', 'export const duration = 1;\n')]: /no-default\.synth\.js(:1:1)?: the patch has no default export/,
      [write('duration-negative.synth.js', 'export default {\n  duration: -1,\n  build() {},\n};\n')]: /duration-negative\.synth\.js:2:3: duration must be/,
      [write('duration-nan.synth.js', 'export default {\n  duration: NaN,\n  build() {},\n};\n')]: /duration-nan\.synth\.js:2:3: duration must be/,
      [write('duration-huge.synth.js', 'export default {\n  duration: 1e9,\n  build() {},\n};\n')]: /duration-huge\.synth\.js:2:3: duration 1000000000 s is over the render's limit of 3600 s \(raise it with --max-duration/,
      [write('rate-zero.synth.js', 'export default {\n  duration: 1,\n  sampleRate: 0,\n  build() {},\n};\n')]: /rate-zero\.synth\.js:3:3: sampleRate must be/,
      [write('channels-zero.synth.js', 'export default {\n  duration: 1,\n  channels: 0,\n  build() {},\n};\n')]: /channels-zero\.synth\.js:3:3: channels must be/,
      [write('channels-33.synth.js', 'export default {\n  duration: 1,\n  channels: 33,\n  build() {},\n};\n')]: /channels-33\.synth\.js:3:3: channels must be/,
      [write('throws-sync.synth.js', 'export default {\n  duration: 1,\n  build() {\n    throw new Error("sync failure");\n  },\n};\n')]: /throws-sync\.synth\.js:4:11: sync failure/,
      [write('throws-await.synth.ts', fs.readFileSync(fixture('throws-after-await.synth.ts'), 'utf8'))]: /lib[/\\]fail-later\.ts:4:\d+: sample library missing/,
      [write('throws-timer.synth.js', 'export default {\n  duration: 5,\n  build(ctx, out) {\n    new OscillatorNode(ctx).connect(out);\n    setTimeout(() => {\n      nope();\n    }, 1);\n  },\n};\n')]: /throws-timer\.synth\.js:6:7: ReferenceError: nope is not defined/,
      [write('missing-import.synth.js', "import { pad } from './no-such-module';\nexport default { duration: 1, build() { pad(); } };\n")]: /missing-import\.synth\.js:1:\d+: .*no-such-module/,
      [write('huge.synth.js', huge.text)]: new RegExp(`huge\\.synth\\.js:${huge.lines}:22: Unexpected ";"`),
      [write('endless-process.synth.js', fs.readFileSync(hostile('endless-process.synth.js'), 'utf8'))]: /endless-process\.synth\.js: render stopped after 3 s without progress/,
      [write('endless-build.synth.js', fs.readFileSync(fixture('endless-build.synth.js'), 'utf8'))]: /endless-build\.synth\.js: render stopped after 3 s without progress/,
    };
    const names = Object.keys(expected);
    const result = runCli(['render', ...names, '--out', out, '--workers', '2', '--timeout', '3', '--json'], { cwd: patches });
    assert.equal(result.status, 1, result.stderr);
    const summary = JSON.parse(result.stdout) as { results: { patch: string; ok: boolean; error?: string }[] };
    assert.equal(summary.results.length, names.length);
    for (const name of names) {
      const outcome = summary.results.find((r) => path.basename(r.patch) === name);
      assert.ok(outcome && !outcome.ok, `${name} should fail`);
      assert.match(outcome.error ?? '', expected[name], `${name}: ${outcome.error}`);
      // One message per patch on stderr.
      assert.equal(result.stderr.split('\n').filter((l) => expected[name].test(l)).length, 1, `${name} reported once`);
      recordReliability('CLI', `render ${name}`, `exit 1; ${(outcome.error ?? '').replace(patches + path.sep, '').split('\n')[0]}`, 'nothing');
    }
    assert.deepEqual(fs.readdirSync(out), []);
    assert.deepEqual(fs.readdirSync(patches).filter((f) => !f.endsWith('.synth.js') && !f.endsWith('.synth.ts')).sort(), ['lib', 'worklets']);
  });

  it('refuses NaN output with the frame and channel, exit 1, no file', () => {
    const result = runCli(['render', hostile('nan-output.synth.js'), '--out', out]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /nan-output\.synth\.js: the patch produced NaN or infinite samples \(first at frame 1000, channel 2\); nothing was written/);
    assert.deepEqual(fs.readdirSync(out), []);
    recordReliability('CLI', 'render nan-output.synth.js', 'exit 1; NaN refused at frame 1000, channel 2', 'nothing');
  });

  it('reports silence and clipping (peak dBFS, clipped samples) in render --json, matching the file', async () => {
    const result = runCli(['render', hostile('silent.synth.js'), hostile('clipping.synth.js'), '--out', out, '--bit-depth', '32f', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const { results } = JSON.parse(result.stdout) as { results: { patch: string; ok: boolean; peakDbfs: number | null; clippedSamples: number; warnings: string[] }[] };
    const silent = results.find((r) => r.patch.endsWith('silent.synth.js'))!;
    const clipping = results.find((r) => r.patch.endsWith('clipping.synth.js'))!;

    const silentWav = await readWav(path.join(out, 'silent.wav'));
    assert.ok(silentWav.channels.every((c) => c.every((v) => v === 0)));
    assert.equal(silent.peakDbfs, null, 'silence is -Infinity dBFS (null in JSON)');
    assert.equal(silent.clippedSamples, 0);
    assert.ok(silent.warnings.some((w) => /silent/.test(w)), silent.warnings.join('; '));
    assert.match(result.stderr, /silent\.synth\.js: warning: the render is silent/);

    const clipWav = await readWav(path.join(out, 'clipping.wav'));
    const samples = clipWav.channels[0];
    let peak = 0;
    let over = 0;
    for (const v of samples) {
      peak = Math.max(peak, Math.abs(v));
      if (Math.abs(v) > 1) over++;
    }
    assert.ok(over > samples.length / 2, `a sine at amplitude 2 clips most of the time (${over} of ${samples.length})`);
    assert.equal(clipping.clippedSamples, over);
    assert.ok(Math.abs(clipping.peakDbfs! - 20 * Math.log10(peak)) < 1e-9);
    assert.ok(clipping.warnings.some((w) => w.includes(`${over} samples exceed 0 dBFS`)), clipping.warnings.join('; '));
    recordReliability('CLI', 'render silent.synth.js --json', `exit 0; peakDbfs null, warning "${silent.warnings[0]}"`, 'silent.wav (complete)');
    recordReliability('CLI', 'render clipping.synth.js --json', `exit 0; peak ${clipping.peakDbfs!.toFixed(2)} dBFS, ${clipping.clippedSamples} clipped samples (same count in the file)`, 'clipping.wav (complete)');
  });
});
