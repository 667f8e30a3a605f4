import type { ChunkOptions } from './render-types';
import type { Frames, Hertz, Milliseconds, RealTimeFactor, Seconds } from './units';

/** Chunking defaults, chosen from the measurements in bench/RESULTS.md. */
export const CHUNK_DEFAULTS = {
  /** Wall time one chunk should take to render: short enough for smooth progress, long enough that a suspend (~0.1 ms) costs < 1%. */
  targetLatency: 0.05 as Seconds,
  /** The first chunk (the probe) and the finest grid step: 1024 frames at 48 kHz renders in a few ms even for heavy patches. */
  minChunk: 0.02 as Seconds,
  /** Caps memory per chunk (4 s of stereo = 1.5 MB) and keeps a light hour-long patch to ~900 suspends. */
  maxChunk: 4 as Seconds,
} as const;

/** Chunk policy with defaults applied, in frames. */
export type ResolvedChunkPolicy =
  | { mode: 'fixed'; chunkFrames: Frames }
  | { mode: 'auto'; targetLatency: Seconds; minFrames: Frames; maxFrames: Frames; knownRtf?: RealTimeFactor };

/** Applies defaults and converts seconds to frames. */
export function resolveChunkPolicy(options: ChunkOptions, sampleRate: Hertz): ResolvedChunkPolicy {
  const chunk = options.chunk ?? 'auto';
  if (chunk !== 'auto') {
    if (!(chunk > 0) || !Number.isFinite(chunk)) throw new RangeError(`chunk must be a positive number of seconds or 'auto', got ${String(chunk)}`);
    return { mode: 'fixed', chunkFrames: Math.max(1, Math.round(chunk * sampleRate)) };
  }
  const minChunk = options.minChunk ?? CHUNK_DEFAULTS.minChunk;
  const maxChunk = Math.max(minChunk, options.maxChunk ?? CHUNK_DEFAULTS.maxChunk);
  const knownRtf = options.knownRtf !== undefined && options.knownRtf > 0 && Number.isFinite(options.knownRtf) ? options.knownRtf : undefined;
  return {
    mode: 'auto',
    targetLatency: options.targetLatency ?? CHUNK_DEFAULTS.targetLatency,
    minFrames: Math.max(1, Math.round(minChunk * sampleRate)),
    maxFrames: Math.max(1, Math.round(maxChunk * sampleRate)),
    knownRtf,
  };
}

function alignUp(frames: Frames, align: Frames): Frames {
  return Math.ceil(frames / align) * align;
}

/** Chunk length that renders in `targetLatency` at the given speed, before the policy's bounds. */
function idealChunk(policy: Extract<ResolvedChunkPolicy, { mode: 'auto' }>, rtf: RealTimeFactor, sampleRate: Hertz): number {
  return rtf > 0 ? (policy.targetLatency / rtf) * sampleRate : policy.maxFrames;
}

/** Chunk length that renders in `targetLatency` at the given speed, clamped to the policy's bounds. */
export function chunkForRtf(policy: Extract<ResolvedChunkPolicy, { mode: 'auto' }>, rtf: RealTimeFactor, sampleRate: Hertz): Frames {
  return Math.min(policy.maxFrames, Math.max(policy.minFrames, Math.round(idealChunk(policy, rtf, sampleRate))));
}

/**
 * Plans the suspend points of a streamed render, all scheduled before rendering starts (node-web-audio-api
 * rejects later ones). Points are multiples of `align` (the capture's granularity) and lie inside the render.
 *
 * - fixed: one point at (or just after, when not aligned) each chunk boundary;
 * - auto with a known RTF: a doubling ramp from the smallest chunk to half the ideal chunk, then a grid at half
 *   the ideal chunk (at most the largest chunk), so the emitter can still halve or merge chunks when the patch's
 *   speed changes;
 * - auto without: a doubling ramp up to the largest chunk, then a grid at the largest chunk. Any patch rendering
 *   at least twice as fast as real time stays ahead of playback on this grid.
 */
export function planSuspendFrames(policy: ResolvedChunkPolicy, totalFrames: Frames, sampleRate: Hertz, align: Frames): Frames[] {
  const points = new Set<Frames>();
  const add = (frame: Frames): void => {
    const aligned = alignUp(frame, align);
    if (aligned > 0 && aligned < totalFrames) points.add(aligned);
  };
  if (policy.mode === 'fixed') {
    for (let boundary = policy.chunkFrames; boundary < totalFrames; boundary += policy.chunkFrames) add(boundary);
  } else {
    // Half the ideal chunk before clamping: a patch that renders the largest chunk in well under the target
    // latency gets a grid at the largest chunk, as halving would never be chosen for it, and every point costs a
    // suspend/resume round trip (0.3 to 0.65 ms measured on examples 03 and 08, during which nothing renders).
    const steady = policy.knownRtf !== undefined ? Math.min(policy.maxFrames, Math.max(policy.minFrames, Math.floor(idealChunk(policy, policy.knownRtf, sampleRate) / 2))) : policy.maxFrames;
    const steadyStep = alignUp(steady, align);
    let frame = 0;
    let step = alignUp(policy.minFrames, align);
    while (frame < totalFrames) {
      frame += step;
      add(frame);
      step = Math.min(steadyStep, step * 2);
    }
  }
  return [...points].sort((a, b) => a - b);
}

/**
 * Decides at each suspend point whether to hand over a chunk, from the render speed measured so far.
 * The first point is the probe: it is always emitted, and its speed seeds the estimate.
 */
export class AdaptiveChunkEmitter {
  private rtf: RealTimeFactor | undefined;
  private probed = false;

  constructor(
    private readonly policy: ResolvedChunkPolicy,
    private readonly sampleRate: Hertz,
  ) {
    if (policy.mode === 'auto') this.rtf = policy.knownRtf;
  }

  /** The current estimate of the render's real-time factor. */
  get estimatedRtf(): RealTimeFactor | undefined {
    return this.rtf;
  }

  /** The chunk length currently aimed for. */
  get targetChunkFrames(): Frames {
    if (this.policy.mode === 'fixed') return this.policy.chunkFrames;
    return this.rtf === undefined ? this.policy.minFrames : chunkForRtf(this.policy, this.rtf, this.sampleRate);
  }

  /** Records that `frames` frames took `wallMs` to render. */
  observe(frames: Frames, wallMs: Milliseconds): void {
    if (frames <= 0) return;
    const measured = Math.max(wallMs, 0.001) / 1000 / (frames / this.sampleRate);
    // The probe replaces any prior estimate; later segments blend in so one GC pause does not halve the chunk.
    this.rtf = this.rtf === undefined || !this.probed ? measured : this.rtf * 0.5 + measured * 0.5;
    this.probed = true;
  }

  /** Whether the frames pending since the last chunk should be handed over now. */
  shouldEmit(pendingFrames: Frames, chunksSoFar: number, framesToNextPoint: Frames | undefined): boolean {
    if (pendingFrames <= 0) return false;
    if (framesToNextPoint === undefined || chunksSoFar === 0 || this.policy.mode === 'fixed') return true;
    const target = this.targetChunkFrames;
    // Emit now rather than let the next point overshoot the target by more than it falls short now.
    return pendingFrames >= target || pendingFrames + framesToNextPoint - target > target - pendingFrames || pendingFrames + framesToNextPoint > this.policy.maxFrames;
  }
}
