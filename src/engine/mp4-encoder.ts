// Encodes raw yuv420p frames and float audio into an H.264 + AAC MP4 with ffmpeg.
//
// Video goes to ffmpeg's stdin, audio (f32le) to a second pipe on fd 3. ffmpeg writes to a temporary file
// beside the destination (faststart rewrites the file, so it needs a seekable output, not a pipe) that is
// renamed over the destination only after ffmpeg succeeded. Cancelling kills ffmpeg and removes the
// temporary file; a failing ffmpeg is reported with the tail of its stderr.
//
// Backpressure: frames are drawn into a small pool of buffers, and a buffer comes back only once the pipe
// took it, so a slow encoder stalls the caller. Audio is never waited on: ffmpeg reads the audio pipe only as
// far as the video it has, so waiting for the audio pipe while ffmpeg waits for video would deadlock. The
// caller sends audio no further ahead than the frames it draws (plus the encoder's lookahead), and ffmpeg is
// told to queue that much audio, which bounds what waits in the pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { AtomicFile } from './atomic-file';
import { locateFfmpeg, type FfmpegLocation } from './ffmpeg-locate';
import type { AudioChunk } from './render-types';
import type { Hertz } from './units';
import { yuv420FrameBytes } from './yuv420';

/** Encoder settings a user chooses. */
export interface Mp4EncodeOptions {
  /** ffmpeg executable; when unset: `ffmpeg` on PATH, else the bundled one. */
  ffmpegPath?: string;
  /** x264 constant rate factor, 0..51, lower is better (default 20). */
  crf?: number;
  /** x264 preset (default 'veryfast'). */
  preset?: string;
  /** AAC bit rate (default '192k'). */
  audioBitrate?: string;
  /** Extra ffmpeg output arguments, placed before the output file. */
  extraOutputArgs?: string[];
}

/** Everything an Mp4Encoder needs. */
export interface Mp4EncoderOptions extends Mp4EncodeOptions {
  destination: string;
  width: number;
  height: number;
  fps: number;
  sampleRate: Hertz;
  /** Audio channels of the chunks; more than two are mixed to stereo (see `audioOutputChannels`). */
  channels: number;
  /** Kills ffmpeg and removes the temporary file. */
  signal?: AbortSignal;
  /** Frame buffers in flight (default 3). */
  framePool?: number;
}

/** What a finished encode made. */
export interface Mp4Result {
  path: string;
  bytes: number;
  ffmpeg: FfmpegLocation;
  /** Most audio bytes that waited in the audio pipe at once. */
  maxAudioBacklog: number;
}

/** Failure of ffmpeg itself, with the end of what it printed. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(stderrTail ? `${message}\n${stderrTail}` : message);
    this.name = 'FfmpegError';
  }
}

/** Preset names x264 knows. */
export const X264_PRESETS: readonly string[] = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
  'placebo',
];

const AAC_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const STDERR_TAIL_BYTES = 4000;

/** Audio channels in the MP4: mono and stereo as they are; more channels mix to stereo (even -> left, odd -> right). */
export function audioOutputChannels(channels: number): number {
  return channels <= 2 ? channels : 2;
}

/** Interleaves (and for more than two channels, mixes to stereo) a chunk as f32le bytes. */
export function interleaveAudio(channels: readonly Float32Array[]): Buffer {
  const frames = channels[0]?.length ?? 0;
  const outChannels = audioOutputChannels(channels.length);
  const buffer = Buffer.allocUnsafe(frames * outChannels * 4);
  const out = new Float32Array(buffer.buffer, buffer.byteOffset, frames * outChannels);
  if (channels.length <= 2) {
    for (let c = 0; c < channels.length; c++) {
      const data = channels[c];
      for (let i = 0; i < frames; i++) out[i * outChannels + c] = data[i];
    }
    return buffer;
  }
  const leftGain = 1 / Math.ceil(channels.length / 2);
  const rightGain = 1 / Math.floor(channels.length / 2);
  for (let i = 0; i < frames; i++) {
    let left = 0;
    let right = 0;
    for (let c = 0; c < channels.length; c += 2) left += channels[c][i];
    for (let c = 1; c < channels.length; c += 2) right += channels[c][i];
    out[2 * i] = left * leftGain;
    out[2 * i + 1] = right * rightGain;
  }
  return buffer;
}

