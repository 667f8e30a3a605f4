import * as path from 'node:path';
import * as vscode from 'vscode';
import { runParityTest } from '../../engine/parity-test';
import type { ParityReport } from '../../engine/render-types';
import { parityLines, parityVerdict } from './parity-report';
import { readSettings, streamOptions } from '../settings';
import { abortOnCancel, isCancellation, patchSource, reportFailure, requirePatch, type CommandContext } from './command-context';

/** `Patchscope: Run Parity Test`: one-shot vs streamed, fields to the output channel, a verdict. */
export async function runParityCommand(context: CommandContext, argument?: unknown): Promise<ParityReport | undefined> {
  const patchPath = await requirePatch(context, argument, 'run the parity test');
  if (!patchPath) return undefined;
  const settings = readSettings(vscode.Uri.file(patchPath));
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Parity test of ${path.basename(patchPath)}`, cancellable: true },
    async (_progress, token) => {
      const abort = abortOnCancel(token);
      const source = patchSource(patchPath);
      try {
        const report = await runParityTest(context.engine.renderPool, source, { ...streamOptions(settings), signal: abort.signal });
        const output = context.output;
        output.appendLine(`[${new Date().toISOString()}] Parity test`);
        for (const line of parityLines(report)) output.appendLine(`  ${line}`);
        output.show(true);
        const verdict = parityVerdict(report);
        if (report.bitExact) void vscode.window.showInformationMessage(verdict);
        else void vscode.window.showWarningMessage(verdict);
        return report;
      } catch (error) {
        if (!isCancellation(error, abort.signal)) reportFailure(context, source, 'Parity test', error);
        return undefined;
      }
    },
  );
}
