import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PatchError } from '../../engine/patch-error';
import { PATCH_EXCLUDE_GLOB, PATCH_GLOB, defaultOutputPath } from '../../engine/patch-files';
import { readSettings } from '../settings';
import { renderLimits } from '../settings-model';
import { abortOnCancel, isCancellation, patchSource, requirePatchTrust, type CommandContext } from './command-context';
import { batchSummary, forEachLimited, type BatchItem } from './batch';
import { renderToWav } from '../../engine/file-render';
import { wavFormatOf } from './wav-format';

/** `Patchscope: Render All Patches in Workspace`: every patch to a WAV beside it, on the engine's worker pool. */
export async function renderAllCommand(context: CommandContext): Promise<BatchItem[] | undefined> {
  if (!(await requirePatchTrust('render patches'))) return undefined;
  const files = (await vscode.workspace.findFiles(PATCH_GLOB, PATCH_EXCLUDE_GLOB)).map((uri) => uri.fsPath).sort();
  if (files.length === 0) {
    void vscode.window.showInformationMessage('No patches (*.synth.js, *.synth.mjs, *.synth.ts) in this workspace.');
    return [];
  }
  const pool = context.engine.renderPool;
  // The pool queues beyond its size: as many at once as it has workers.
  const limit = Math.max(1, os.availableParallelism());
  const started = performance.now();
  const items: BatchItem[] = [];
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rendering ${files.length} patches`, cancellable: true },
    async (progress, token) => {
      const abort = abortOnCancel(token);
      let finished = 0;
      await forEachLimited(files, limit, abort.signal, async (patchPath) => {
        const settings = readSettings(vscode.Uri.file(patchPath));
        const item: BatchItem = { patch: patchPath };
        const source = patchSource(patchPath);
        try {
          const { info, wav: summary, warnings } = await renderToWav(pool, source, defaultOutputPath(patchPath, 'wav'), wavFormatOf(settings.wav.bitDepth), {
            signal: abort.signal,
            ...renderLimits(settings),
          });
          item.output = summary.path;
          item.seconds = info.duration;
          if (warnings.length > 0) item.warnings = warnings;
          context.diagnostics.clear(patchPath);
        } catch (error) {
          if (isCancellation(error, abort.signal)) return;
          item.error = error instanceof Error ? error.message : String(error);
          if (error instanceof PatchError) context.diagnostics.report(patchPath, error.toData(), source.text);
        }
        items.push(item);
        finished++;
        progress.report({ increment: 100 / files.length, message: `${finished} of ${files.length}: ${path.basename(patchPath)}` });
      });
      const summary = batchSummary(items, files.length, (performance.now() - started) / 1000, abort.signal.aborted);
      const output = context.output;
      output.appendLine(`[${new Date().toISOString()}] ${summary}`);
      for (const item of items) {
        output.appendLine(`  ${item.error ? 'FAILED' : 'ok    '} ${item.patch}${item.error ? `: ${item.error}` : ` -> ${item.output}`}`);
        for (const warning of item.warnings ?? []) output.appendLine(`         warning: ${warning}`);
      }
      const needsAttention = items.some((item) => item.error || item.warnings);
      const show = 'Show Output';
      const choice = await (needsAttention ? vscode.window.showWarningMessage(summary, show) : vscode.window.showInformationMessage(summary, show));
      if (choice === show) output.show(true);
      return items;
    },
  );
}
