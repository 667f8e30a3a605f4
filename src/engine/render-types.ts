import type { Frames, Hertz, Milliseconds, RealTimeFactor, Seconds } from './units';

/** How a streamed render takes each rendered chunk out of the offline context. */
export type CaptureKind = 'worklet' | 'script-processor';

/** A capture, or 'auto': the fastest one proven bit-exact for the patch (see capture/index.ts). */
export type CaptureChoice = CaptureKind | 'auto';

/** Every capture the engine implements, reference design first. */
export const CAPTURE_KINDS: readonly CaptureKind[] = ['worklet', 'script-processor'];

/** Where a patch comes from: a file path, and optionally its unsaved text (an editor buffer). */
export interface PatchSource {
  /** Absolute or cwd-relative path of the patch file; relative imports resolve against its folder. */
  path: string;
  /** The patch text when it differs from the file on disk (unsaved edits). */
  text?: string;
  /** Unsaved text of other modules the patch or its worklet modules import, by absolute path. */
  overlays?: ModuleOverlays;
}

/** Unsaved text by absolute path, used in place of the files on disk. */
export type ModuleOverlays = Readonly<Record<string, string>>;

/** The validated settings of a patch, with defaults filled in. */
export interface PatchInfo {
  duration: Seconds;
  sampleRate: Hertz;
  channels: number;
  seed: number;
  /** duration * sampleRate, rounded to the nearest frame. */
  frames: Frames;
}

/** One piece of a streamed render: per-channel samples starting at `startFrame`. */
export interface AudioChunk {
  startFrame: Frames;
  /** One Float32Array per channel, all the same length. */
  channels: Float32Array[];
}

/** Progress of a render. */
export interface RenderProgress {
  framesDone: Frames;
  framesTotal: Frames;
  /** Measured real-time factor so far. */
  rtf: RealTimeFactor;
  /** Current chunk size of a streamed render. */
  chunkFrames: Frames;
}

/** Chunk-size policy of a streamed render. */
export interface ChunkOptions {
  /** Fixed chunk length in seconds, or 'auto' to adapt to the measured render speed (default 'auto'). */
  chunk?: Seconds | 'auto';
  /** Audio latency to aim for when adapting: chunk = targetLatency / RTF (default 0.05 s). */
  targetLatency?: Seconds;
  /** Smallest adaptive chunk (default 0.02 s). */
  minChunk?: Seconds;
  /** Largest adaptive chunk (default 4 s). */
  maxChunk?: Seconds;
  /** A real-time factor measured earlier for this patch: skips the probe and sizes the capture's blocks. */
  knownRtf?: RealTimeFactor;
}

/** Options shared by every render. */
export interface RenderOptions {
  /** Longest allowed patch duration in seconds (default 3600). */
  maxDuration?: Seconds;
  /** Time allowed for `build()` and for any single chunk before the render worker is killed (default 10 s). */
  timeout?: Seconds;
  /** Cancels the render at any moment. */
  signal?: AbortSignal;
  /** Receives what the patch prints with `console.*` (default: dropped). */
  onLog?: (entry: PatchLogEntry) => void;
  /**
   * Called with every file the render reads (the patch, the modules it imports, its worklet modules and theirs;
   * absolute paths), again each time more become known: an editor re-renders when one of them changes.
   */
  onInputs?: (files: readonly string[]) => void;
}

/** A line a patch printed with `console.log`, `console.warn` or `console.error`. */
export interface PatchLogEntry {
  level: 'log' | 'warn' | 'error';
  text: string;
}

/** Options of a streamed render. */
export interface StreamOptions extends RenderOptions, ChunkOptions {
  /** Capture to use (default 'auto': the fastest one proven bit-exact for this patch). */
  capture?: CaptureChoice;
  /**
   * Called with each chunk in order; the arrays may be transferred by the callee. A returned promise is
   * backpressure: rendering pauses while a few chunks are still unsettled. A rejection fails the render.
   */
  onChunk?: (chunk: AudioChunk) => void | Promise<void>;
  /** Called after each chunk. */
  onProgress?: (progress: RenderProgress) => void;
  /** Called once the patch is validated, before the first chunk. */
  onInfo?: (info: PatchInfo) => void;
}

/** How a streamed render decides when audio is handed over. */
export type RenderDrive = 'suspend' | 'capture';

/** Statistics of a finished streamed render. */
export interface StreamStats {
  info: PatchInfo;
  capture: CaptureKind;
  /** 'suspend': the context paused at planned points; 'capture': chunks cut as the capture received audio. */
  drive: RenderDrive;
  chunks: number;
  /** Real-time factor of the whole render (wall time / audio time). */
  rtf: RealTimeFactor;
  /** Real-time factor measured by the probe, or the known one passed in. */
  probeRtf: RealTimeFactor;
  /** From receiving the patch text to the first chunk in hand. */
  firstChunkMs: Milliseconds;
  /** Of that, the time the patch's own build() took. */
  buildMs: Milliseconds;
  /** The render's context came with its AudioWorklet scope already running: made after the previous render of the same shape. */
  workletScopeStarted: boolean;
  /** From receiving the patch text to the end of the render. */
  totalMs: Milliseconds;
  /** Chunk lengths chosen, in frames, in order. */
  chunkFrames: Frames[];
  /** Bytes of node-web-audio-api's retained output the worker gave back to the system during the render (Linux, long renders). */
  outputReleasedBytes: number;
  /**
   * Bytes of that output the worker meant to give back but held to the end, as it could not find the buffer
   * (0 when it gave the output back, and where releasing is not available or turned off).
   */
  outputRetainedBytes: number;
  /** Suspend points node-web-audio-api rejected (registered too late): their audio went into a later chunk. */
  skippedPoints: number;
}

/** A whole render held in memory. */
export interface RenderedAudio {
  info: PatchInfo;
  channels: Float32Array[];
  totalMs: Milliseconds;
}

/** Result of comparing a one-shot render with a streamed one. */
export interface ParityReport {
  patch: string;
  sampleRate: Hertz;
  channels: number;
  frames: Frames;
  chunks: number;
  capture: CaptureKind;
  maxAbsDiff: number;
  rmse: number;
  /** First frame where any channel differs, or -1. */
  firstDiffFrame: Frames;
  bitExact: boolean;
}
