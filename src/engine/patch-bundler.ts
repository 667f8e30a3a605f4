import type * as esbuild from 'esbuild';
import { withEsbuild } from './esbuild-api';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PatchError } from './patch-error';
import type { ModuleOverlays, PatchSource } from './render-types';

/** A patch (or worklet module) bundled into one script, with its source map. */
export interface PatchBundle {
  /** Absolute path of the entry file. */
  file: string;
  /** The bundled JavaScript. */
  code: string;
  /** The source map (JSON text) of `code`, with absolute source paths. */
  map: string;
  /** Every file bundled (absolute paths), the entry first. */
  inputs: string[];
}

/** True when `overlays` replaces at least one file. */
function hasOverlays(overlays: ModuleOverlays | undefined): overlays is ModuleOverlays {
  return overlays !== undefined && Object.keys(overlays).length > 0;
}

function loaderFor(file: string): esbuild.Loader {
  return /\.[cm]?ts$/.test(file) ? 'ts' : 'js';
}

/**
 * What `import.meta` says of a module file, as esbuild defines: a CommonJS bundle has no `import.meta`, and
 * without these `new URL('./worklets/x.js', import.meta.url)`, the browser's way to name a worklet module, fails.
 */
function importMetaDefines(file: string): Record<string, string> {
  return {
    'import.meta.url': JSON.stringify(pathToFileURL(file).href),
    'import.meta.filename': JSON.stringify(file),
    'import.meta.dirname': JSON.stringify(path.dirname(file)),
  };
}

/** Script files the bundle may pull in, by the loader each needs. */
const SCRIPT_FILE = /\.[cm]?[jt]s$/;

/**
 * Loads each imported module from `overlays` (unsaved editor text) or from disk, and gives each that reads
 * `import.meta` its own values (the build's defines hold the entry's): such a module is rewritten by a transform
 * whose inline source map esbuild follows, so errors still point at its text.
 */
function importMetaPerModule(entryFile: string, overlays: ModuleOverlays | undefined): esbuild.Plugin {
  return {
    name: 'patchscope-import-meta',
    setup(build) {
      build.onLoad({ filter: SCRIPT_FILE, namespace: 'file' }, async (args) => {
        if (args.path === entryFile) return undefined;
        const text = overlays?.[args.path] ?? (await readFile(args.path, 'utf8'));
        const loader = loaderFor(args.path);
        if (!text.includes('import.meta')) return { contents: text, loader };
        const result = await build.esbuild.transform(text, {
          loader,
          format: 'esm',
          target: 'esnext',
          define: importMetaDefines(args.path),
          sourcemap: 'inline',
          sourcefile: args.path,
          logLevel: 'silent',
        });
        return { contents: result.code, loader: 'js' };
      });
    },
  };
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

/** A bundle, and whether a module in it read an `import.meta` the CommonJS output left empty. */
interface BundleOutcome {
  bundle: PatchBundle;
  emptyImportMeta: boolean;
}

async function bundle(options: esbuild.BuildOptions, entryFile: string): Promise<BundleOutcome> {
  let result: esbuild.BuildResult<{ write: false }>;
  try {
    result = await withEsbuild((api) => api.build({ ...options, write: false, logLevel: 'silent' } as esbuild.BuildOptions & { write: false }));
  } catch (err) {
    throw compileError(err, entryFile, options.absWorkingDir ?? path.dirname(entryFile));
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new PatchError('compile', 'bundler produced no output', entryFile);
  const { text: mapText, sources } = absolutiseSources(map.text, path.dirname(map.path));
  // The map's sources are the files bundled, at no cost (esbuild's metafile is a few ms more JSON).
  const files = sources.filter((source) => path.isAbsolute(source));
  return {
    bundle: { file: entryFile, code: js.text, map: mapText, inputs: [...new Set([entryFile, ...files])] },
    emptyImportMeta: result.warnings.some((warning) => warning.id === 'empty-import-meta'),
  };
}

/**
 * esbuild writes map sources as URLs relative to the map ('lib%20(x)' for 'lib (x)'); tools downstream want
 * absolute paths. Returns the map's text with them, and the sources.
 */
function absolutiseSources(mapText: string, mapDir: string): { text: string; sources: string[] } {
  const map = JSON.parse(mapText) as { sources: string[] };
  const base = pathToFileURL(mapDir + path.sep);
  // A transform's one source is the path given to it, absolute and not escaped.
  map.sources = map.sources.map((s) => (s.startsWith('<') || path.isAbsolute(s) ? s : fileURLToPath(new URL(s, base))));
  return { text: JSON.stringify(map), sources: map.sources };
}

/** Anything that may pull in another module: then the patch needs a full bundle, not a transform. */
const MAY_IMPORT = /\bimport\b|\bfrom\s*['"]|\brequire\s*\(/;
/** Comments, removed before looking for imports (JSDoc types say `import('patchscope')`). */
const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/** True when the text may import something. Crude on purpose: a false alarm only costs a full bundle. */
function mayImport(text: string): boolean {
  return MAY_IMPORT.test(text.replace(COMMENTS, ''));
}

/**
 * Compiles a self-contained patch with esbuild's transform: a few ms faster than a build on every edit. (Text
 * that reads `import.meta` is never self-contained by mayImport's test, so it needs no defines here.)
 */
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
    return { file, code: result.code, map: absolutiseSources(result.map, path.dirname(file)).text, inputs: [file] };
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
  // Without imports, other modules' unsaved text cannot matter.
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
    ...(source.text !== undefined ? { stdin: { contents: source.text, resolveDir: dir, sourcefile: file, loader: loaderFor(file) } } : { entryPoints: [file] }),
  };
  // Modules load through JavaScript only when they must (unsaved text, or an import.meta to fill in): a plugin's
  // onLoad costs a round trip per module, 3 to 5 ms of a bundle with one helper module.
  const perModule: esbuild.BuildOptions = { define: importMetaDefines(file), plugins: [importMetaPerModule(file, source.overlays)] };
  if (hasOverlays(source.overlays)) return (await bundle({ ...common, ...perModule }, file)).bundle;
  const plain = await bundle(common, file);
  return plain.emptyImportMeta ? (await bundle({ ...common, ...perModule }, file)).bundle : plain.bundle;
}

/** Loads modules from `overlays` (unsaved editor text) where they have an entry, else from disk as esbuild does. */
function overlaid(overlays: ModuleOverlays): esbuild.Plugin {
  return {
    name: 'patchscope-overlays',
    setup(build) {
      build.onLoad({ filter: SCRIPT_FILE, namespace: 'file' }, (args) => {
        const text = overlays[args.path];
        return text === undefined ? undefined : { contents: text, loader: loaderFor(args.path) };
      });
    },
  };
}

/** Bundles an AudioWorklet module (and its imports) into one self-contained ES module. */
export async function bundleWorkletModule(file: string, overlays?: ModuleOverlays): Promise<PatchBundle> {
  const outcome = await bundle(
    {
      plugins: hasOverlays(overlays) ? [overlaid(overlays)] : [],
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
  return outcome.bundle;
}
