import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChunkCollector } from '../../src/engine/parity-test';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';

const fixtures = path.resolve(__dirname, '..', 'fixtures');
const fixture = (name: string): string => path.join(fixtures, name);

async function renderError(pool: RenderPool, file: string, text?: string): Promise<PatchError> {
  try {
    await pool.stream({ path: file, text });
  } catch (err) {
    assert.ok(err instanceof PatchError, `expected a PatchError, got ${String(err)}`);
    return err;
  }
  throw new Error('the render did not fail');
}

describe('errors point at the patch’s own file, line and column', function () {
  this.timeout(60_000);
  let pool: RenderPool;
  before(() => {
    pool = new RenderPool({ size: 1 });
  });
  after(() => pool.dispose());

  it('a syntax error', async () => {
    const error = await renderError(pool, fixture('syntax-error.synth.js'));
    assert.equal(error.kind, 'compile');
    assert.equal(error.file, fixture('syntax-error.synth.js'));
    assert.equal(error.line, 4);
    // The unexpected `)` after `440 `.
    assert.equal(error.column, 58);
    assert.match(error.format(), /syntax-error\.synth\.js:4:58: Expected/);
  });

  it('a syntax error in unsaved editor text', async () => {
    const text = 'export default {\n  duration: 1,\n  build(ctx, out) {\n    let = ;\n  },\n};\n';
    const error = await renderError(pool, fixture('unsaved.synth.js'), text);
    assert.equal(error.kind, 'compile');
    assert.equal(error.line, 4);
  });

  it('a throw inside build()', async () => {
    const error = await renderError(pool, fixture('throws-in-build.synth.js'));
    assert.equal(error.kind, 'runtime');
    assert.equal(error.message, 'no such preset: warm-pad');
    assert.equal(error.file, fixture('throws-in-build.synth.js'));
    assert.equal(error.line, 6);
    assert.equal(error.column, 11);
  });

  it('a rejection after an await, located in the imported TypeScript helper', async () => {
    const error = await renderError(pool, fixture('throws-after-await.synth.ts'));
    assert.equal(error.message, 'sample library missing');
    assert.equal(error.file, path.join(fixtures, 'lib', 'fail-later.ts'));
    assert.equal(error.line, 4);
  });

  it('a throw inside a timer started by build()', async () => {
    const error = await renderError(pool, fixture('throws-in-timer.synth.js'));
    assert.match(error.message, /undefinedFunctionCall is not defined/);
    assert.equal(error.line, 6);
    assert.equal(error.column, 7);
  });

  it('a throw inside an AudioWorkletProcessor, at the processor’s line', async () => {
    const error = await renderError(pool, fixture('processor-throws.synth.js'));
    assert.match(error.message, /filter state exploded/);
    assert.equal(error.file, path.join(fixtures, 'worklets', 'throwing-processor.js'));
    assert.equal(error.line, 8);
  });

  it('a wrong default export names the field and its line', async () => {
    const error = await renderError(pool, fixture('bad-duration.synth.js'));
    assert.equal(error.kind, 'validation');
    assert.match(error.message, /duration must be a finite number/);
    assert.equal(error.line, 3);
  });

  it('no default export', async () => {
    const error = await renderError(pool, fixture('none.synth.js'), 'export const duration = 1;\n');
    assert.equal(error.kind, 'validation');
    assert.match(error.message, /no default export/);
  });

  for (const [field, value, pattern] of [
    ['duration', 'NaN', /duration/],
    ['duration', '1e9', /over the render's limit of 3600 s/],
    ['sampleRate', '0', /sampleRate/],
    ['channels', '0', /channels/],
    ['channels', '33', /channels/],
  ] as const) {
    it(`rejects ${field}: ${value}`, async () => {
      const text = `export default {\n  duration: 1,\n  ${field}: ${value},\n  build(ctx, out) {},\n};\n`.replace('duration: 1,\n  duration', 'duration');
      const error = await renderError(pool, fixture('shape.synth.js'), text);
      assert.equal(error.kind, 'validation');
      assert.match(error.message, pattern);
      assert.equal(error.line, field === 'duration' ? 2 : 3);
    });
  }

  it('a field is found in the default export, not in a comment, a string or a type above it', async () => {
    const text = [
      '// A note has a duration: its length in seconds.',
      "const label = 'seed: 3';",
      'interface Settings { seed: number; duration: number }',
      'export default {',
      '  duration: 2,',
      '  seed: 3.5,',
      '  build(ctx: BaseAudioContext, out: AudioNode) {},',
      '};',
      '',
    ].join('\n');
    const error = await renderError(pool, fixture('shadowed.synth.ts'), text);
    assert.match(error.message, /seed must be an integer, got 3\.5/);
    assert.equal(error.line, 6);
    assert.equal(error.column, 3);
  });

  it('a value given as a string is named as one', async () => {
    const error = await renderError(pool, fixture('string.synth.js'), "export default {\n  duration: '2',\n  build() {},\n};\n");
    assert.match(error.message, /got the string "2"/);
    assert.equal(error.line, 2);
  });

  it('a sample rate that is not a whole number is refused at its line, before any render', async () => {
    const error = await renderError(pool, fixture('fraction.synth.js'), 'export default {\n  duration: 1,\n  sampleRate: 44100.5,\n  build() {},\n};\n');
    assert.equal(error.kind, 'validation');
    assert.match(error.message, /sampleRate must be a whole number of hertz/);
    assert.equal(error.line, 3);
  });

  it('a missing build() points at the default export', async () => {
    const error = await renderError(pool, fixture('no-build.synth.js'), 'const x = 1;\n\nexport default { duration: 1 };\n');
    assert.match(error.message, /build must be a function/);
    assert.equal(error.line, 3);
    assert.equal(error.column, 1);
  });

  it('a missing import names the import', async () => {
    const error = await renderError(pool, fixture('missing.synth.js'), "import { pad } from './no-such-module';\nexport default { duration: 1, build() {} };\n");
    assert.equal(error.kind, 'compile');
    assert.match(error.message, /no-such-module/);
    assert.equal(error.line, 1);
  });

  it('an endless loop in build() is stopped by the timeout and the pool keeps working', async () => {
    const started = Date.now();
    try {
      await pool.stream({ path: fixture('endless-build.synth.js') }, { timeout: 1.5 });
      assert.fail('the render should time out');
    } catch (err) {
      assert.ok(err instanceof PatchError);
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /without progress/);
    }
    assert.ok(Date.now() - started < 20_000);
    const stats = await pool.stream({ path: fixture('random-seeded.synth.js') });
    assert.equal(stats.info.frames, 24000);
  });
});

