import type * as esbuild from 'esbuild';
import { withEsbuild } from './esbuild-api';
import * as path from 'node:path';
import { PatchError } from './patch-error';
import type { PatchSource } from './render-types';

/** A patch (or worklet module) bundled into one script, with its source map. */
export interface PatchBundle {
  /** Absolute path of the entry file. */
  file: string;
  /** The bundled JavaScript. */
  code: string;
  /** The source map (JSON text) of `code`, with absolute source paths. */
  map: string;
}

function loaderFor(file: string): esbuild.Loader {
  return file.endsWith('.ts') ? 'ts' : 'js';
}

/** Turns esbuild's first error into a PatchError at the user's own line and column. */
function compileError(err: unknown, fallbackFile: string, workingDir: string): PatchError {
  const failure = err as Partial<esbuild.BuildFailure>;
  const first = failure.errors?.[0];
  if (first) {
    const loc = first.location;
    // esbuild names files relative to its working directory (the patch's folder).
    const file = loc?.file ? path.resolve(workingDir, loc.file) : fallbackFile;
    return new PatchError('compile', first.text, file, loc?.line, loc ? loc.column + 1 : undefined);
  }
  return new PatchError('compile', err instanceof Error ? err.message : String(err), fallbackFile);
}

async function bundle(options: esbuild.BuildOptions, entryFile: string): Promise<PatchBundle> {
  let result: esbuild.BuildResult<{ write: false }>;
  try {
    result = await withEsbuild((api) => api.build({ ...options, write: false, logLevel: 'silent' } as esbuild.BuildOptions & { write: false }));
  } catch (err) {
    throw compileError(err, entryFile, options.absWorkingDir ?? path.dirname(entryFile));
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new PatchError('compile', 'bundler produced no output', entryFile);
  return { file: entryFile, code: js.text, map: absolutiseSources(map.text, path.dirname(map.path)) };
}

/** esbuild writes map sources relative to the map; tools downstream want absolute paths. */
function absolutiseSources(mapText: string, mapDir: string): string {
  const map = JSON.parse(mapText) as { sources: string[] };
  map.sources = map.sources.map((s) => (s.startsWith('<') ? s : path.resolve(mapDir, s)));
  return JSON.stringify(map);
}

/** Anything that may pull in another module: then the patch needs a full bundle, not a transform. */
const MAY_IMPORT = /\bimport\b|\bfrom\s*['"]|\brequire\s*\(/;
/** Comments, removed before looking for imports (JSDoc types say `import('patchscope')`). */
const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/** True when the text may import something. Crude on purpose: a false alarm only costs a full bundle. */
function mayImport(text: string): boolean {
  return MAY_IMPORT.test(text.replace(COMMENTS, ''));
}

/** Compiles a self-contained patch with esbuild's transform: a few ms faster than a build on every edit. */
async function transformPatch(text: string, file: string): Promise<PatchBundle> {
  try {
    const result = await withEsbuild((api) => api.transform(text, {
      loader: loaderFor(file),
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      sourcemap: 'external',
      sourcesContent: false,
      sourcefile: file,
      logLevel: 'silent',
    }));
    return { file, code: result.code, map: absolutiseSources(result.map, path.dirname(file)) };
  } catch (err) {
    throw compileError(err, file, path.dirname(file));
  }
}

/**
 * Bundles a patch with its relative imports and packages into one CommonJS script.
 * Unsaved editor text is bundled in place of the file on disk.
 */
export async function bundlePatch(source: PatchSource): Promise<PatchBundle> {
  const file = path.resolve(source.path);
  const dir = path.dirname(file);
  if (source.text !== undefined && !mayImport(source.text)) return transformPatch(source.text, file);
  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    sourcemap: 'external',
    sourcesContent: false,
    outfile: path.join(dir, '__patchscope_bundle__.js'),
    absWorkingDir: dir,
  };
  if (source.text !== undefined) {
    return bundle({ ...common, stdin: { contents: source.text, resolveDir: dir, sourcefile: file, loader: loaderFor(file) } }, file);
  }
  return bundle({ ...common, entryPoints: [file] }, file);
}

/** Bundles an AudioWorklet module (and its imports) into one self-contained ES module. */
export async function bundleWorkletModule(file: string): Promise<PatchBundle> {
  return bundle(
    {
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      sourcemap: 'external',
      sourcesContent: false,
      outfile: path.join(path.dirname(file), '__patchscope_worklet__.js'),
      absWorkingDir: path.dirname(file),
    },
    file,
  );
}
