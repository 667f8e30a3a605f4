// The WebAssembly build of esbuild is the bundler's fallback where the native binary is missing (a packaged
// extension carries one platform's binary). It must compile every patch to exactly what the native one does.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { esbuildApi, useEsbuildImplementation, type EsbuildImplementation } from '../../src/engine/esbuild-api';
import { bundlePatch, bundleWorkletModule, type PatchBundle } from '../../src/engine/patch-bundler';
import { PatchError } from '../../src/engine/patch-error';

const examples = path.resolve(__dirname, '..', '..', 'examples');
const fixtures = path.resolve(__dirname, '..', 'fixtures');
const patches = readdirSync(examples)
  .filter((name) => /\.synth\.(js|mjs|ts)$/.test(name))
  .map((name) => path.join(examples, name));
const worklets = readdirSync(path.join(examples, 'worklets'))
  .filter((name) => name.endsWith('.js'))
  .map((name) => path.join(examples, 'worklets', name));

interface Compiled {
  files: PatchBundle[];
  edited: PatchBundle;
  error: { line?: number; column?: number; file: string };
}

async function compileAllWith(implementation: EsbuildImplementation): Promise<Compiled> {
  useEsbuildImplementation(implementation);
  assert.equal((await esbuildApi()).implementation, implementation);
  const files: PatchBundle[] = [];
  for (const file of patches) files.push(await bundlePatch({ path: file }));
  for (const file of worklets) files.push(await bundleWorkletModule(file));
  // Unsaved editor text without imports takes the transform path.
  const edited = await bundlePatch({ path: path.join(examples, 'hello.synth.js'), text: 'export default { duration: 1, build(ctx, out) { new OscillatorNode(ctx).connect(out); } };' });
  const error = await bundlePatch({ path: path.join(fixtures, 'syntax-error.synth.js') }).then(
    () => assert.fail('the syntax error compiled'),
    (err: unknown) => {
      assert.ok(err instanceof PatchError && err.kind === 'compile', String(err));
      return { line: err.line, column: err.column, file: err.file };
    },
  );
  return { files, edited, error };
}

describe('esbuild fallback (WebAssembly)', function () {
  this.timeout(180_000);
  after(() => useEsbuildImplementation('native'));

  it('compiles every example, worklet module, edit and syntax error exactly as native esbuild does', async () => {
    const native = await compileAllWith('native');
    const wasm = await compileAllWith('wasm');
    assert.ok(native.files.length >= patches.length + 1);
    assert.equal(wasm.files.length, native.files.length);
    for (let i = 0; i < native.files.length; i++) {
      assert.equal(wasm.files[i].file, native.files[i].file);
      assert.equal(wasm.files[i].code, native.files[i].code, `code of ${native.files[i].file}`);
      assert.equal(wasm.files[i].map, native.files[i].map, `source map of ${native.files[i].file}`);
    }
    assert.deepEqual(wasm.edited, native.edited);
    assert.deepEqual(wasm.error, native.error);
    assert.ok(native.error.line !== undefined && native.error.line > 0, 'the error has a line');
  });
});
