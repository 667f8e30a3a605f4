// Which render is heard, and the transport (play, pause, stop, seek, loop). No DOM: it drives a
// ChunkScheduler on any AudioContext-like object, so a page or a test can run it.

import type { PatchInfo } from '../engine/render-types';
import type { PlayState } from '../shared/protocol';
import {
  ChunkScheduler,
  type AudioContextLike,
  type AudioNodeLike,
  type DestinationFor,
  type LoopRange,
  type ScheduledSpan,
  type SchedulerOptions,
} from './chunk-scheduler';
import { RenderBuffer } from './render-buffer';

/** A loop region in seconds. */
export interface Region {
  start: number;
  end: number;
}

/** Shortest loop region accepted, in seconds (a shorter drag is a click). */
export const MIN_LOOP_SECONDS = 0.02;

/**
 * How much of a render the panel holds. A render arrives far faster than it plays, and an hour of stereo at
 * 48 kHz is 1.4 GB, so the panel holds back the host (it acknowledges chunks only while little audio waits
 * ahead of the playhead; the host posts nothing more until then) and drops audio far behind the playhead.
 * Each limit is in seconds with a ceiling in bytes, so many channels or a high rate cannot exceed it.
 */
export interface PlayerLimits {
  /** Audio received ahead of the playhead from which acknowledgements wait. */
  aheadSeconds: number;
  /** The same limit in bytes of float32 samples, whichever is reached first. */
  aheadMaxBytes: number;
  /** Most audio kept of one render (the heard one, and the last complete one kept for a fallback). */
  keepSeconds: number;
  /** The same limit in bytes of float32 samples, whichever is reached first. */
  keepMaxBytes: number;
}

/**
 * 60 s ahead: most patches are shorter, so they still arrive whole at once (the whole spectrogram, the render
 * complete) as before; it is 30 times the scheduler's 2 s lookahead and far more than the host's 0.7 s window, so
 * holding back never starves playback; and it is 23 MB of stereo 48 kHz. 10 minutes kept (230 MB of stereo
 * 48 kHz) lets a musician seek or loop back over any part of a long piece they are working on; audio older than
 * that is dropped, and a seek or loop into it plays from the earliest frame kept instead (the simplest rule that
 * never goes silent: the spectrogram still shows what was dropped, and a render after the next edit has it all).
 */
export const DEFAULT_PLAYER_LIMITS: PlayerLimits = {
  aheadSeconds: 60,
  aheadMaxBytes: 64 * 1024 * 1024,
  keepSeconds: 600,
  keepMaxBytes: 256 * 1024 * 1024,
};

/** Callbacks from the player to its owner. */
export interface PlayerHooks {
  /** Wall-clock milliseconds (the same clock the host uses). */
  now(): number;
  /** The first source of a render was started on a running AudioContext (or the context started running). */
  onFirstSound?(renderId: number, firstChunkReceivedAt: number, firstSoundAt: number, when: number): void;
  /** Play was pressed but there is nothing left to play: ask the host for a render. */
  onNeedRender?(): void;
}

/**
 * Holds the render being heard, the newest render (promoted on its first chunk) and the last complete render
 * (played again when a newer one fails), and turns transport actions into scheduler calls. The loop region is
 * the user's selection; what loops is its part inside the heard render (see `loopRegion`).
 */
export class Player {
  readonly scheduler: ChunkScheduler;
  private current: RenderBuffer | undefined;
  private pending: RenderBuffer | undefined;
  private lastComplete: RenderBuffer | undefined;
  private userPaused = false;
  private ended = false;
  private restFrame = 0;
  private loopEnabled = false;
  private region: Region | undefined;
  private readonly firstChunkAt = new Map<number, number>();
  private readonly soundReported = new Set<number>();
  /** The first span of a render, scheduled while the context was suspended: reported once it runs. */
  private unheardSpan: ScheduledSpan | undefined;
  private readonly limits: PlayerLimits;

  constructor(
    private readonly context: AudioContextLike,
    destination: AudioNodeLike | DestinationFor,
    private readonly hooks: PlayerHooks,
    options: Partial<SchedulerOptions> = {},
    limits: Partial<PlayerLimits> = {},
  ) {
    this.limits = { ...DEFAULT_PLAYER_LIMITS, ...limits };
    this.scheduler = new ChunkScheduler(context, destination, options, (span) => this.onScheduled(span));
  }

  /** The render being heard (or ready to be heard). */
  get render(): RenderBuffer | undefined {
    return this.current;
  }

