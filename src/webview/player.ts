// Which render is heard, and the transport (play, pause, stop, seek, loop). No DOM: it drives a
// ChunkScheduler on any AudioContext-like object, so a page or a test can run it.

import type { PatchInfo } from '../engine/render-types';
import type { PlayState } from '../shared/protocol';
import { ChunkScheduler, type AudioContextLike, type AudioNodeLike, type LoopRange, type ScheduledSpan, type SchedulerOptions } from './chunk-scheduler';
import { RenderBuffer } from './render-buffer';

/** A loop region in seconds. */
export interface Region {
  start: number;
  end: number;
}

/** Shortest loop region accepted, in seconds (a shorter drag is a click). */
export const MIN_LOOP_SECONDS = 0.02;

/** Callbacks from the player to its owner. */
export interface PlayerHooks {
  /** Wall-clock milliseconds (the same clock the host uses). */
  now(): number;
  /** The first source of a render was started. */
  onFirstSound?(renderId: number, firstChunkReceivedAt: number, firstSoundAt: number, when: number): void;
  /** Play was pressed but there is nothing left to play: ask the host for a render. */
  onNeedRender?(): void;
}

/**
 * Holds the render being heard, the newest render (promoted on its first chunk) and the last complete render
 * (played again when a newer one fails), and turns transport actions into scheduler calls.
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

  constructor(
    context: AudioContextLike,
    destination: AudioNodeLike,
    private readonly hooks: PlayerHooks,
    options: Partial<SchedulerOptions> = {},
  ) {
    this.scheduler = new ChunkScheduler(context, destination, options, (span) => this.onScheduled(span));
  }

  /** The render being heard (or ready to be heard). */
  get render(): RenderBuffer | undefined {
    return this.current;
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

  /** The loop region, if one is selected. */
  get loopRegion(): Region | undefined {
    return this.region;
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

  /** What the transport shows. */
  get state(): PlayState {
    if (!this.current) return this.pending && !this.userPaused ? 'buffering' : 'idle';
    if (this.userPaused) return this.positionFrame() > 0 ? 'paused' : 'stopped';
    if (this.ended) return 'stopped';
    const state = this.scheduler.state;
    if (state === 'playing') return 'playing';
    if (state === 'starved') return 'buffering';
    return 'stopped';
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
    if (buffer === this.current) this.scheduler.pump();
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
    this.scheduler.play(buffer, from);
  }

  /** Pauses at the playhead. */
  pause(): void {
    this.restFrame = this.positionFrame();
    this.userPaused = true;
    this.scheduler.stop();
  }

  /** Play when paused, pause when playing. */
  toggle(): void {
    if (this.userPaused || this.ended || this.scheduler.state === 'idle') this.play();
    else this.pause();
  }

  /** Stops and rewinds to the start (or the loop region's start). */
  stop(): void {
    this.userPaused = true;
    this.scheduler.stop();
    this.restFrame = this.startFrame();
  }

  /** Moves the playhead; keeps playing if it was. */
  seek(seconds: number): void {
    const buffer = this.current;
    const rate = buffer?.sampleRate;
    if (!buffer || !rate) return;
    const total = buffer.totalFrames ?? buffer.framesAvailable;
    const frame = Math.min(Math.max(0, Math.round(seconds * rate)), Math.max(0, total - 1));
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
    if (range && this.region && (position < range.startFrame || position >= range.endFrame)) this.seek(this.region.start);
  }

  /** Handles the end of the audio; call every ~20 ms and on each chunk. */
  tick(): void {
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

  /** Where a new render starts: the loop region's start, else the beginning. */
  private startFrame(): number {
    const rate = this.current?.sampleRate;
    return this.loopEnabled && this.region && rate ? Math.round(this.region.start * rate) : 0;
  }

  private applyLoop(): void {
    this.scheduler.setLoop(this.loopRange());
  }

  private loopRange(): LoopRange | undefined {
    const buffer = this.current;
    const rate = buffer?.sampleRate;
    if (!this.loopEnabled || !buffer || !rate) return undefined;
    const total = buffer.totalFrames;
    if (this.region) {
      const startFrame = Math.round(this.region.start * rate);
      const endFrame = Math.round(this.region.end * rate);
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
    const from = position < total ? position : this.startFrame();
    if (wasHeard) this.scheduler.play(fallback, from);
    else this.restFrame = from;
  }

  private onScheduled(span: ScheduledSpan): void {
    if (this.soundReported.has(span.renderId)) return;
    this.soundReported.add(span.renderId);
    const soundAt = this.hooks.now();
    const receivedAt = this.firstChunkAt.get(span.renderId) ?? soundAt;
    this.hooks.onFirstSound?.(span.renderId, receivedAt, soundAt, span.when);
  }
}
