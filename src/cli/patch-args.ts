import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './usage';

const GLOB_CHARS = /[*?[\]{}]/;

/** Expands patch arguments (paths or globs) into existing files, in the order given, without duplicates. */
export function expandPatchArgs(args: readonly string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (GLOB_CHARS.test(arg)) {
      const matches = fs.globSync(arg, { cwd }).map((match) => path.resolve(cwd, match)).sort();
      if (matches.length === 0) throw new UsageError(`no patch matches ${arg}`);
      files.push(...matches);
    } else {
      const file = path.resolve(cwd, arg);
      if (!fs.existsSync(file)) throw new UsageError(`${arg}: no such file`);
      if (fs.statSync(file).isDirectory()) throw new UsageError(`${arg} is a folder: give patch files or a glob such as '${path.join(arg, '*.synth.*')}'`);
      files.push(file);
    }
  }
  return [...new Set(files)];
}

/**
 * Where each patch's output goes: `--out` names a file for a single patch, a folder otherwise (an existing
 * folder, or a path ending in a separator); without `--out`, beside the patch.
 */
export function outputPaths(patches: readonly string[], out: string | undefined, extension: string, nameOf: (patch: string) => string): string[] {
  if (out === undefined) return patches.map((patch) => path.join(path.dirname(patch), `${nameOf(patch)}.${extension}`));
  const resolved = path.resolve(out);
  const isFolder = out.endsWith('/') || out.endsWith(path.sep) || (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) || patches.length > 1;
  if (!isFolder) return [resolved];
  fs.mkdirSync(resolved, { recursive: true });
  const paths = patches.map((patch) => path.join(resolved, `${nameOf(patch)}.${extension}`));
  const clash = paths.find((p, i) => paths.indexOf(p) !== i);
  if (clash) throw new UsageError(`two patches would both write ${clash}`);
  return paths;
}
