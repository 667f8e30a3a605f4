// How `patchscope` reads its patch arguments, --out and options: each case runs the built CLI in a temp folder.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readWav } from '../../src/engine/wav-reader';
import { runCli, type CliRun } from './helpers/cli';

const root = path.resolve(__dirname, '..', '..');
/** A 0.5 s stereo noise patch: quick to render. */
const NOISE_PATCH = fs.readFileSync(path.join(root, 'test', 'fixtures', 'random-seeded.synth.js'), 'utf8');

describe('patchscope CLI arguments', function () {
  this.timeout(120_000);
  let dir: string;
  const write = (name: string, text = NOISE_PATCH): string => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const cli = (...args: string[]): CliRun => runCli(args, { cwd: dir });
  /** Every file and folder in the temp folder, relative, sorted. */
  const listing = (): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).map((entry) => entry.split(path.sep).join('/')).sort();
  const assertUsageError = (result: CliRun, message: RegExp): void => {
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, message);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-cli-args-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses an --out that is one of the patches (by path or through a link), leaving the patch as it was', () => {
    write('hello.synth.js');
    fs.symlinkSync('hello.synth.js', path.join(dir, 'link.synth.js'));
    assertUsageError(cli('render', 'hello.synth.js', '--out', 'hello.synth.js'), /--out hello\.synth\.js is the patch hello\.synth\.js: rendering would overwrite it/);
    assertUsageError(cli('render', 'hello.synth.js', '--out', './link.synth.js'), /--out \.\/link\.synth\.js is the patch hello\.synth\.js/);
    assert.equal(fs.readFileSync(path.join(dir, 'hello.synth.js'), 'utf8'), NOISE_PATCH);
    assert.deepEqual(listing(), ['hello.synth.js', 'link.synth.js']);
  });

  it('refuses two patches whose default outputs collide, and leaves no --out folder behind when they would collide there', () => {
    write('b/hello.synth.js');
    write('b/hello.synth.ts');
    assertUsageError(cli('render', 'b/hello.synth.js', 'b/hello.synth.ts'), /two patches would both write b\/hello\.wav \(b\/hello\.synth\.js, b\/hello\.synth\.ts\)/);
    assertUsageError(cli('render', 'b/*', '--out', 'new/sub'), /two patches would both write new\/sub\/hello\.wav/);
    assert.deepEqual(listing(), ['b', 'b/hello.synth.js', 'b/hello.synth.ts']);
  });

  it('parity and bench refuse a glob that matches several patches, naming them', () => {
    write('hello-a.synth.js');
    write('hello-b.synth.js');
    for (const command of ['parity', 'bench']) {
      assertUsageError(cli(command, 'hello*.synth.js'), new RegExp(`${command} takes one patch; 'hello\\*\\.synth\\.js' matched 2: hello-a\\.synth\\.js, hello-b\\.synth\\.js`));
    }
  });

  it('a glob takes only patch files; a file named outright must be a patch', () => {
    write('multi/a.synth.js');
    write('multi/old.wav', 'not a patch');
    write('multi/notes.md', 'not a patch');
    fs.mkdirSync(path.join(dir, 'multi', 'folder.synth.js'));
    const rendered = cli('render', 'multi/*', '--json');
    assert.equal(rendered.status, 0, rendered.stderr);
    const summary = JSON.parse(rendered.stdout) as { results: { patch: string }[] };
    assert.deepEqual(
      summary.results.map((result) => path.basename(result.patch)),
      ['a.synth.js'],
    );
    assertUsageError(cli('render', 'multi/*.wav'), /no patch matches multi\/\*\.wav \(a patch is NAME\.synth\.js, NAME\.synth\.mjs or NAME\.synth\.ts\)/);
    assertUsageError(cli('render', 'multi/notes.md'), /multi\/notes\.md is not a patch: a patch is NAME\.synth\.js, NAME\.synth\.mjs or NAME\.synth\.ts/);
    write('plain.js');
    assertUsageError(cli('render', 'plain.js'), /plain\.js is not a patch/);
  });

  it('creates the missing folders of --out FILE, and refuses --out FILE (an existing file) for several patches', async () => {
    write('one.synth.js');
    write('two.synth.js');
    const created = cli('render', 'one.synth.js', '--out', 'no/such/folder/x.wav');
    assert.equal(created.status, 0, created.stderr);
    assert.equal((await readWav(path.join(dir, 'no/such/folder/x.wav'))).info.sampleRate, 48000);
    write('taken.wav', 'an earlier output');
    assertUsageError(cli('render', 'one.synth.js', 'two.synth.js', '--out', 'taken.wav'), /--out must be a folder when several patches are rendered, and taken\.wav is a file/);
    write('blocker', 'a file');
    assertUsageError(cli('render', 'one.synth.js', '--out', 'blocker/x.wav'), /--out blocker\/x\.wav: cannot create the folder .*blocker: a file is in the way/);
    assert.equal(fs.readFileSync(path.join(dir, 'taken.wav'), 'utf8'), 'an earlier output');
  });

  it('takes the format from the extension of --out FILE, and refuses a --format of the other extension', () => {
    write('hello.synth.js');
    const video = cli('render', 'hello.synth.js', '--out', 'video.mp4', '--size', '320x180', '--fps', '5');
    assert.equal(video.status, 0, video.stderr);
    // An MP4 starts with its ftyp box; a WAV would start with RIFF.
    assert.equal(fs.readFileSync(path.join(dir, 'video.mp4')).subarray(4, 8).toString('latin1'), 'ftyp');
    assertUsageError(cli('render', 'hello.synth.js', '--out', 'other.mp4', '--format', 'wav'), /--out other\.mp4 ends in \.mp4 but --format is wav/);
    assertUsageError(cli('render', 'hello.synth.js', '--out', 'other.wav', '--format', 'mp4'), /--out other\.wav ends in \.wav but --format is mp4/);
    assert.deepEqual(listing(), ['hello.synth.js', 'video.mp4']);
  });

  it('refuses MP4 options outside the engine\'s limits and empty numeric values, naming the option', () => {
    write('hello.synth.js');
    const refusals: [string[], RegExp][] = [
      [['--fps', '0'], /--fps must be a number above 0 and at most 240, got '0'/],
      [['--fps', '241'], /--fps must be .* at most 240, got '241'/],
      [['--fft-size', '1000'], /--fft-size must be a power of two from 16 to 32768, got '1000'/],
      [['--fft-size', '8'], /--fft-size must be a power of two from 16 to 32768/],
      [['--fft-size', '65536'], /--fft-size must be a power of two from 16 to 32768/],
      [['--size', '160x120'], /--size needs even dimensions of at least 320x180, got '160x120'/],
      [['--crf='], /--crf must be a whole number from 0 to 51, got ''/],
      [['--fps='], /--fps must be .*, got ''/],
      [['--fft-size='], /--fft-size must be .*, got ''/],
      [['--workers='], /--workers must be a positive number, got ''/],
      [['--timeout', ' '], /--timeout must be a positive number, got ' '/],
      [['--out='], /--out needs a value/],
    ];
    for (const [options, message] of refusals) assertUsageError(cli('render', 'hello.synth.js', '--format', 'mp4', ...options), message);
    assert.deepEqual(listing(), ['hello.synth.js']);
    // The limits themselves are accepted (parsed for a WAV render too, which ignores them).
    const edges = cli('render', 'hello.synth.js', '--fps', '240', '--fft-size', '32768', '--crf', '0');
    assert.equal(edges.status, 0, edges.stderr);
  });

  it('prints the usage for --help after a command, and the package version for --version, exiting 0', () => {
    const usage = cli('--help');
    for (const command of ['render', 'parity', 'bench']) {
      for (const flag of ['--help', '-h']) {
        const help = cli(command, flag);
        assert.equal(help.status, 0, `${command} ${flag}: ${help.stderr}`);
        assert.equal(help.stdout, usage.stdout);
      }
    }
    const version = cli('--version');
    assert.equal(version.status, 0, version.stderr);
    const { version: packageVersion } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout, `${packageVersion}\n`);
  });

  it('lists render\'s --capture and the 32 alias of --bit-depth in the usage, and renders float WAV for --bit-depth 32', async () => {
    const usage = cli('--help').stdout;
    const render = usage.slice(usage.indexOf('  render '), usage.indexOf('  parity '));
    assert.match(render, /--capture NAME/);
    assert.match(render, /--bit-depth 16\|24\|32f .*32 means 32f/);
    write('hello.synth.js');
    const result = cli('render', 'hello.synth.js', '--bit-depth', '32', '--capture', 'script-processor');
    assert.equal(result.status, 0, result.stderr);
    const wav = await readWav(path.join(dir, 'hello.wav'));
    assert.equal(wav.info.bitsPerSample, 32);
  });
});
