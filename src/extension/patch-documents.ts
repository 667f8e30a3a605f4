// Which open documents are a patch's own text. A document's fsPath alone does not say: the left side of an SCM
// diff (`git:`), a compare view or a read-only virtual document has the working file's fsPath but other text.

import { isPatchPath } from '../engine/patch-files';

/** The parts of a `vscode.Uri` that say which file a document is. */
export interface DocumentUri {
  readonly scheme: string;
  readonly fsPath: string;
}

/** Schemes whose documents hold a patch's own text: the file on disk, and a new file not saved yet. */
export const PATCH_DOCUMENT_SCHEMES: readonly string[] = ['file', 'untitled'];

/** The patch a document holds the text of (a path), or undefined when it is no patch or only a view of one. */
export function patchPathOf(uri: DocumentUri): string | undefined {
  if (!PATCH_DOCUMENT_SCHEMES.includes(uri.scheme) || !isPatchPath(uri.fsPath)) return undefined;
  return uri.fsPath;
}

/** True when a document at `uri` holds the text of the patch at `patchPath`. */
export function isDocumentOf(uri: DocumentUri, patchPath: string): boolean {
  return patchPathOf(uri) === patchPath;
}

/** The open document holding the text of the patch at `patchPath`: the file's, else an untitled one there. */
export function findPatchDocument<T extends { readonly uri: DocumentUri }>(documents: readonly T[], patchPath: string): T | undefined {
  const candidates = documents.filter((document) => isDocumentOf(document.uri, patchPath));
  return candidates.find((document) => document.uri.scheme === 'file') ?? candidates[0];
}

/** The open `file` document at `filePath` (any file, not only patches), ignoring views of it under other schemes. */
export function findFileDocument<T extends { readonly uri: DocumentUri }>(documents: readonly T[], filePath: string): T | undefined {
  return documents.find((document) => document.uri.scheme === 'file' && document.uri.fsPath === filePath);
}