  /** Every render the player may still play: the heard one, the newest one and the last complete one. */
  get heldRenders(): RenderBuffer[] {
    return [...new Set([this.current, this.pending, this.lastComplete])].filter((buffer): buffer is RenderBuffer => buffer !== undefined);
  }

  /** Id of the newest render, heard or not. */
  get newestRenderId(): number | undefined {
    return this.pending?.renderId ?? this.current?.renderId;
  }

  /** True when the user paused or stopped (new renders then wait for Play). */
  get pausedByUser(): boolean {
    return this.userPaused;
  }

  /** Whether playback loops. */
  get looping(): boolean {
    return this.loopEnabled;
  }

  /**
   * The loop region: the selection clipped to the heard render's length and to the audio still kept, or
   * undefined when none of it is left (a shorter patch). The selection itself is kept for a longer render.
   */
  get loopRegion(): Region | undefined {
    const region = this.region;
    const buffer = this.current;
    const rate = buffer?.sampleRate;
    if (!region || !buffer || !rate) return region;
    const start = Math.max(region.start, buffer.firstFrame / rate);
    const end = buffer.totalFrames !== undefined ? Math.min(region.end, buffer.totalFrames / rate) : region.end;
    return end - start >= MIN_LOOP_SECONDS ? { start, end } : undefined;
  }

  /** Length of the heard render in seconds (its info, or what arrived). */
  get durationSeconds(): number {
    const buffer = this.current ?? this.pending;
    const rate = buffer?.sampleRate;
    if (!buffer || !rate) return 0;
    return (buffer.totalFrames ?? buffer.framesAvailable) / rate;
  }

  /** Seconds of the heard render received so far. */
  get renderedSeconds(): number {
    const rate = this.current?.sampleRate;
    return this.current && rate ? this.current.framesAvailable / rate : 0;
  }

  /** Playhead in seconds. */
  get positionSeconds(): number {
    const rate = this.current?.sampleRate;
    return rate ? this.positionFrame() / rate : 0;
  }

  /** Seconds of received audio ahead of the playhead. */
  get bufferedSeconds(): number {
    const rate = this.current?.sampleRate;
    if (!this.current || !rate) return 0;
    return Math.max(0, this.current.framesAvailable - this.positionFrame()) / rate;
  }

  /** What the transport shows: while the context is suspended (autoplay policy) nothing is heard, so not `playing`. */
  get state(): PlayState {
    if (!this.current) return this.pending && !this.userPaused ? 'buffering' : 'idle';
    if (this.userPaused) return this.positionFrame() > 0 ? 'paused' : 'stopped';
    if (this.ended) return 'stopped';
    const state = this.scheduler.state;
    if (state === 'playing') return this.audible ? 'playing' : 'buffering';
    if (state === 'starved') return 'buffering';
    return 'stopped';
  }

  /**
   * Whether the acknowledgement of a chunk of `renderId` should wait: it is the heard render, more of it may come,
   * and the audio received ahead of the playhead reaches the limit (the host posts no more until it is acknowledged).
   */
  holdsAcknowledgement(renderId: number): boolean {
    const buffer = this.current;
    if (!buffer || buffer.renderId !== renderId || this.pending || !buffer.growing) return false;
    const ahead = this.framesWithin(buffer, this.limits.aheadSeconds, this.limits.aheadMaxBytes);
    return buffer.framesAvailable - this.positionFrame() >= ahead;
  }

  /** A new render began: it replaces the heard one once its first chunk arrives. */
  renderStarted(renderId: number): void {
    this.pending = new RenderBuffer(renderId);
  }

  /** The render's length and rate are known. */
  renderInfo(renderId: number, info: PatchInfo): void {
    this.bufferOf(renderId)?.setInfo(info.frames, info.sampleRate, info.channels);
    if (this.current?.renderId === renderId) this.applyLoop();
  }

  /** A chunk arrived; the first chunk of the newest render starts it (unless the user paused). */
  chunk(renderId: number, startFrame: number, sampleRate: number, channels: Float32Array<ArrayBuffer>[]): void {
    const buffer = this.bufferOf(renderId);
    if (!buffer) return;
    buffer.add(startFrame, sampleRate, channels);
    if (buffer === this.pending) {
      this.pending = undefined;
      this.current = buffer;
      if (this.lastComplete && this.lastComplete !== buffer) this.trimToKeep(this.lastComplete, this.lastComplete.framesAvailable);
      this.firstChunkAt.set(renderId, this.hooks.now());
      this.ended = false;
      this.applyLoop();
      const from = this.startFrame();
      if (this.userPaused) {
        this.scheduler.stop();
        this.restFrame = from;
      } else {
        this.scheduler.play(buffer, from);
      }
      return;
    }
    if (buffer === this.current) {
      this.scheduler.pump();
      this.trim();
    }
  }

