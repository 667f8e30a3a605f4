// The spectrogram video pipeline: audio chunks -> mono mix -> streaming STFT -> frame rasteriser -> ffmpeg.
// Nothing holds the whole render: each chunk is cut into pieces of at most one video frame of audio, and
// every frame that the audio so far allows is drawn and handed to the encoder (waiting when it is busy)
// before the next piece is read.
import { DEFAULT_DB_RANGE, type ColormapName, type DbRange } from './colormap';
import { FrameRasteriser, type SpectrogramVideoMode } from './frame-rasteriser';
import { Mp4Encoder, type Mp4EncodeOptions, type Mp4Result } from './mp4-encoder';
import type { AudioChunk, PatchInfo } from './render-types';
import type { FrequencyScaleKind } from './spectrogram-scale';
import { StreamingStft, mixToMono } from './stft';
import type { Seconds } from './units';

/** How the picture looks. Every field has a default. */
export interface VideoPictureOptions {
  /** Frame size (default 1280 x 720; both even). */
  width?: number;
  height?: number;
  /** Frames per second (default 30). */
  fps?: number;
  /** 'scroll' (default) or 'static' (whole track, moving cursor). */
  mode?: SpectrogramVideoMode;
  /** Colour map (default 'magma'). */
  colormap?: ColormapName;
  /** Frequency axis (default 'log'). */
  scale?: FrequencyScaleKind;
  /** STFT length (default 4096). */
  fftSize?: number;
  /** Fixed level range of the colours (default -100..0 dBFS). */
  dbRange?: DbRange;
  /** Show a waveform strip (default false). */
  waveform?: boolean;
  /** Title at the top left (default 'Patchscope'). */
  title?: string;
}

/** The picture settings with defaults filled in. */
export type ResolvedPictureOptions = Required<VideoPictureOptions>;

/** Default picture settings. */
export const DEFAULT_PICTURE: Readonly<ResolvedPictureOptions> = {
  width: 1280,
  height: 720,
  fps: 30,
  mode: 'scroll',
  colormap: 'magma',
  scale: 'log',
  fftSize: 4096,
  dbRange: DEFAULT_DB_RANGE,
  waveform: false,
  title: 'Patchscope',
};

/** Fills in picture defaults. */
export function resolvePictureOptions(options: VideoPictureOptions): ResolvedPictureOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_PICTURE, ...defined };
}

/** Number of video frames for an audio length: enough to cover it (frame k shows time k / fps). */
export function videoFrameCount(info: Pick<PatchInfo, 'frames' | 'sampleRate'>, fps: number): number {
  return Math.max(1, Math.ceil((info.frames * fps) / info.sampleRate - 1e-9));
}

/** Where drawn frames go: a buffer to draw into, then the buffer back once drawn. */
export interface FrameSink {
  /** A buffer of at least one frame to draw into (waits while the consumer is busy). */
  frameBuffer(): Promise<Uint8Array>;
  /** Takes a drawn frame; the buffer belongs to the sink again. */
  submitFrame(buffer: Uint8Array, frameIndex: number): void;
}

/** Short description of the audio and settings, shown after the title. */
function subtitleOf(info: PatchInfo, picture: ResolvedPictureOptions): string {
  const rate = info.sampleRate % 1000 === 0 ? `${info.sampleRate / 1000}` : (info.sampleRate / 1000).toFixed(1);
  const channels = info.channels === 1 ? 'mono' : info.channels === 2 ? 'stereo' : `${info.channels} ch`;
  return `${rate} kHz · ${channels} · ${picture.scale} · FFT ${picture.fftSize}`;
}

/**
 * Turns a stream of audio chunks into spectrogram frames: STFT, rasteriser and frame timing. The input is
 * cut at the exact sample counts where frames become drawable, so what each frame shows depends only on
 * the audio, never on how it was chunked: the streamed picture is the batch picture.
 */
