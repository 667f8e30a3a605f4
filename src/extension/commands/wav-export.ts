import type { RenderPool } from '../../engine/render-pool';
import type { PatchInfo, PatchSource } from '../../engine/render-types';
import { WavWriter, type WavSampleFormat, type WavSummary } from '../../engine/wav-writer';
import type { WavBitDepth } from '../settings-model';

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
