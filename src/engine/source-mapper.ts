import { SourceMap } from 'node:module';
import * as path from 'node:path';
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
    const file = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : entry.originalSource;
    if (file.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
    return { file, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  }
}

const STACK_POSITION = /\(?((?:[a-z]+:)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** Finds the innermost stack frame that lands in a user file, using any of the given bundle mappers. */
export function locateInStack(stack: string | undefined, mappers: readonly BundleSourceMapper[]): SourceLocation | undefined {
  if (!stack) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const match = STACK_POSITION.exec(line.trim());
    if (!match) continue;
    const [, file, lineText, columnText] = match;
    for (const mapper of mappers) {
      if (file === mapper.bundleName || file.startsWith(mapper.bundleName)) {
        const loc = mapper.lookup(Number(lineText), Number(columnText));
        if (loc) return loc;
      }
    }
  }
  return undefined;
}
