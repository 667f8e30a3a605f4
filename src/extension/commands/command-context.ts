import * as path from 'node:path';
import * as vscode from 'vscode';
import { PatchError } from '../../engine/patch-error';
import type { PatchSource } from '../../engine/render-types';
import type { PatchDiagnostics } from '../diagnostics';
import type { EngineHost } from '../engine-host';
import type { LiveRender } from '../live-render';
import { findPatchDocument, patchPathOf } from '../patch-documents';
import type { PreviewPanel } from '../preview-panel';

/** What the commands share. */
export interface CommandContext {
  extensionUri: vscode.Uri;
  engine: EngineHost;
  diagnostics: PatchDiagnostics;
  output: vscode.OutputChannel;
  live: LiveRender;
  preview: PreviewPanel;
}

/**
 * The patch a command acts on: the URI it was invoked with (explorer or editor title), else the active
 * editor when it is a patch, else the patch the preview follows.
 */
export function resolvePatchPath(context: CommandContext, argument?: unknown): string | undefined {
  const fromArgument = argument instanceof vscode.Uri ? patchPathOf(argument) : undefined;
  if (fromArgument) return fromArgument;
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = active && patchPathOf(active);
  if (fromEditor) return fromEditor;
  return context.live.patch?.path;
}

/** The patch as the engine reads it: the editor's unsaved text when the file is open. */
export function patchSource(patchPath: string): PatchSource {
  const document = findPatchDocument(vscode.workspace.textDocuments, patchPath);
  return { path: patchPath, text: document?.getText() };
}

/** True in a trusted workspace; otherwise explains Restricted Mode (with a way to trust) and returns false. */
export async function requirePatchTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(`Patchscope runs patches only in trusted workspaces: cannot ${action} in Restricted Mode.`, manage);
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** Resolves the patch or tells the user why there is none; undefined when the command cannot run. */
export async function requirePatch(context: CommandContext, argument: unknown, action: string): Promise<string | undefined> {
  if (!(await requirePatchTrust(action))) return undefined;
  const patchPath = resolvePatchPath(context, argument);
  if (!patchPath) {
    void vscode.window.showErrorMessage(`Open a patch (*.synth.js, *.synth.mjs or *.synth.ts) to ${action}.`);
    return undefined;
  }
  return patchPath;
}

/** An AbortController that aborts when the token is cancelled. */
export function abortOnCancel(token: vscode.CancellationToken): AbortController {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  return controller;
}

/** True when an error is a cancellation (ours or the engine's). */
export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (error instanceof PatchError) return error.kind === 'cancelled';
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Reports a failed render of `source`: Problems panel for patch errors, an error message, and the output channel.
 */
export function reportFailure(context: CommandContext, source: PatchSource, action: string, error: unknown): void {
  const patchPath = source.path;
  const message = error instanceof PatchError ? error.format() : error instanceof Error ? error.message : String(error);
  if (error instanceof PatchError) context.diagnostics.report(patchPath, error.toData(), source.text);
  context.output.appendLine(`[${new Date().toISOString()}] ${action} failed: ${message}`);
  void vscode.window.showErrorMessage(`${action} of ${path.basename(patchPath)} failed: ${firstLine(message)}`, 'Show Output').then((choice) => {
    if (choice) context.output.show(true);
  });
}

/**
 * Offers to reveal or open a file the user just rendered. A render with warnings (silence, clipping, memory)
 * says so in a warning message and logs each to the output channel.
 */
export async function offerReveal(context: CommandContext, file: string, message: string, warnings: readonly string[] = []): Promise<void> {
  for (const warning of warnings) context.output.appendLine(`[${new Date().toISOString()}] ${path.basename(file)}: warning: ${warning}`);
  const choice =
    warnings.length > 0
      ? await vscode.window.showWarningMessage(`${message} Warning: ${warnings.join('; ')}.`, 'Reveal', 'Open')
      : await vscode.window.showInformationMessage(message, 'Reveal', 'Open');
  const uri = vscode.Uri.file(file);
  if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', uri);
  else if (choice === 'Open') await vscode.env.openExternal(uri);
}

/** Seconds for messages: `3.0 s`, `2 min 05 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')} s`;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