  /** The render completed. */
  renderEnded(renderId: number): void {
    const buffer = this.bufferOf(renderId);
    if (!buffer) return;
    buffer.finish('complete');
    if (buffer === this.current) {
      this.lastComplete = buffer;
      this.applyLoop();
      this.scheduler.pump();
    }
  }

  /** The render failed: drop it, and go back to the last complete render if the heard one is partial. */
  renderFailed(renderId: number): void {
    if (this.pending?.renderId === renderId) this.pending = undefined;
    if (this.current?.renderId === renderId) this.current.finish('failed');
    this.fallBackIfPartial();
  }

  /** The render was cancelled (a newer edit or Stop): no more audio comes for it. */
  renderCancelled(renderId: number): void {
    if (this.pending?.renderId === renderId) this.pending = undefined;
    if (this.current?.renderId === renderId) {
      this.current.finish('cancelled');
      this.scheduler.pump();
    }
  }

  /** Starts or resumes playback. */
  play(): void {
    this.userPaused = false;
    const buffer = this.current;
    if (!buffer) {
      if (!this.pending) this.hooks.onNeedRender?.();
      return;
    }
    if (!buffer.complete && !buffer.growing && !this.pending) {
      // Only part of this render exists (it was cancelled): render it again.
      this.hooks.onNeedRender?.();
    }
    if (this.scheduler.state === 'playing' || this.scheduler.state === 'starved') return;
    let from = this.restFrame;
    if (this.ended || from >= (buffer.totalFrames ?? Infinity)) from = this.startFrame();
    this.ended = false;
    this.scheduler.play(buffer, Math.max(from, buffer.firstFrame));
  }

  /** Pauses at the playhead. */
  pause(): void {
    this.restFrame = this.positionFrame();
    this.userPaused = true;
    this.scheduler.stop();
  }

  /** Play when paused, pause when playing; while the context is suspended nothing is heard, so it plays. */
  toggle(): void {
    if (this.userPaused || this.ended || this.scheduler.state === 'idle' || !this.audible) this.play();
    else this.pause();
  }

  /** Stops and rewinds to the start (or the loop region's start). */
  stop(): void {
    this.userPaused = true;
    this.scheduler.stop();
    this.restFrame = this.startFrame();
  }

  /** Moves the playhead (not before the earliest frame kept); keeps playing if it was. */
  seek(seconds: number): void {
    const buffer = this.current;
    const rate = buffer?.sampleRate;
    if (!buffer || !rate) return;
    const total = buffer.totalFrames ?? buffer.framesAvailable;
    const frame = Math.min(Math.max(buffer.firstFrame, Math.round(seconds * rate)), Math.max(0, total - 1));
    this.ended = false;
    if (this.userPaused || this.scheduler.state === 'idle') {
      this.restFrame = frame;
      return;
    }
    this.scheduler.play(buffer, frame);
  }

  /** Turns looping on or off (the region if one is selected, else the whole render). */
  setLoop(enabled: boolean): void {
    this.loopEnabled = enabled;
    this.applyLoop();
  }

  /** Selects a loop region (and turns looping on), or clears it. */
  setLoopRegion(region: Region | undefined): void {
    if (region && region.end - region.start < MIN_LOOP_SECONDS) return;
    this.region = region ? { start: Math.max(0, Math.min(region.start, region.end)), end: Math.max(region.start, region.end) } : undefined;
    if (region) this.loopEnabled = true;
    this.applyLoop();
    const range = this.scheduler.loopRange;
    const position = this.positionFrame();
    const effective = this.loopRegion;
    if (range && effective && (position < range.startFrame || position >= range.endFrame)) this.seek(effective.start);
  }

  /** The AudioContext's state changed: a first sound that waited for it to run is reported now. */
  audioStateChanged(): void {
    const span = this.unheardSpan;
    if (!span || !this.audible) return;
    this.unheardSpan = undefined;
    // Only if that render is still the one playing; otherwise its successor reports when it is scheduled.
    if (this.scheduler.buffer?.renderId === span.renderId) this.reportSound(span);
  }

  /** Handles the end of the audio and drops old audio; call every ~20 ms and on each chunk. */
  tick(): void {
    this.audioStateChanged();
    this.trim();
    const state = this.scheduler.pump();
    if (state !== 'ended') return;
    const buffer = this.current;
    if (buffer && buffer.end === 'cancelled' && !this.pending && this.lastComplete && this.lastComplete !== buffer) {
      this.fallBackIfPartial();
      return;
    }
    if (buffer && !this.pending && buffer.end === 'cancelled') {
      // Nothing more will come for this partial render: wait where it stopped.
      return;
    }
    this.restFrame = buffer?.totalFrames ?? buffer?.framesAvailable ?? 0;
    this.ended = true;
    this.scheduler.stop();
  }

