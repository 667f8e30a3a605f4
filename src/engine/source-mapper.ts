import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from './patch-error';

/** Maps positions in a bundled script back to the user's own files. */
export class BundleSourceMapper {
  private readonly map: SourceMap;

  constructor(
    /** The name the bundle was evaluated under (as it appears in stack traces). */
    readonly bundleName: string,
    mapText: string,
  ) {
    this.map = new SourceMap(JSON.parse(mapText));
  }

  /** The user's position for a 1-based line and column of the bundle, if it maps to a user file. */
  lookup(line: number, column: number): SourceLocation | undefined {
    const entry = this.map.findEntry(line - 1, column - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
    if (!entry || entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
    const file = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : entry.originalSource;
    if (file.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
    return { file, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  }
}

/** The `:LINE:COLUMN` that follows a script's name in a stack frame. */
const LINE_AND_COLUMN = /^:(\d+):(\d+)/;

/** Finds the innermost stack frame that lands in a user file, using any of the given bundle mappers. */
export function locateInStack(stack: string | undefined, mappers: readonly BundleSourceMapper[]): SourceLocation | undefined {
  if (!stack) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    for (const mapper of mappers) {
      // Found by the bundle's own name rather than by parsing the frame: a folder's name may hold spaces and
      // parentheses ("My Patches (old)"), which no pattern for a path can tell from the frame's own.
      const at = line.lastIndexOf(mapper.bundleName);
      if (at < 0) continue;
      const match = LINE_AND_COLUMN.exec(line.slice(at + mapper.bundleName.length));
      if (!match) continue;
      const loc = mapper.lookup(Number(match[1]), Number(match[2]));
      if (loc) return loc;
    }
  }
  return undefined;
}