export class SpectrogramFrames {
  readonly rasteriser: FrameRasteriser;
  /** Frames the video will have. */
  readonly frameCount: number;
  private readonly stft: StreamingStft;
  private readonly fftSize: number;
  private readonly mono: Float32Array;
  private consumed = 0;
  private ended = false;
  private nextFrame = 0;

  constructor(info: PatchInfo, picture: ResolvedPictureOptions) {
    this.rasteriser = new FrameRasteriser({
      width: picture.width,
      height: picture.height,
      fps: picture.fps,
      mode: picture.mode,
      sampleRate: info.sampleRate,
      duration: info.frames / info.sampleRate,
      fftSize: picture.fftSize,
      scale: picture.scale,
      colormap: picture.colormap,
      dbRange: picture.dbRange,
      waveform: picture.waveform,
      title: picture.title,
      subtitle: subtitleOf(info, picture),
    });
    this.frameCount = videoFrameCount(info, picture.fps);
    this.fftSize = picture.fftSize;
    this.stft = new StreamingStft({ fftSize: picture.fftSize, hop: this.rasteriser.hop });
    this.mono = new Float32Array(Math.max(picture.fftSize, Math.ceil(info.sampleRate / picture.fps)));
  }

  /** Frames drawn so far. */
  get framesDrawn(): number {
    return this.nextFrame;
  }

  /** Input samples after which frame k can be drawn: its spectra (with their half window) and its waveform. */
  samplesNeeded(frameIndex: number): number {
    const spectra = this.rasteriser.spectraNeeded(frameIndex);
    return Math.max(this.rasteriser.samplesNeeded(frameIndex), (spectra - 1) * this.stft.hop + this.fftSize / 2);
  }

  /** Takes the next chunk of audio and draws every frame it completes into the sink. */
  async push(chunk: AudioChunk, sink: FrameSink): Promise<void> {
    if (this.ended) throw new Error('SpectrogramFrames.push() after end()');
    const length = chunk.channels[0]?.length ?? 0;
    let offset = 0;
    while (offset < length) {
      await this.drawReady(sink);
      const wanted = this.nextFrame < this.frameCount ? this.samplesNeeded(this.nextFrame) - this.consumed : Infinity;
      const take = Math.min(length - offset, this.mono.length, Math.max(1, wanted));
      const mono = mixToMono(
        chunk.channels.map((channel) => channel.subarray(offset, offset + take)),
        this.mono,
      );
      this.stft.feed(mono);
      for (let frame = this.stft.next(); frame; frame = this.stft.next()) this.rasteriser.addSpectrum(frame);
      this.rasteriser.addSamples(mono);
      this.consumed += take;
      offset += take;
    }
    await this.drawReady(sink);
  }

  /** Ends the input and draws the remaining frames. */
  async end(sink: FrameSink): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.stft.finish();
    for (let frame = this.stft.next(); frame; frame = this.stft.next()) this.rasteriser.addSpectrum(frame);
    this.rasteriser.endOfInput();
    await this.drawReady(sink);
  }

  private async drawReady(sink: FrameSink): Promise<void> {
    while (this.nextFrame < this.frameCount && (this.ended || this.consumed >= this.samplesNeeded(this.nextFrame))) {
      const buffer = await sink.frameBuffer();
      this.rasteriser.render(this.nextFrame, buffer);
      sink.submitFrame(buffer, this.nextFrame);
      this.nextFrame++;
    }
  }
}

/** Progress of a video render. */
export interface VideoProgress {
  framesDone: number;
  framesTotal: number;
  /** Audio seconds encoded so far. */
  audioSeconds: Seconds;
}

/** Everything `renderVideo` needs besides the audio. */
export interface RenderVideoOptions extends VideoPictureOptions, Mp4EncodeOptions {
  /** Where the MP4 goes; written to a temporary file beside it and renamed when complete. */
  destination: string;
  /** Cancels the render: ffmpeg is killed and no file is left. */
  signal?: AbortSignal;
  onProgress?: (progress: VideoProgress) => void;
}

