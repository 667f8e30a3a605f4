import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { RenderPool } from '../../src/engine/render-pool';
import { freePatchPath, PATCH_TYPES_FILE, templateFileFor, writeNewPatch } from '../../src/extension/commands/new-patch-files';
import { toPatchFileName } from '../../src/engine/patch-files';

const EXTENSION_ROOT = path.join(__dirname, '..', '..');

/** A language service over one folder, as VS Code's TypeScript server sees a loose file without a project. */
function languageService(files: string[]): ts.LanguageService {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    allowJs: true,
    checkJs: true,
    strict: true,
    noEmit: true,
    types: [],
  };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) => (ts.sys.fileExists(file) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(file) ?? '') : undefined),
    getCurrentDirectory: () => path.dirname(files[0]),
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host);
}

describe('New Patch', () => {
  let folder: string;
  let pool: RenderPool;

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'patchscope-new-'));
    pool = new RenderPool({ size: 1 });
  });
  after(async () => {
    await pool.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  it('names new patch files', () => {
    assert.equal(toPatchFileName('drum'), 'drum.synth.ts');
    assert.equal(toPatchFileName('drum.js'), 'drum.synth.js');
    assert.equal(toPatchFileName('drum.synth.mjs'), 'drum.synth.mjs');
    assert.equal(templateFileFor('a.synth.mjs'), 'patch.js.template');
    const taken = new Set([path.join('/w', 'patch.synth.ts'), path.join('/w', 'patch-2.synth.ts')]);
    assert.equal(freePatchPath('/w', 'patch', 'ts', (f) => taken.has(f)), path.join('/w', 'patch-3.synth.ts'));
  });

  for (const extension of ['ts', 'js'] as const) {
    it(`writes a ${extension} patch that type-checks with completion at once and renders sound`, async () => {
      const patchPath = path.join(folder, `fresh.synth.${extension}`);
      await writeNewPatch(EXTENSION_ROOT, patchPath);
      assert.ok((await readdir(folder)).includes(PATCH_TYPES_FILE));

      const service = languageService([patchPath]);
      const problems = [...service.getSyntacticDiagnostics(patchPath), ...service.getSemanticDiagnostics(patchPath)];
      assert.deepEqual(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
      // `ctx` is typed from the Patch type: completion lists the context's methods.
      const text = ts.sys.readFile(patchPath) ?? '';
      const at = text.indexOf('new GainNode(ctx') + 'new GainNode(ctx'.length;
      const quickInfo = service.getQuickInfoAtPosition(patchPath, at - 1);
      assert.match(ts.displayPartsToString(quickInfo?.displayParts), /BaseAudioContext/);
      const probe = `${text.slice(0, text.indexOf('const master'))}ctx.;\n${text.slice(text.indexOf('const master'))}`;
      const probePath = path.join(folder, `probe.synth.${extension}`);
      ts.sys.writeFile(probePath, probe);
      const completions = languageService([probePath]).getCompletionsAtPosition(probePath, probe.indexOf('ctx.;') + 4, {});
      const names = completions?.entries.map((e) => e.name) ?? [];
      assert.ok(names.includes('createOscillator') && names.includes('sampleRate'), `completions: ${names.slice(0, 10).join(', ')}`);
      await rm(probePath);

      const audio = await pool.renderOneShot({ path: patchPath });
      assert.equal(audio.info.duration, 4);
      let peak = 0;
      for (const channel of audio.channels) for (const sample of channel) peak = Math.max(peak, Math.abs(sample));
      assert.ok(peak > 0.05 && peak <= 1, `peak ${peak}`);
    });
  }

  it('does not overwrite an existing patch', async () => {
    const patchPath = path.join(folder, 'fresh.synth.ts');
    await assert.rejects(writeNewPatch(EXTENSION_ROOT, patchPath), /EEXIST/);
  });
});
