import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PatchInfo, PatchSource } from '../../engine/render-types';
import type { RenderPool } from '../../engine/render-pool';
import { WavWriter, type WavSampleFormat, type WavSummary } from '../../engine/wav-writer';
import { defaultOutputPath } from '../patch-files';
import { readSettings, type WavBitDepth } from '../settings';
import { abortOnCancel, formatDuration, isCancellation, offerReveal, patchSource, reportFailure, requirePatch, type CommandContext } from './command-context';

/** Chunk length of file renders: long chunks cost the fewest suspend points. */
const FILE_RENDER_CHUNK = 1;

/** WAV sample format of a bit-depth setting. */
export function wavFormatOf(bitDepth: WavBitDepth): WavSampleFormat {
  return bitDepth === 16 ? 'pcm16' : bitDepth === 24 ? 'pcm24' : 'float32';
}

/** Progress of a file render, in audio frames. */
export type FrameProgress = (framesDone: number, framesTotal: number) => void;

/**
 * Streams a patch into a WAV file (temporary file beside the destination, renamed when complete); the
 * destination is untouched when the render fails or is cancelled.
 */
export async function renderPatchToWav(
  pool: RenderPool,
  source: PatchSource,
  destination: string,
  format: WavSampleFormat,
  options: { signal?: AbortSignal; timeout?: number; onProgress?: FrameProgress } = {},
): Promise<{ info: PatchInfo; summary: WavSummary }> {
  let info: PatchInfo | undefined;
  let opening: Promise<WavWriter> | undefined;
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  try {
    await pool.stream(source, {
      chunk: FILE_RENDER_CHUNK,
      signal: options.signal,
      timeout: options.timeout,
      onInfo: (patchInfo) => {
        info = patchInfo;
        opening = WavWriter.open(destination, { sampleRate: patchInfo.sampleRate, channels: patchInfo.channels, format });
        opening.catch((error: unknown) => (writeError ??= error));
      },
      onChunk: (chunk) => {
        const pending = opening;
        if (!pending) return;
        writes = writes.then(async () => (await pending).write(chunk)).catch((error: unknown) => {
          writeError ??= error;
        });
      },
      onProgress: (progress) => options.onProgress?.(progress.framesDone, progress.framesTotal),
    });
    await writes;
    if (writeError !== undefined) throw writeError;
    if (!opening || !info) throw new Error('the render produced no audio');
    const summary = await (await opening).finish();
    return { info, summary };
  } catch (error) {
    await writes;
    if (opening) await opening.then((writer) => writer.abort(), () => undefined);
    throw error;
  }
}

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
      try {
        const { info, summary } = await renderPatchToWav(context.engine.renderPool, patchSource(patchPath), target.fsPath, wavFormatOf(settings.wav.bitDepth), {
          signal: abort.signal,
          timeout: settings.renderTimeout,
          onProgress: (done, total) => {
            const percent = total > 0 ? (100 * done) / total : 0;
            progress.report({ increment: percent - reported, message: `${Math.round(percent)}%` });
            reported = percent;
          },
        });
        context.diagnostics.clear(patchPath);
        const clipped = summary.clippedSamples > 0 ? ` (${summary.clippedSamples} samples clipped)` : '';
        const depth = settings.wav.bitDepth === 32 ? '32-bit float' : `${settings.wav.bitDepth}-bit`;
        void offerReveal(summary.path, `Rendered ${path.basename(summary.path)}: ${formatDuration(info.duration)}, ${info.sampleRate} Hz, ${depth}${clipped}.`);
        return summary.path;
      } catch (error) {
        if (isCancellation(error, abort.signal)) {
          void vscode.window.showInformationMessage(`Render of ${name} cancelled; no file was written.`);
        } else {
          reportFailure(context, patchPath, 'Render to WAV', error);
        }
        return undefined;
      }
    },
  );
}
