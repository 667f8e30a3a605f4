import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultOutputPath } from '../../engine/patch-files';
import { readSettings } from '../settings';
import { renderLimits } from '../settings-model';
import { abortOnCancel, formatDuration, isCancellation, offerReveal, patchSource, reportFailure, requirePatch, type CommandContext } from './command-context';
import { renderToWav } from '../../engine/file-render';
import { wavFormatOf } from './wav-format';

/** `Patchscope: Render to WAV`: save dialog, progress with Cancel, then Reveal / Open. */
export async function renderWavCommand(context: CommandContext, argument?: unknown): Promise<string | undefined> {
  const patchPath = await requirePatch(context, argument, 'render to WAV');
  if (!patchPath) return undefined;
  const settings = readSettings(vscode.Uri.file(patchPath));
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(defaultOutputPath(patchPath, 'wav')),
    filters: { 'WAV audio': ['wav'] },
    title: 'Render Patch to WAV',
    saveLabel: 'Render',
  });
  if (!target) return undefined;
  const name = path.basename(patchPath);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rendering ${name} to WAV`, cancellable: true },
    async (progress, token) => {
      const abort = abortOnCancel(token);
      let reported = 0;
      const source = patchSource(patchPath);
      try {
        const { info, wav: summary, warnings } = await renderToWav(context.engine.renderPool, source, target.fsPath, wavFormatOf(settings.wav.bitDepth), {
          signal: abort.signal,
          ...renderLimits(settings),
          onProgress: ({ framesDone, framesTotal }) => {
            const percent = framesTotal > 0 ? (100 * framesDone) / framesTotal : 0;
            progress.report({ increment: percent - reported, message: `${Math.round(percent)}%` });
            reported = percent;
          },
        });
        context.diagnostics.clear(patchPath);
        const depth = settings.wav.bitDepth === 32 ? '32-bit float' : `${settings.wav.bitDepth}-bit`;
        void offerReveal(context, summary.path, `Rendered ${path.basename(summary.path)}: ${formatDuration(info.duration)}, ${info.sampleRate} Hz, ${depth}.`, warnings);
        return summary.path;
      } catch (error) {
        if (isCancellation(error, abort.signal)) {
          void vscode.window.showInformationMessage(`Render of ${name} cancelled; no file was written.`);
        } else {
          reportFailure(context, source, 'Render to WAV', error);
        }
        return undefined;
      }
    },
  );
}
