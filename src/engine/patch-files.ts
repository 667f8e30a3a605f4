import * as path from 'node:path';

/** Files that count as patches: `*.synth.js`, `*.synth.mjs`, `*.synth.ts`. */
export const PATCH_FILE_REGEX = /\.synth\.(js|mjs|ts)$/;

/** Glob of patch files for `workspace.findFiles`. */
export const PATCH_GLOB = '**/*.synth.{js,mjs,ts}';

/** Folders never searched for patches. */
export const PATCH_EXCLUDE_GLOB = '**/{node_modules,.git,dist,out}/**';

/** True when `filePath` names a patch file. */
export function isPatchPath(filePath: string): boolean {
  return PATCH_FILE_REGEX.test(filePath);
}

/** The patch's name without folder and `.synth.ext`: `/a/bell.synth.ts` -> `bell`. */
export function patchBaseName(filePath: string): string {
  return path.basename(filePath).replace(PATCH_FILE_REGEX, '');
}

/** Output file beside the patch with the patch's name: `/a/bell.synth.ts`, `wav` -> `/a/bell.wav`. */
export function defaultOutputPath(patchPath: string, extension: string): string {
  return path.join(path.dirname(patchPath), `${patchBaseName(patchPath)}.${extension}`);
}

/**
 * Makes a file name chosen for a new patch a patch file name: `drum` -> `drum.synth.ts`,
 * `drum.js` -> `drum.synth.js`, `drum.synth.mjs` unchanged.
 */
export function toPatchFileName(chosen: string): string {
  if (isPatchPath(chosen)) return chosen;
  const match = /\.(js|mjs|ts)$/.exec(chosen);
  if (match) return `${chosen.slice(0, -match[0].length)}.synth${match[0]}`;
  return `${chosen.replace(/\.synth$/, '')}.synth.ts`;
}
