import * as path from 'node:path';
import type { PatchLogEntry } from './render-types';

/** One line of a patch's console output as the CLI and the output channel show it: `[name.synth.js] warn: text`. */
export function formatPatchLog(entry: PatchLogEntry, file: string): string {
  const level = entry.level === 'log' ? '' : `${entry.level}: `;
  return `[${path.basename(file)}] ${level}${entry.text}`;
}