  /** Playhead in frames. */
  positionFrame(): number {
    return this.scheduler.positionFrame() ?? this.restFrame;
  }

  /** Stops every source without fades. */
  dispose(): void {
    this.scheduler.dispose();
  }

  private bufferOf(renderId: number): RenderBuffer | undefined {
    if (this.pending?.renderId === renderId) return this.pending;
    if (this.current?.renderId === renderId) return this.current;
    return undefined;
  }

  /** Where a new render starts: the loop region's start, else the beginning (or the earliest frame kept). */
  private startFrame(): number {
    const rate = this.current?.sampleRate;
    const region = this.loopRegion;
    const start = this.loopEnabled && region && rate ? Math.round(region.start * rate) : 0;
    return Math.max(start, this.current?.firstFrame ?? 0);
  }

  /** True while the context's clock runs (a suspended context plays nothing). */
  private get audible(): boolean {
    const state = this.context.state;
    return state === undefined || state === 'running';
  }

  /** Frames of `buffer` in `seconds`, at most `maxBytes` of its float32 channels. */
  private framesWithin(buffer: RenderBuffer, seconds: number, maxBytes: number): number {
    const rate = buffer.sampleRate ?? 48000;
    return Math.max(1, Math.min(Math.round(seconds * rate), Math.floor(maxBytes / (4 * Math.max(1, buffer.channels)))));
  }

  /** Drops the heard render's audio behind the playhead beyond the limit of audio kept. */
  private trim(): void {
    const buffer = this.current;
    if (!buffer) return;
    if (this.trimToKeep(buffer, Math.floor(this.positionFrame())) > 0 && this.region) this.applyLoop();
  }

  /**
   * Drops audio of `buffer` before `notAfter` until it keeps at most the limit; a twentieth more goes at once,
   * so chunks leave in batches rather than one per tick. Returns the frames dropped.
   */
  private trimToKeep(buffer: RenderBuffer, notAfter: number): number {
    const keep = this.framesWithin(buffer, this.limits.keepSeconds, this.limits.keepMaxBytes);
    if (buffer.framesKept <= keep) return 0;
    const target = buffer.framesAvailable - keep + Math.floor(keep / 20);
    return buffer.dropBefore(Math.min(notAfter, target));
  }

  private applyLoop(): void {
    this.scheduler.setLoop(this.loopRange());
  }

  private loopRange(): LoopRange | undefined {
    const buffer = this.current;
    const rate = buffer?.sampleRate;
    if (!this.loopEnabled || !buffer || !rate) return undefined;
    const total = buffer.totalFrames;
    const region = this.loopRegion;
    if (region) {
      const startFrame = Math.round(region.start * rate);
      const endFrame = Math.round(region.end * rate);
      return { startFrame, endFrame: total !== undefined ? Math.min(endFrame, total) : endFrame };
    }
    return total !== undefined ? { startFrame: 0, endFrame: total } : undefined;
  }

  private fallBackIfPartial(): void {
    const buffer = this.current;
    const fallback = this.lastComplete;
    if (!buffer || buffer.complete || buffer.growing || !fallback || fallback === buffer) return;
    const position = this.positionFrame();
    const wasHeard = this.scheduler.state !== 'idle' && !this.userPaused;
    this.current = fallback;
    this.applyLoop();
    const total = fallback.totalFrames ?? fallback.framesAvailable;
    const from = position < total && position >= fallback.firstFrame ? position : this.startFrame();
    if (wasHeard) this.scheduler.play(fallback, from);
    else this.restFrame = from;
  }

  private onScheduled(span: ScheduledSpan): void {
    if (this.soundReported.has(span.renderId)) return;
    if (!this.audible) {
      // Scheduled, not heard: the suspended clock holds it until the context runs (see audioStateChanged).
      if (this.unheardSpan?.renderId !== span.renderId) this.unheardSpan = span;
      return;
    }
    this.reportSound(span);
  }

  private reportSound(span: ScheduledSpan): void {
    this.soundReported.add(span.renderId);
    const soundAt = this.hooks.now();
    const receivedAt = this.firstChunkAt.get(span.renderId) ?? soundAt;
    this.hooks.onFirstSound?.(span.renderId, receivedAt, soundAt, span.when);
  }
}