describe('patches in folders whose names a URL escapes (spaces, parentheses, %, accents)', function () {
  this.timeout(60_000);
  let pool: RenderPool;
  let dir = '';
  const write = (relative: string, text: string): string => {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const HALF = "registerProcessor('half', class extends AudioWorkletProcessor { process(i, o) { i[0].forEach((c, k) => c.forEach((v, n) => (o[0][k][n] = v * 0.5))); return true; } });\n";
  before(() => {
    pool = new RenderPool({ size: 1 });
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-')), 'My Patches (old) 100% é');
    write('work lets/half.js', HALF);
  });
  after(async () => {
    await pool.dispose();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('a throw inside build() keeps its line and column', async () => {
    const file = write('throws.synth.js', fs.readFileSync(fixture('throws-in-build.synth.js'), 'utf8'));
    const error = await renderError(pool, file);
    assert.equal(error.file, file);
    assert.equal(error.line, 6);
    assert.equal(error.column, 11);
  });

  it('a throw in an imported helper names the helper by its own path', async () => {
    const helper = write('lib (x)/fail.ts', "export function fail(): never {\n  throw new Error('helper failed');\n}\n");
    const file = write('imports.synth.ts', "import { fail } from './lib (x)/fail';\nexport default { duration: 0.1, build() { fail(); } };\n");
    const error = await renderError(pool, file);
    assert.equal(error.message, 'helper failed');
    assert.equal(error.file, helper);
    assert.equal(error.line, 2);
  });

  it('import.meta.url names each module, so new URL(…, import.meta.url) finds a worklet module', async () => {
    const helper = write('lib (x)/worklet-url.ts', "export const halfUrl = (): URL => new URL('../work lets/half.js', import.meta.url);\nexport const where = (): string => import.meta.filename;\n");
    const file = write(
      'meta.synth.ts',
      [
        "import { halfUrl, where } from './lib (x)/worklet-url';",
        'export default {',
        '  duration: 0.1,',
        '  channels: 1,',
        '  async build(ctx: BaseAudioContext, out: AudioNode) {',
        "    await ctx.audioWorklet.addModule(new URL('./work lets/half.js', import.meta.url));",
        '    await ctx.audioWorklet.addModule(halfUrl());',
        `    if (where() !== ${JSON.stringify(helper)} || import.meta.dirname !== ${JSON.stringify(dir)}) throw new Error('import.meta is wrong: ' + where());`,
        '    const tone = new ConstantSourceNode(ctx);',
        "    tone.connect(new AudioWorkletNode(ctx, 'half')).connect(out);",
        '    tone.start();',
        '  },',
        '};',
        '',
      ].join('\n'),
    );
    const collector = new ChunkCollector();
    const stats = await pool.stream({ path: file }, { onChunk: (chunk) => collector.add(chunk) });
    const [samples] = collector.join(stats.info.channels);
    assert.equal(samples.length, 4800);
    assert.ok(samples.every((sample) => sample === 0.5), 'the worklet halved the constant 1');
  });

  it('a worklet module that does not exist is reported at the line that asked for it', async () => {
    const file = write('missing-worklet.synth.js', "export default {\n  duration: 0.1,\n  async build(ctx, out) {\n    await ctx.audioWorklet.addModule('./work lets/nope.js');\n  },\n};\n");
    const error = await renderError(pool, file);
    assert.equal(error.file, file);
    assert.equal(error.line, 4);
    assert.equal(error.column, 28); // addModule
    assert.match(error.message, /AudioWorklet module \.\/work lets\/nope\.js not found/);
  });
});
