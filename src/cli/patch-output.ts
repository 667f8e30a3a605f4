import { formatPatchLog } from '../engine/patch-log';
import type { PatchLogEntry } from '../engine/render-types';

/** Writes a patch's console output to stderr, so stdout stays clean for `--json`. */
export function printPatchLog(entry: PatchLogEntry, file: string): void {
  process.stderr.write(`${formatPatchLog(entry, file)}\n`);
}
