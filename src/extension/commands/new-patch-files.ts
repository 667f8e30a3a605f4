import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** File name of the patch types written beside a new patch (the template references it). */
export const PATCH_TYPES_FILE = 'patchscope.d.ts';

/** Template file (under media/templates) for a patch file name: TypeScript for .ts, JavaScript otherwise. */
export function templateFileFor(patchFile: string): string {
  return patchFile.endsWith('.ts') ? 'patch.ts.template' : 'patch.js.template';
}

/** A free file name in `folder`: `patch.synth.ts`, then `patch-2.synth.ts`, ... */
export function freePatchPath(folder: string, base = 'patch', extension = 'ts', exists: (file: string) => boolean = existsSync): string {
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, `${n === 1 ? base : `${base}-${n}`}.synth.${extension}`);
    if (!exists(candidate)) return candidate;
  }
}

/**
 * Writes a new patch from the template at `patchPath`, and the patch types beside it unless they are there,
 * so completion and checking work at once without any project setup.
 */
export async function writeNewPatch(extensionPath: string, patchPath: string): Promise<void> {
  const template = await readFile(path.join(extensionPath, 'media', 'templates', templateFileFor(patchPath)), 'utf8');
  await writeFile(patchPath, template, { flag: 'wx' });
  const typesPath = path.join(path.dirname(patchPath), PATCH_TYPES_FILE);
  if (!existsSync(typesPath)) await copyFile(path.join(extensionPath, 'types', 'patchscope.d.ts'), typesPath);
}
