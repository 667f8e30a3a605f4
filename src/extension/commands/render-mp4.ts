import * as path from 'node:path';
import * as vscode from 'vscode';
import { renderToMp4 } from '../../engine/file-render';
import { defaultOutputPath, patchBaseName } from '../../engine/patch-files';
import { readSettings } from '../settings';
import { renderLimits } from '../settings-model';
import { abortOnCancel, formatDuration, isCancellation, offerReveal, patchSource, reportFailure, requirePatch, type CommandContext } from './command-context';

/** `Patchscope: Render to MP4`: a spectrogram video with the audio, via ffmpeg. */
export async function renderMp4Command(context: CommandContext, argument?: unknown): Promise<string | undefined> {
  const patchPath = await requirePatch(context, argument, 'render to MP4');
  if (!patchPath) return undefined;
  const settings = readSettings(vscode.Uri.file(patchPath));
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(defaultOutputPath(patchPath, 'mp4')),
    filters: { 'MP4 video': ['mp4'] },
    title: 'Render Patch to MP4',
    saveLabel: 'Render',
  });
  if (!target) return undefined;
  const name = path.basename(patchPath);
  const source = patchSource(patchPath);
  const pool = context.engine.renderPool;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rendering ${name} to MP4`, cancellable: true },
    async (progress, token) => {
      const abort = abortOnCancel(token);
      let reported = 0;
      try {
        const result = await renderToMp4(
          pool,
          source,
          {
            destination: target.fsPath,
            width: settings.video.width,
            height: settings.video.height,
            fps: settings.video.fps,
            colormap: settings.spectrogram.colorMap,
            scale: settings.spectrogram.scale,
            title: patchBaseName(patchPath),
            ffmpegPath: settings.ffmpegPath || undefined,
            onProgress: (video) => {
              const percent = video.framesTotal > 0 ? (100 * video.framesDone) / video.framesTotal : 0;
              progress.report({ increment: percent - reported, message: `frame ${video.framesDone} of ${video.framesTotal}` });
              reported = percent;
            },
          },
          { ...renderLimits(settings), signal: abort.signal },
        );
        context.diagnostics.clear(patchPath);
        const size = `${settings.video.width}x${settings.video.height} at ${settings.video.fps} fps`;
        void offerReveal(context, result.path, `Rendered ${path.basename(result.path)}: ${formatDuration(result.info.duration)}, ${size}.`, result.warnings);
        return result.path;
      } catch (error) {
        if (isCancellation(error, abort.signal)) {
          void vscode.window.showInformationMessage(`Video render of ${name} cancelled; no file was written.`);
        } else {
          reportFailure(context, source, 'Render to MP4', error);
        }
        return undefined;
      }
    },
  );
}