/** The ffmpeg arguments of an encode to `output`. */
export function ffmpegArguments(options: Mp4EncoderOptions, output: string): string[] {
  const crf = options.crf ?? 20;
  const preset = options.preset ?? 'veryfast';
  const audioChannels = audioOutputChannels(options.channels);
  const resample = AAC_SAMPLE_RATES.includes(options.sampleRate) ? [] : ['-ar', '48000'];
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'error',
    // Any error ends the encode, so anything on stderr means failure (see the stderr handler).
    '-xerror',
    '-y',
    // ffmpeg opens its inputs one after the other; probing reads ahead on each, so a probe that waits for
    // seconds of audio while the video pipe is full would never finish. The formats are given: skip it.
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    // Frames wait in our buffer pool already; a short queue here saves ffmpeg ~8 MB of raw frames.
    '-thread_queue_size',
    '2',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-video_size',
    `${options.width}x${options.height}`,
    '-framerate',
    String(options.fps),
    '-i',
    'pipe:0',
    '-thread_queue_size',
    '4096',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-f',
    'f32le',
    '-ar',
    String(options.sampleRate),
    '-ac',
    String(audioChannels),
    '-i',
    'pipe:3',
    '-map',
    '0:v:0',
    '-map',
    '1:a:0',
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-crf',
    String(crf),
    // The picture only scrolls or fills in: x264 picks no B-frames for it anyway (measured: same size and
    // PSNR), and skipping the decision saves about 15 % of its CPU time.
    '-bf',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-colorspace',
    'bt709',
    '-color_primaries',
    'bt709',
    '-color_trc',
    'bt709',
    '-color_range',
    'tv',
    '-c:a',
    'aac',
    '-b:a',
    options.audioBitrate ?? '192k',
    ...resample,
    '-movflags',
    '+faststart',
    ...(options.extraOutputArgs ?? []),
    '-f',
    'mp4',
    output,
  ];
}

/** One ffmpeg process encoding frames and audio into an MP4 file. */
export class Mp4Encoder {
  /** Bytes of one frame. */
  readonly frameBytes: number;
  /** Resolves once ffmpeg exited and the temporary file is committed or removed. */
  readonly closed: Promise<void>;

