import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPatchPath } from '../engine/patch-files';
import { UsageError } from './usage';

const GLOB_CHARS = /[*?[\]{}]/;

const PATCH_NAMES = 'a patch is NAME.synth.js, NAME.synth.mjs or NAME.synth.ts';

/** Most names listed when a glob matched more patches than a command takes. */
const LISTED_MATCHES = 10;

/** A path as the user would write it from `cwd`. */
function shown(file: string, cwd: string): string {
  return path.relative(cwd, file) || file;
}

/** The file's status, or undefined when there is none (a missing file, or a file where a folder was expected). */
function statIfAny(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** True when `file` is a patch file (a folder named like one is not). */
function isPatchFile(file: string): boolean {
  return isPatchPath(file) && statIfAny(file)?.isFile() === true;
}

/**
 * Expands patch arguments (paths or globs) into existing patch files, in the order given, without duplicates.
 * A glob keeps only the patch files it matches; a file named outright must be a patch.
 */
export function expandPatchArgs(args: readonly string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (GLOB_CHARS.test(arg)) {
      const matches = fs.globSync(arg, { cwd }).map((match) => path.resolve(cwd, match));
      const patches = matches.filter(isPatchFile).sort();
      if (patches.length === 0) throw new UsageError(`no patch matches ${arg}${matches.length > 0 ? ` (${PATCH_NAMES})` : ''}`);
      files.push(...patches);
    } else {
      const file = path.resolve(cwd, arg);
      const stats = statIfAny(file);
      if (!stats) throw new UsageError(`${arg}: no such file`);
      if (stats.isDirectory()) throw new UsageError(`${arg} is a folder: give patch files or a glob such as '${path.join(arg, '*.synth.*')}'`);
      if (!isPatchPath(file)) throw new UsageError(`${arg} is not a patch: ${PATCH_NAMES}`);
      files.push(file);
    }
  }
  return [...new Set(files)];
}

/** The one patch `command` (parity, bench) works on: refuses several arguments, and a glob that matches several patches. */
export function expandSinglePatchArg(command: string, args: readonly string[], cwd = process.cwd()): string {
  if (args.length !== 1) throw new UsageError(`${command} takes exactly one patch, got ${args.length}`);
  const patches = expandPatchArgs(args, cwd);
  if (patches.length > 1) {
    const names = patches.slice(0, LISTED_MATCHES).map((patch) => shown(patch, cwd));
    if (patches.length > LISTED_MATCHES) names.push('...');
    throw new UsageError(`${command} takes one patch; '${args[0]}' matched ${patches.length}: ${names.join(', ')}`);
  }
  return patches[0];
}

/** Where `--out` sends the outputs: beside each patch (no `--out`), into a folder, or to one file. */
export type OutputTarget = { kind: 'beside' } | { kind: 'folder'; folder: string; given: string } | { kind: 'file'; file: string; given: string };

/**
 * Reads `--out`: a folder when it is an existing folder, ends in a separator, or several patches are rendered
 * (then it must not be an existing file); one file otherwise.
 */
export function outputTarget(out: string | undefined, patchCount: number, cwd = process.cwd()): OutputTarget {
  if (out === undefined) return { kind: 'beside' };
  const resolved = path.resolve(cwd, out);
  const existing = statIfAny(resolved);
  if (out.endsWith('/') || out.endsWith(path.sep) || existing?.isDirectory()) return { kind: 'folder', folder: resolved, given: out };
  if (patchCount > 1) {
    if (existing) throw new UsageError(`--out must be a folder when several patches are rendered, and ${out} is a file`);
    return { kind: 'folder', folder: resolved, given: out };
  }
  return { kind: 'file', file: resolved, given: out };
}

/** A file's identity on disk: the same through any link or path to it. */
function fileIdentity(stats: fs.Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

/**
 * The patch each output would overwrite, if any: the same path, or (the output existing) the same file through a
 * link. Each file is looked at once.
 */
function overwrittenPatches(outputs: readonly string[], patches: readonly string[]): (string | undefined)[] {
  const byPath = new Map(patches.map((patch) => [path.resolve(patch), patch]));
  const byIdentity = new Map<string, string>();
  for (const patch of patches) {
    const stats = statIfAny(patch);
    if (stats) byIdentity.set(fileIdentity(stats), patch);
  }
  return outputs.map((output) => {
    const samePath = byPath.get(path.resolve(output));
    if (samePath) return samePath;
    const stats = statIfAny(output);
    return stats ? byIdentity.get(fileIdentity(stats)) : undefined;
  });
}

/** Creates `folder` and its parents for `--out`; a file in their way is a usage error. */
function createFolder(folder: string, given: string): void {
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new UsageError(`--out ${given}: cannot create the folder ${folder}: a file is in the way`);
    throw err;
  }
}

/**
 * Each patch's output path for `target`, named `nameOf(patch).extension` in a folder or beside the patch.
 * Refuses two patches writing one file and an output that is one of the patches, and only then creates the
 * folders `--out` needs, so that a refused command leaves none behind.
 */
export function outputPaths(patches: readonly string[], target: OutputTarget, extension: string, nameOf: (patch: string) => string, cwd = process.cwd()): string[] {
  const outputs =
    target.kind === 'file'
      ? [target.file]
      : patches.map((patch) => path.join(target.kind === 'folder' ? target.folder : path.dirname(patch), `${nameOf(patch)}.${extension}`));
  const clash = outputs.find((output, index) => outputs.indexOf(output) !== index);
  if (clash) {
    const writers = patches.filter((_patch, index) => outputs[index] === clash).map((patch) => shown(patch, cwd));
    throw new UsageError(`two patches would both write ${shown(clash, cwd)} (${writers.join(', ')}): render them one at a time, each with its own --out FILE`);
  }
  const overwrittenBy = overwrittenPatches(outputs, patches);
  for (const [index, output] of outputs.entries()) {
    const overwritten = overwrittenBy[index];
    if (overwritten) throw new UsageError(`${target.kind === 'file' ? `--out ${target.given}` : `the output ${shown(output, cwd)}`} is the patch ${shown(overwritten, cwd)}: rendering would overwrite it`);
  }
  if (target.kind === 'folder') createFolder(target.folder, target.given);
  if (target.kind === 'file') createFolder(path.dirname(target.file), target.given);
  return outputs;
}
