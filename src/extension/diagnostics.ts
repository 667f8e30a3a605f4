import * as vscode from 'vscode';
import type { PatchErrorData } from '../engine/patch-error';
import { Disposable } from './disposable';

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

/** Puts patch errors in the Problems panel at the patch's own line and column, per patch, and clears them. */
export class PatchDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));
  /** The files that carry diagnostics caused by each patch (an import or a worklet may be elsewhere). */
  private readonly filesByPatch = new Map<string, Set<string>>();

  /** Shows `error` as the only problem of `patchPath` (replacing earlier ones). */
  report(patchPath: string, error: PatchErrorData): void {
    if (error.kind === 'cancelled') return;
    this.clear(patchPath);
    const file = error.file || patchPath;
    const uri = vscode.Uri.file(file);
    const document = vscode.workspace.textDocuments.find((doc) => doc.uri.fsPath === uri.fsPath);
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
    this.filesByPatch.set(patchPath, new Set([uri.fsPath]));
  }

  /** Removes every problem `patchPath` caused. */
  clear(patchPath: string): void {
    const files = this.filesByPatch.get(patchPath);
    if (!files) return;
    this.filesByPatch.delete(patchPath);
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

  private isFrom(diagnostic: vscode.Diagnostic, patchPath: string, file: string): boolean {
    if (file === patchPath) return true;
    const related = diagnostic.relatedInformation?.[0]?.location.uri.fsPath;
    return related === patchPath;
  }
}
