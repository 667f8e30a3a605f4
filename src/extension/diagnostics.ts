import * as vscode from 'vscode';
import type { PatchErrorData } from '../engine/patch-error';
import { patchesStaleAfterRemoval, patchesStaleAfterSave, type ReportedProblems } from './diagnostics-model';
import { Disposable } from './disposable';
import { findFileDocument } from './patch-documents';

/** Source label of every Patchscope diagnostic. */
export const DIAGNOSTIC_SOURCE = 'patchscope';

const KIND_LABEL: Record<PatchErrorData['kind'], string> = {
  compile: 'compile error',
  validation: 'invalid patch',
  runtime: 'runtime error',
  timeout: 'timeout',
  memory: 'out of memory',
  output: 'output error',
  cancelled: 'cancelled',
};

/** The range a diagnostic underlines: from the error's column to the end of the word there (1-based input). */
export function diagnosticRange(document: vscode.TextDocument | undefined, line: number | undefined, column: number | undefined): vscode.Range {
  const lineIndex = Math.max(0, (line ?? 1) - 1);
  const columnIndex = Math.max(0, (column ?? 1) - 1);
  if (!document || lineIndex >= document.lineCount) return new vscode.Range(lineIndex, columnIndex, lineIndex, columnIndex + 1);
  const text = document.lineAt(lineIndex).text;
  if (line === undefined) return new vscode.Range(lineIndex, 0, lineIndex, text.length);
  const word = document.getWordRangeAtPosition(new vscode.Position(lineIndex, columnIndex));
  if (word) return word;
  return new vscode.Range(lineIndex, columnIndex, lineIndex, Math.max(columnIndex + 1, Math.min(text.length, columnIndex + 1)));
}

/**
 * Puts patch errors in the Problems panel at the patch's own line and column, per patch, and clears them; also
 * when they stop describing anything: the patch or the file they point at is deleted or renamed, or a save
 * changed the text that failed and the preview will not render it.
 */
export class PatchDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));
  /** The files that carry diagnostics caused by each patch (an import or a worklet may be elsewhere), and the text that failed. */
  private readonly reported = new Map<string, ReportedProblems>();

  /** `previewRenders(patch)`: the preview renders that patch's edits or saves, and so keeps its problems current. */
  constructor(private readonly previewRenders: (patchPath: string) => boolean) {
    super();
    this._register(vscode.workspace.onDidDeleteFiles((event) => event.files.forEach((uri) => this.removed(uri))));
    this._register(vscode.workspace.onDidRenameFiles((event) => event.files.forEach(({ oldUri }) => this.removed(oldUri))));
    // Deletions outside VS Code's explorer too (a terminal, git): the workspace's own watcher, deletions only.
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*', true, true, false));
    this._register(watcher.onDidDelete((uri) => this.removed(uri)));
    this._register(vscode.workspace.onDidSaveTextDocument((document) => this.saved(document)));
  }

  /**
   * Shows `error` as the only problem of `patchPath` (replacing earlier ones); `sourceText` is the editor text the
   * render read, if it read one.
   */
  report(patchPath: string, error: PatchErrorData, sourceText?: string): void {
    if (error.kind === 'cancelled') return;
    this.clear(patchPath);
    const file = error.file || patchPath;
    const uri = vscode.Uri.file(file);
    const document = findFileDocument(vscode.workspace.textDocuments, uri.fsPath);
    const diagnostic = new vscode.Diagnostic(
      diagnosticRange(document, error.line, error.column),
      error.message,
      vscode.DiagnosticSeverity.Error,
    );
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = KIND_LABEL[error.kind];
    if (file !== patchPath) {
      diagnostic.relatedInformation = [
        new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(patchPath), new vscode.Position(0, 0)), 'while rendering this patch'),
      ];
    }
    this.collection.set(uri, [...(this.collection.get(uri) ?? []), diagnostic]);
    this.reported.set(patchPath, { files: new Set([uri.fsPath]), text: sourceText });
  }

  /** Removes every problem `patchPath` caused. */
  clear(patchPath: string): void {
    const files = this.reported.get(patchPath)?.files;
    if (!files) return;
    this.reported.delete(patchPath);
    for (const file of files) {
      const uri = vscode.Uri.file(file);
      const remaining = (this.collection.get(uri) ?? []).filter((d) => !this.isFrom(d, patchPath, file));
      this.collection.set(uri, remaining.length > 0 ? remaining : undefined);
    }
  }

  /** Problems currently shown for a file (for tests and the API). */
  problemsOf(file: string): readonly vscode.Diagnostic[] {
    return this.collection.get(vscode.Uri.file(file)) ?? [];
  }

  private removed(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    for (const patchPath of patchesStaleAfterRemoval(this.reported, uri.fsPath)) this.clear(patchPath);
  }

  private saved(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file' || this.reported.size === 0) return;
    for (const patchPath of patchesStaleAfterSave(this.reported, document.uri.fsPath, document.getText(), this.previewRenders)) this.clear(patchPath);
  }

  private isFrom(diagnostic: vscode.Diagnostic, patchPath: string, file: string): boolean {
    if (file === patchPath) return true;
    const related = diagnostic.relatedInformation?.[0]?.location.uri.fsPath;
    return related === patchPath;
  }
}
