// When a patch's problems in the Problems panel stop describing anything: pure decisions, for PatchDiagnostics.

import { isInsideFolder } from '../shared/validate';

/** What a patch's reported problems came from. */
export interface ReportedProblems {
  /** Files the problems are shown in: the patch, or a module or worklet it loads. */
  readonly files: ReadonlySet<string>;
  /** The patch text the failed render read, when it was an editor's text (undefined: read from disk). */
  readonly text: string | undefined;
}

/** True when `filePath` is `removedPath` itself or inside the folder `removedPath`. */
export function isSameOrInside(removedPath: string, filePath: string): boolean {
  return filePath === removedPath || isInsideFolder(removedPath, filePath);
}

/**
 * The patches whose problems a deleted or renamed file or folder makes stale: the patch itself is gone from
 * that path, or a file its problems point at is.
 */
export function patchesStaleAfterRemoval(reported: ReadonlyMap<string, ReportedProblems>, removedPath: string): string[] {
  return [...reported]
    .filter(([patchPath, problems]) => isSameOrInside(removedPath, patchPath) || [...problems.files].some((file) => isSameOrInside(removedPath, file)))
    .map(([patchPath]) => patchPath);
}

/**
 * The patches whose problems a save of `filePath` with `savedText` makes stale, when no render will say
 * otherwise: a saved patch whose text is not the one that failed, or a saved module the problems point at.
 * `previewRenders(patch)` is true when the preview renders the saved patch's text and so keeps its problems
 * current itself.
 */
export function patchesStaleAfterSave(
  reported: ReadonlyMap<string, ReportedProblems>,
  filePath: string,
  savedText: string,
  previewRenders: (patchPath: string) => boolean,
): string[] {
  const stale: string[] = [];
  for (const [patchPath, problems] of reported) {
    if (patchPath === filePath) {
      if (previewRenders(patchPath)) continue;
      // Saving the very text that failed (the error came from the editor's unsaved text) fixes nothing.
      if (problems.text !== undefined && problems.text === savedText) continue;
      stale.push(patchPath);
    } else if (problems.files.has(filePath)) {
      stale.push(patchPath);
    }
  }
  return stale;
}
