import { AtomicFile } from './atomic-file';
import { OutputAnalyser, outputWarnings, refuseNonFinite, type OutputReport } from './output-analysis';
import { retainedOutputWarning } from './output-release';
import { PatchError } from './patch-error';
import type { RenderPool } from './render-pool';
import type { PatchInfo, PatchSource, StreamOptions, StreamStats } from './render-types';
import { renderVideo, type RenderVideoOptions, type RenderVideoResult } from './video-render';
import { checkWavFormat, type WavSampleFormat, type WavSummary } from './wav-writer';
import type { Seconds } from './units';

/** Chunk length for renders to MP4: large chunks, few hand-overs; latency does not matter here. */
export const MP4_RENDER_CHUNK: Seconds = 1;

/**
 * Chunk length for renders to WAV, which the render worker writes itself: a quarter of the suspend points and
 * hand-overs of 1 s chunks, for 1.5 MB of stereo samples at 48 kHz a chunk (60-minute WAV: 23.1 to 26.5 s
 * against 27.2 to 39.8 s, the render worker's peak within the runs' spread; bench/RESULTS.md).
 */
export const WAV_RENDER_CHUNK: Seconds = 4;

/** Options of a render to a file. */
export interface FileRenderOptions extends Pick<StreamOptions, 'signal' | 'timeout' | 'maxDuration' | 'capture' | 'onProgress'> {}

/** A finished WAV render. */
export interface WavRenderResult {
  info: PatchInfo;
  stats: StreamStats;
  wav: WavSummary;
  output: OutputReport;
  /** One line each: silence, clipping, output the render worker could not give back (empty when clean). */
  warnings: string[];
}

/**
 * Renders a patch to a WAV file at constant memory. The render worker writes the file itself (the audio never
 * reaches this process; rendering waits for the disk) into a temporary file created here beside `destination`,
 * which is renamed over it only when complete. On any failure or cancel, or if the worker dies, the temporary
 * file is removed here and an existing destination is untouched.
 */
export async function renderToWav(pool: RenderPool, source: PatchSource, destination: string, format: WavSampleFormat, options: FileRenderOptions = {}): Promise<WavRenderResult> {
  checkWavFormat(format);
  const file = await AtomicFile.create(destination);
  try {
    const { wav, output, ...stats } = await pool.streamToWav(source, { path: file.tempPath, format }, { ...options, chunk: WAV_RENDER_CHUNK });
    await file.commit();
    return { info: stats.info, stats, wav: { ...wav, path: file.destination }, output, warnings: fileRenderWarnings(output, stats) };
  } catch (error) {
    await file.abort();
    throw error;
  }
}

/** A finished MP4 render. */
export interface Mp4RenderResult extends RenderVideoResult {
  output: OutputReport;
  /** As WavRenderResult's. */
  warnings: string[];
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
  let stats: StreamStats | undefined;
  const rendering = renderVideo(
    async (sink, signal) => {
      stats = await pool.stream(source, {
        ...options,
        signal: anySignal(signal, options.signal),
        chunk: MP4_RENDER_CHUNK,
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
  // Cancelled by the caller, it says so as a render to WAV does (the encoder's own abort reads "operation aborted").
  const result = await rendering.catch((error: unknown) => {
    throw options.signal?.aborted ? new PatchError('cancelled', 'render cancelled', source.path) : error;
  });
  const output = analyser.report();
  return { ...result, output, warnings: fileRenderWarnings(output, stats) };
}

/** The warnings of a finished render to a file, from its samples and its stream's statistics. */
function fileRenderWarnings(output: OutputReport, stats: StreamStats | undefined): string[] {
  const warnings = outputWarnings(output);
  const retained = stats?.outputRetainedBytes ?? 0;
  if (retained > 0) warnings.push(retainedOutputWarning(retained));
  return warnings;
}

/** An AbortSignal that aborts when any of the given ones does. */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}