  private readonly free: Uint8Array[] = [];
  private readonly waiting: Array<{ resolve: (buffer: Uint8Array) => void; reject: (error: Error) => void }> = [];
  private stderrTail = '';
  private failure: Error | undefined;
  private exited = false;
  private finishing = false;
  private aborted = false;
  private audioBacklog = 0;
  private errorTimer: NodeJS.Timeout | undefined;
  private pipeTimer: NodeJS.Timeout | undefined;
  private resolveClosed!: () => void;
  private exitStatus: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly options: Mp4EncoderOptions,
    private readonly ffmpeg: FfmpegLocation,
    private readonly file: AtomicFile,
    private readonly child: ChildProcess,
  ) {
    this.frameBytes = yuv420FrameBytes(options.width, options.height);
    for (let i = 0; i < (options.framePool ?? 3); i++) this.free.push(new Uint8Array(this.frameBytes));
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
      this.onFfmpegError();
    });
    // EPIPE and friends surface through the exit status; an unhandled 'error' would crash the host.
    this.video.on('error', () => undefined);
    this.audio.on('error', () => undefined);
    this.exitStatus = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exited = true;
        resolve({ code, signal });
        if (!this.finishing && !this.aborted) {
          this.fail(this.ffmpegFailure(code, signal, 'ffmpeg stopped before the video was complete'));
          void this.cleanUp();
        }
      });
    });
    child.on('error', (error) => this.fail(new FfmpegError(`could not run ffmpeg at ${ffmpeg.path}: ${error.message}`, '')));
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Finds ffmpeg, reserves the temporary file and starts the encoder. */
  static async open(options: Mp4EncoderOptions): Promise<Mp4Encoder> {
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    if (options.width % 2 || options.height % 2) throw new Error(`video size must be even, got ${options.width}x${options.height}`);
    if (!(options.fps > 0)) throw new Error(`video frame rate must be positive, got ${options.fps}`);
    if (!(options.channels >= 1)) throw new Error(`audio needs at least one channel, got ${options.channels}`);
    if (options.crf !== undefined && !(options.crf >= 0 && options.crf <= 51)) {
      throw new Error(`CRF must be between 0 and 51, got ${options.crf}`);
    }
    const ffmpeg = await locateFfmpeg({ configured: options.ffmpegPath });
    const file = await AtomicFile.create(options.destination);
    let child: ChildProcess;
    try {
      child = spawn(ffmpeg.path, ffmpegArguments(options, file.tempPath), {
        stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      await file.abort();
      throw error;
    }
    return new Mp4Encoder(options, ffmpeg, file, child);
  }

  /** Process id of ffmpeg. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A free frame buffer to draw into; waits until one comes back from the pipe. */
  frameBuffer(): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const buffer = this.free.pop();
    if (buffer) return Promise.resolve(buffer);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Sends a drawn frame (a buffer from frameBuffer()) to ffmpeg; the buffer returns to the pool once sent. */
  submitFrame(buffer: Uint8Array): void {
    if (this.failure) {
      this.release(buffer);
      return;
    }
    this.video.write(buffer.subarray(0, this.frameBytes), (error) => {
      if (error) this.onPipeError(error);
      this.release(buffer);
    });
  }

  /** Sends a chunk of audio (see the module comment on why this never waits). */
  writeAudio(chunk: AudioChunk): void {
    if (this.failure) return;
    const bytes = interleaveAudio(chunk.channels);
    this.audio.write(bytes, (error) => {
      if (error) this.onPipeError(error);
    });
    this.audioBacklog = Math.max(this.audioBacklog, this.audio.writableLength);
  }

  /** Closes both pipes, waits for ffmpeg and renames the file over the destination. */
  async finish(): Promise<Mp4Result> {
    if (this.failure) {
      await this.cleanUp();
      throw this.failure;
    }
    this.finishing = true;
    this.video.end();
    this.audio.end();
    const { code, signal } = await this.exitStatus;
    if (this.aborted) {
      await this.cleanUp();
      throw this.failure ?? abortError(this.options.signal?.reason);
    }
    if (code !== 0) {
      this.fail(this.ffmpegFailure(code, signal, 'ffmpeg failed'));
      await this.cleanUp();
      throw this.failure;
    }
    try {
      await this.file.commit();
    } catch (error) {
      await this.cleanUp();
      throw error;
    }
    this.done();
    const { size } = await stat(this.file.destination);
    return { path: this.file.destination, bytes: size, ffmpeg: this.ffmpeg, maxAudioBacklog: this.audioBacklog };
  }

  /** Kills ffmpeg and removes the temporary file (see `closed`); the destination stays as it was. */
  abort(reason?: unknown): void {
    if (this.aborted || this.file.settled) return;
    this.aborted = true;
    this.fail(abortError(reason));
    if (!this.exited) this.child.kill('SIGKILL');
    void this.exitStatus.then(() => this.cleanUp());
  }

  /** Releases the process and the temporary file if the encode did not finish (abort, then wait). */
  async dispose(): Promise<void> {
    this.abort();
    await this.closed;
  }

  private readonly onAbort = (): void => this.abort(this.options.signal?.reason);

  /**
   * ffmpeg printed an error (it prints nothing else at this log level, and -xerror makes errors fatal).
   * It cannot exit while an input thread is blocked reading a pipe we keep open waiting for it: close
   * both pipes if it has not exited shortly, so the exit status and message can be reported.
   */
  private onFfmpegError(): void {
    if (this.errorTimer || this.exited) return;
    this.errorTimer = setTimeout(() => {
      if (this.exited) return;
      this.video.destroy();
      this.audio.destroy();
    }, 300);
    this.errorTimer.unref();
  }

  /** A pipe broke: ffmpeg is exiting; report its exit status, or the pipe error if it does not exit. */
  private onPipeError(error: Error): void {
    if (this.aborted || this.failure || this.pipeTimer) return;
    this.pipeTimer = setTimeout(() => {
      if (!this.exited) this.fail(this.ffmpegFailure(null, null, `writing to ffmpeg failed: ${error.message}`));
    }, 2000);
    this.pipeTimer.unref();
  }

  private get video(): Writable {
    return this.child.stdin as Writable;
  }

  private get audio(): Writable {
    return this.child.stdio[3] as Writable;
  }

  private release(buffer: Uint8Array): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(buffer);
    else this.free.push(buffer);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    if (!this.exited && !this.finishing) this.child.kill('SIGKILL');
  }

  private ffmpegFailure(code: number | null, signal: NodeJS.Signals | null, message: string): FfmpegError {
    const status = signal ? `killed by ${signal}` : code !== null ? `exit code ${code}` : 'still running';
    const tail = this.stderrTail.trim().split('\n').slice(-15).join('\n');
    return new FfmpegError(`${message} (${status}; ffmpeg: ${this.ffmpeg.path})`, tail);
  }

  private async cleanUp(): Promise<void> {
    if (!this.exited) {
      this.child.kill('SIGKILL');
      await this.exitStatus;
    }
    await this.file.abort().catch(() => undefined);
    this.done();
  }

  private done(): void {
    clearTimeout(this.errorTimer);
    clearTimeout(this.pipeTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.resolveClosed();
  }
}

function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'MP4 export cancelled');
  error.name = 'AbortError';
  return error;
}
