import { OutputAnalyser, type OutputReport } from './output-analysis';
import { PatchError } from './patch-error';
import type { RenderPool } from './render-pool';
import type { AudioChunk, PatchInfo, PatchSource, StreamOptions, StreamStats } from './render-types';
import { renderVideo, type RenderVideoOptions, type RenderVideoResult } from './video-render';
import { WavWriter, type WavSampleFormat, type WavSummary } from './wav-writer';
import type { Seconds } from './units';

/** Chunk length for renders to files: large chunks, few hand-overs; latency does not matter here. */
export const FILE_RENDER_CHUNK: Seconds = 1;

/** Options of a render to a file. */
export interface FileRenderOptions extends Pick<StreamOptions, 'signal' | 'timeout' | 'maxDuration' | 'capture' | 'onProgress'> {}

/** A finished WAV render. */
export interface WavRenderResult {
  info: PatchInfo;
  stats: StreamStats;
  wav: WavSummary;
  output: OutputReport;
}

/** Fails a render whose output holds NaN or infinite samples: such a file would be silently corrupt. */
function refuseNonFinite(analyser: OutputAnalyser, file: string): void {
  if (!analyser.hasNonFinite) return;
  const { firstNonFiniteFrame, firstNonFiniteChannel } = analyser.report();
  throw new PatchError('output', `the patch produced NaN or infinite samples (first at frame ${firstNonFiniteFrame}, channel ${firstNonFiniteChannel + 1}); nothing was written`, file);
}

/**
 * Renders a patch to a WAV file at constant memory: chunks are written as they arrive, rendering waits for the
 * disk, and the file appears at `destination` only when complete. On any failure or cancel no file is left
 * and an existing destination is untouched.
 */
export async function renderToWav(pool: RenderPool, source: PatchSource, destination: string, format: WavSampleFormat, options: FileRenderOptions = {}): Promise<WavRenderResult> {
  let opening: Promise<WavWriter> | undefined;
  const analyser = new OutputAnalyser();
  try {
    const stats = await pool.stream(source, {
      ...options,
      chunk: FILE_RENDER_CHUNK,
      onInfo: (info) => {
        opening = WavWriter.open(destination, { sampleRate: info.sampleRate, channels: info.channels, format });
        opening.catch(() => undefined);
      },
      onChunk: async (chunk: AudioChunk) => {
        analyser.add(chunk);
        refuseNonFinite(analyser, source.path);
        const writer = await opening!;
        await writer.write(chunk);
      },
    });
    if (!opening) throw new PatchError('output', 'the render produced no audio', source.path);
    const wav = await (await opening).finish();
    return { info: stats.info, stats, wav, output: analyser.report() };
  } catch (error) {
    if (opening) await opening.then((writer) => writer.abort(), () => undefined);
    throw error;
  }
}

/** A finished MP4 render. */
export interface Mp4RenderResult extends RenderVideoResult {
  output: OutputReport;
}

/**
 * Renders a patch to an MP4 spectrogram video with its audio, streaming chunks into the encoder (which
 * applies backpressure). Same guarantees as renderToWav: no file on failure or cancel.
 */
export async function renderToMp4(
  pool: RenderPool,
  source: PatchSource,
  video: Omit<RenderVideoOptions, 'signal'>,
  options: FileRenderOptions = {},
): Promise<Mp4RenderResult> {
  const analyser = new OutputAnalyser();
  const result = await renderVideo(
    async (sink, signal) => {
      await pool.stream(source, {
        ...options,
        signal: anySignal(signal, options.signal),
        chunk: FILE_RENDER_CHUNK,
        onInfo: (info) => sink.onInfo(info),
        onChunk: async (chunk) => {
          analyser.add(chunk);
          refuseNonFinite(analyser, source.path);
          await sink.onChunk(chunk);
        },
      });
    },
    { ...video, signal: options.signal },
  );
  return { ...result, output: analyser.report() };
}

/** An AbortSignal that aborts when any of the given ones does. */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}
