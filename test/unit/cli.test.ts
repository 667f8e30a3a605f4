import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readWav } from '../../src/engine/wav-reader';
import { runCli } from './helpers/cli';

const root = path.resolve(__dirname, '..', '..');
const fixture = (name: string): string => path.join(root, 'test', 'fixtures', name);

describe('patchscope CLI', function () {
  this.timeout(300_000);
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-cli-'));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  it('renders several patches to WAV in parallel, with a summary and the right lengths', async () => {
    const result = runCli(['render', fixture('odd-length.synth.js'), fixture('random-seeded.synth.js'), '--out', out, '--bit-depth', '24', '--workers', '2', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { results: { ok: boolean; output: string }[]; peakRssMb: number; peakRssCliMb: number; peakRssWorkersMb: number };
    assert.equal(summary.results.length, 2);
    assert.ok(summary.results.every((r) => r.ok));
    // Peak memory: this CLI's and its two workers' (each a Node process, so each above 20 MB).
    assert.ok(summary.peakRssCliMb > 20 && summary.peakRssWorkersMb > 40, JSON.stringify(summary));
    assert.equal(summary.peakRssMb, summary.peakRssCliMb + summary.peakRssWorkersMb);
    const odd = await readWav(path.join(out, 'odd-length.wav'));
    assert.equal(odd.info.sampleRate, 44100);
    assert.equal(odd.info.bitsPerSample, 24);
    assert.equal(odd.channels.length, 3);
    assert.equal(odd.channels[0].length, Math.round(1.2345 * 44100));
    assert.deepEqual(fs.readdirSync(out).sort(), ['odd-length.wav', 'random-seeded.wav']);
  });

  it('writes beside the patch by default', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-beside-'));
    try {
      fs.copyFileSync(fixture('random-seeded.synth.js'), path.join(dir, 'noise.synth.js'));
      const result = runCli(['render', 'noise.synth.js'], { cwd: dir });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(fs.existsSync(path.join(dir, 'noise.wav')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints FILE:LINE:COLUMN for a broken patch, exits 1 and leaves no file', () => {
    const result = runCli(['render', fixture('throws-in-build.synth.js'), '--out', out]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /throws-in-build\.synth\.js:6:11: no such preset: warm-pad/);
    assert.deepEqual(fs.readdirSync(out), []);
  });

  it('keeps going when one of several patches fails', () => {
    const result = runCli(['render', fixture('syntax-error.synth.js'), fixture('random-seeded.synth.js'), '--out', out]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /syntax-error\.synth\.js:4:58:/);
    assert.match(result.stderr, /1 rendered, 1 failed/);
    assert.deepEqual(fs.readdirSync(out), ['random-seeded.wav']);
  });

  it('takes the duration limit from --max-duration in render, parity and bench, and names the line of a duration over it', () => {
    const patch = fixture('odd-length.synth.js');
    // The fixture declares 1.2345 s on line 5, column 3.
    const overLimit = /odd-length\.synth\.js:5:3: duration 1\.2345 s is over the render's limit of 1\.2 s \(raise it with --max-duration/;
    for (const args of [
      ['render', patch, '--out', out, '--max-duration', '1.2'],
      ['parity', patch, '--max-duration', '1.2'],
      ['bench', patch, '--runs', '1', '--max-duration', '1.2'],
    ]) {
      const refused = runCli(args);
      assert.equal(refused.status, 1, `${args[0]}: ${refused.stderr}`);
      assert.match(refused.stderr, overLimit, args[0]);
    }
    assert.deepEqual(fs.readdirSync(out), [], 'nothing written by the refused render');
    const allowed = runCli(['render', patch, '--out', out, '--max-duration', '1.3']);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.deepEqual(fs.readdirSync(out), ['odd-length.wav']);
    assert.equal(runCli(['parity', patch, '--max-duration', 'long']).status, 2);
    assert.equal(runCli(['bench', patch, '--runs', '1.5']).status, 2);
  });

  it('exits 2 on usage errors', () => {
    assert.equal(runCli(['render']).status, 2);
    assert.equal(runCli(['render', fixture('odd-length.synth.js'), '--bit-depth', '12']).status, 2);
    assert.equal(runCli(['frobnicate']).status, 2);
    assert.equal(runCli(['render', 'no-such.synth.js']).status, 2);
  });

  it('parity prints the report fields and exits 0 when bit-exact', () => {
    const result = runCli(['parity', fixture('odd-length.synth.js'), '--chunk', '0.0123', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    for (const field of ['patch', 'sampleRate', 'channels', 'frames', 'chunks', 'capture', 'maxAbsDiff', 'rmse', 'firstDiffFrame', 'bitExact']) {
      assert.ok(field in report, `missing ${field}`);
    }
    assert.equal(report.bitExact, true);
    assert.equal(report.firstDiffFrame, -1);
    assert.equal(report.frames, Math.round(1.2345 * 44100));
  });

  it('bench prints its JSON fields', () => {
    const result = runCli(['bench', fixture('random-seeded.synth.js'), '--json', '--runs', '1']);
    assert.equal(result.status, 0, result.stderr);
    const figures = JSON.parse(result.stdout) as Record<string, number | string>;
    for (const field of ['patch', 'seconds', 'capture', 'batchMs', 'streamMs', 'streamOverBatch', 'firstChunkMs', 'rtfBatch', 'rtfStream', 'peakRssMb']) {
      assert.ok(field in figures, `missing ${field}`);
    }
    assert.equal(figures.seconds, 0.5);
    assert.ok((figures.batchMs as number) > 0);
    // One run is one pair: the median of the pairs' ratios is that pair's ratio.
    assert.equal(figures.pairedStreamOverBatch, (figures.streamMs as number) / (figures.batchMs as number));
  });
});
