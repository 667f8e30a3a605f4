import type { PatchBundle } from './patch-bundler';
import type { OutputReport } from './output-analysis';
import type { PatchErrorData } from './patch-error';
import type { ContextShape } from './spare-context';
import type { CaptureChoice, CaptureKind, ChunkOptions, PatchInfo, PatchSource, RenderDrive, RenderProgress } from './render-types';
import type { Frames, Milliseconds, RealTimeFactor, Seconds } from './units';
import type { WavSampleFormat, WavSummary } from './wav-writer';

/**
 * A WAV file the worker writes a streamed render into itself, instead of sending its chunks: audio then never
 * crosses between processes. The pool's caller creates the (empty) file and commits or removes it.
 */
export interface WorkerWavOutput {
  path: string;
  format: WavSampleFormat;
}

/** What a worker wrote into its WorkerWavOutput. */
export interface WorkerWavResult {
  wav: WavSummary;
  output: OutputReport;
}

/** A render request from the pool to a worker. */
export interface WorkerRenderRequest {
  type: 'render';
  id: number;
  mode: 'stream' | 'oneshot';
  source: PatchSource;
  /** The patch bundled by the pool (workers never run esbuild: see RenderPool). */
  bundle: PatchBundle;
  maxDuration: Seconds;
  capture: CaptureChoice;
  chunk: ChunkOptions;
  /** Streamed renders only: write the chunks into this file rather than sending them. */
  wav?: WorkerWavOutput;
}

/** Asks a worker to stop a render at its next suspend point. */
export interface WorkerCancelRequest {
  type: 'cancel';
  id: number;
}

/** The consumer has taken a chunk: one more may be in flight. */
export interface WorkerChunkAck {
  type: 'ack';
  id: number;
  /** Bytes of the acknowledged chunk. */
  bytes: number;
}

/**
 * Audio a worker sends ahead of the consumer before it waits: counted in bytes, so that many tiny chunks do
 * not each wait for a round trip, and at least two chunks so that large ones still overlap with consuming.
 */
export const MAX_BYTES_IN_FLIGHT = 8 * 1024 * 1024;
/** See MAX_BYTES_IN_FLIGHT. */
export const MIN_CHUNKS_IN_FLIGHT = 2;

/** The pool's answer to a worker's request to bundle an AudioWorklet module. */
export interface WorkerWorkletBundle {
  type: 'worklet-bundle';
  requestId: number;
  bundle?: PatchBundle;
  error?: PatchErrorData;
}

/** Asks an idle worker to make a spare context of this shape, with its AudioWorklet scope started (see spare-context.ts). */
export interface WorkerPrepareSpare {
  type: 'prepare-spare';
  shape: ContextShape;
}

/** Messages from the pool to a worker. */
export type ToWorker = WorkerRenderRequest | WorkerCancelRequest | WorkerChunkAck | WorkerWorkletBundle | WorkerPrepareSpare;

/** What a worker is doing, for the pool's watchdog. */
export type WorkerPhase = 'loading' | 'building' | 'rendering';

/** Messages from a worker to the pool. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'phase'; id: number; phase: WorkerPhase }
  /** framesWritten: frames of a WAV render on disk (a render waiting for a slow disk is not stuck). */
  | { type: 'heartbeat'; id: number; framesRendered: Frames; framesWritten: Frames }
  | { type: 'info'; id: number; info: PatchInfo; loadMs: Milliseconds }
  | { type: 'chunk'; id: number; startFrame: Frames; channels: Float32Array[]; atMs: Milliseconds }
  | { type: 'progress'; id: number; progress: RenderProgress }
  | { type: 'log'; id: number; level: 'log' | 'warn' | 'error'; text: string }
  | { type: 'oneshot-done'; id: number; channels: Float32Array[]; totalMs: Milliseconds; peakRssMb: number }
  | {
      type: 'stream-done';
      id: number;
      chunks: number;
      chunkFrames: Frames[];
      capture: CaptureKind;
      drive: RenderDrive;
      probeRtf: RealTimeFactor;
      renderMs: Milliseconds;
      totalMs: Milliseconds;
      /** The worker process's peak resident memory so far. */
      peakRssMb: number;
      cancelled: boolean;
      skippedPoints: number;
      buildMs: Milliseconds;
      workletScopeStarted: boolean;
      outputReleasedBytes: number;
      outputRetainedBytes: number;
      /** Set when the request asked for a WAV file. */
      wav?: WorkerWavResult;
    }
  | { type: 'error'; id: number; error: PatchErrorData }
  /** The streamed render's graph uses an AudioWorklet, in a context of this shape. */
  | { type: 'worklet-context'; id: number; shape: ContextShape }
  | { type: 'bundle-worklet'; id: number; requestId: number; file: string };