/** What a finished video render made. */
export interface RenderVideoResult extends Mp4Result {
  info: PatchInfo;
  frames: number;
}

/**
 * Receives a streamed render. The shape of StreamOptions' onInfo / onChunk, except that onChunk returns a
 * promise: a producer that awaits it gets backpressure from the encoder; one that does not still works
 * (chunks queue up in order).
 */
export interface ChunkSink {
  onInfo: (info: PatchInfo) => void;
  onChunk: (chunk: AudioChunk) => Promise<void>;
}

/** Starts a streamed render that reports to the sink; resolves when the render is over. */
export type ChunkProducer = (sink: ChunkSink, signal: AbortSignal) => Promise<unknown>;

/** Adapts an async iterable of chunks (with its info known up front) into a producer. */
export function chunkProducer(info: PatchInfo, chunks: AsyncIterable<AudioChunk> | Iterable<AudioChunk>): ChunkProducer {
  return async (sink, signal) => {
    sink.onInfo(info);
    for await (const chunk of chunks) {
      if (signal.aborted) return;
      await sink.onChunk(chunk);
    }
  };
}

/**
 * Renders a spectrogram video with the audio to an MP4 file: the producer streams the patch's audio in,
 * frames and audio go to ffmpeg as they come. Rejects (leaving no file, and any existing destination as
 * it was) on cancel, on an ffmpeg failure (with the tail of its stderr) or when the producer fails.
 */
export async function renderVideo(produce: ChunkProducer, options: RenderVideoOptions): Promise<RenderVideoResult> {
  const picture = resolvePictureOptions(options);
  const internal = new AbortController();
  const onAbort = (): void => internal.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let info: PatchInfo | undefined;
  let frames: SpectrogramFrames | undefined;
  let encoder: Mp4Encoder | undefined;
  let starting: Promise<void> | undefined;
  let queue: Promise<void> = Promise.resolve();
  let failure: unknown;
  let audioFrames = 0;

  const fail = (error: unknown): void => {
    if (failure === undefined) failure = error;
    internal.abort(error);
  };

  const start = async (patch: PatchInfo): Promise<void> => {
    frames = new SpectrogramFrames(patch, picture);
    encoder = await Mp4Encoder.open({
      ...options,
      width: picture.width,
      height: picture.height,
      fps: picture.fps,
      sampleRate: patch.sampleRate,
      channels: patch.channels,
      signal: internal.signal,
    });
  };

  const sink: ChunkSink = {
    onInfo: (patch) => {
      if (info) return;
      info = patch;
      starting = start(patch);
      starting.catch(fail);
    },
    onChunk: (chunk) => {
      queue = queue.then(async () => {
        if (failure !== undefined || internal.signal.aborted) return;
        if (!starting) throw new Error('renderVideo: a chunk arrived before the patch info');
        await starting;
        if (!encoder || !frames || !info) return;
        encoder.writeAudio(chunk);
        await frames.push(chunk, encoder);
        audioFrames += chunk.channels[0]?.length ?? 0;
        options.onProgress?.({
          framesDone: frames.framesDrawn,
          framesTotal: frames.frameCount,
          audioSeconds: audioFrames / info.sampleRate,
        });
      });
      queue.catch(fail);
      return queue;
    },
  };

  try {
    await produce(sink, internal.signal).catch((error: unknown) => {
      fail(error);
    });
    await queue.catch(() => undefined);
    if (starting) await starting.catch(() => undefined);
    if (options.signal?.aborted && failure === undefined) failure = abortError(options.signal.reason);
    if (failure !== undefined) throw failure;
    if (!info || !encoder || !frames) throw new Error('renderVideo: the render produced no patch info');
    await frames.end(encoder);
    const result = await encoder.finish();
    return { ...result, info, frames: frames.frameCount };
  } catch (error) {
    encoder?.abort();
    if (encoder) await encoder.closed.catch(() => undefined);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const error = new Error('video render cancelled');
  error.name = 'AbortError';
  return error;
}
