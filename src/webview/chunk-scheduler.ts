// Gapless playback of a growing render on an AudioContext clock. Pure: it takes any object shaped like
// the parts of an AudioContext it uses, keeps no timers and touches no DOM; its owner calls `pump()` when a
// chunk arrives and on a short interval. A headless page can drive it with a real AudioContext.

import type { AudioSpan, RenderBuffer } from './render-buffer';

/** The AudioParam calls the scheduler makes. */
export interface AudioParamLike {
  value: number;
  setValueAtTime(value: number, time: number): unknown;
  linearRampToValueAtTime(value: number, time: number): unknown;
  cancelScheduledValues(time: number): unknown;
}

/** An audio node that can be connected and disconnected. */
export interface AudioNodeLike {
  connect(destination: AudioNodeLike): unknown;
  disconnect(): void;
}

/** A GainNode. */
export interface GainNodeLike extends AudioNodeLike {
  readonly gain: AudioParamLike;
}

/** An AudioBuffer. */
export interface AudioBufferLike {
  readonly length: number;
  readonly sampleRate: number;
  copyToChannel(source: Float32Array<ArrayBuffer>, channel: number): void;
}

/** An AudioBufferSourceNode. */
export interface BufferSourceLike extends AudioNodeLike {
  buffer: AudioBufferLike | null;
  start(when?: number): void;
  stop(when?: number): void;
}

/** The AudioContext calls the scheduler makes. */
export interface AudioContextLike {
  readonly currentTime: number;
  /** 'running' when the clock moves (absent on a test clock, which counts as running). */
  readonly state?: string;
  createBuffer(channels: number, length: number, sampleRate: number): AudioBufferLike;
  createBufferSource(): BufferSourceLike;
  createGain(): GainNodeLike;
}

/** Timing policy of the scheduler (seconds). */
export interface SchedulerOptions {
  /** Delay from a decision to start (new render, seek, resume) to the first sample on the clock. */
  leadTime: number;
  /** A source is never started less than this ahead of `currentTime`; closer than that counts as an underrun. */
  minLead: number;
  /** Audio scheduled ahead of `currentTime`; more waits for later pumps. */
  lookahead: number;
  /** Length of the fades that hide a cut (switch, pause, seek, underrun). */
  fadeTime: number;
  /** When the scheduled audio runs out within this time and nothing new has arrived, fade out. */
  underrunGuard: number;
}

/** Defaults: 30 ms lead, 2 s lookahead, 8 ms fades, fade out 40 ms before an underrun. */
export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  leadTime: 0.03,
  minLead: 0.008,
  lookahead: 2,
  fadeTime: 0.008,
  underrunGuard: 0.04,
};

/**
 * Lead for a context whose output callback renders `baseLatency` seconds at a time: one callback plus 10 ms,
 * between 15 and 30 ms. `currentTime` moves in steps of one callback, so a start closer than one callback
 * ahead could land in audio already rendered; a fixed 30 ms wasted most of it on a 10 ms callback.
 */
export function leadTimeFor(baseLatency: number | undefined): number {
  if (baseLatency === undefined || !Number.isFinite(baseLatency) || baseLatency <= 0) return DEFAULT_SCHEDULER_OPTIONS.leadTime;
  return Math.min(DEFAULT_SCHEDULER_OPTIONS.leadTime, Math.max(0.015, baseLatency + 0.01));
}

/** Where playback loops: frames [startFrame, endFrame). */
export interface LoopRange {
  startFrame: number;
  endFrame: number;
}

/** One source placed on the clock. */
export interface ScheduledSpan {
  renderId: number;
  startFrame: number;
  frames: number;
  sampleRate: number;
  /** Context time passed to `start()`. */
  when: number;
}

/** Where a voice of a render with `channels` channels connects (the output can down-mix per channel count). */
export type DestinationFor = (channels: number) => AudioNodeLike;

/** What the scheduler is doing. */
export type SchedulerState = 'idle' | 'playing' | 'starved' | 'ended';

interface PlacedSource {
  node: BufferSourceLike;
  span: ScheduledSpan;
  end: number;
}

interface Voice {
  buffer: RenderBuffer;
  gain: GainNodeLike;
  sources: PlacedSource[];
  startFrame: number;
  nextFrame: number;
  nextWhen: number;
  /** Nothing was scheduled yet. */
  fresh: boolean;
  /** Fade in the first source (the voice starts mid-signal). */
  fadeInFirst: boolean;
  /** A fade-out before a possible underrun is scheduled from this time on. */
  pendingFadeAt: number | undefined;
  /** The voice went silent through an underrun; the next source fades in. */
  silenced: boolean;
  /** No more audio will be scheduled (end of a render that is not looping). */
  ending: boolean;
}

interface RetiringVoice {
  gain: GainNodeLike;
  sources: PlacedSource[];
  silentAt: number;
}

/** Seconds of `frames` at `sampleRate`. */
export function spanSeconds(frames: number, sampleRate: number): number {
  return frames / sampleRate;
}

/**
 * Plays a RenderBuffer from any frame: each span goes on the clock at exactly the previous span's start plus
 * its length / sampleRate, as far as `lookahead`. When the render falls behind, it fades out just before the
 * audio runs out and fades back in when audio arrives (no click); a new render or a seek cross-fades.
 */
export class ChunkScheduler {
  private voice: Voice | undefined;
  private readonly retiring: RetiringVoice[] = [];
  private loop: LoopRange | undefined;
  private underrunCount = 0;
  private readonly history: ScheduledSpan[] = [];
  private readonly options: SchedulerOptions;
  private readonly destinationFor: DestinationFor;

  constructor(
    private readonly context: AudioContextLike,
    destination: AudioNodeLike | DestinationFor,
    options: Partial<SchedulerOptions> = {},
    private readonly onScheduled?: (span: ScheduledSpan) => void,
  ) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...options };
    this.destinationFor = typeof destination === 'function' ? destination : () => destination;
  }

  /** The render being played. */
  get buffer(): RenderBuffer | undefined {
    return this.voice?.buffer;
  }

  /** Underruns since the scheduler was created. */
  get underruns(): number {
    return this.underrunCount;
  }

  /** The most recent spans placed on the clock, oldest first (at most 256). */
  get scheduled(): readonly ScheduledSpan[] {
    return this.history;
  }

  /** The loop range, if playback loops. */
  get loopRange(): LoopRange | undefined {
    return this.loop;
  }

  /** Current state. */
  get state(): SchedulerState {
    const voice = this.voice;
    if (!voice) return 'idle';
    const now = this.context.currentTime;
    if (voice.ending && now >= voice.nextWhen) return 'ended';
    if (voice.fresh || voice.silenced || (!voice.ending && now >= voice.nextWhen)) return 'starved';
    return 'playing';
  }

  /** Plays `buffer` from `fromFrame`, cross-fading out whatever played before. */
  play(buffer: RenderBuffer, fromFrame: number): void {
    const now = this.context.currentTime;
    this.retireVoice(now);
    const gain = this.context.createGain();
    gain.connect(this.destinationFor(buffer.channels));
    const when = now + this.options.leadTime;
    gain.gain.setValueAtTime(1, now);
    this.voice = {
      buffer,
      gain,
      sources: [],
      startFrame: fromFrame,
      nextFrame: fromFrame,
      nextWhen: when,
      fresh: true,
      fadeInFirst: fromFrame > 0,
      pendingFadeAt: undefined,
      silenced: false,
      ending: false,
    };
    this.pump();
  }

  /** Fades out and stops everything. */
  stop(): void {
    this.retireVoice(this.context.currentTime);
  }

  /** Sets or clears the loop, re-planning audio that has not started yet. */
  setLoop(loop: LoopRange | undefined): void {
    const valid = loop && loop.endFrame - loop.startFrame >= 1 ? { ...loop } : undefined;
    if (sameLoop(valid, this.loop)) return;
    this.loop = valid;
    this.dropFuture();
    this.pump();
  }

  /** Frame of the render heard now, or undefined when nothing plays. */
  positionFrame(): number | undefined {
    const voice = this.voice;
    if (!voice) return undefined;
    const now = this.context.currentTime;
    let current: PlacedSource | undefined;
    for (const source of voice.sources) {
      if (source.span.when <= now) current = source;
      else break;
    }
    if (!current) return voice.sources[0]?.span.startFrame ?? voice.startFrame;
    const { span } = current;
    const offset = Math.min(span.frames, Math.max(0, (now - span.when) * span.sampleRate));
    return span.startFrame + offset;
  }

  /** Seconds of received audio ahead of the playhead. */
  bufferedSeconds(): number {
    const voice = this.voice;
    const rate = voice?.buffer.sampleRate;
    const position = this.positionFrame();
    if (!voice || !rate || position === undefined) return 0;
    return Math.max(0, voice.buffer.framesAvailable - position) / rate;
  }

  /** Schedules what it can and handles a render that fell behind; call on each chunk and every ~20 ms. */
  pump(): SchedulerState {
    const now = this.context.currentTime;
    this.releaseRetired(now);
    const voice = this.voice;
    if (!voice) return 'idle';
    this.pruneSources(voice, now);
    const rate = voice.buffer.sampleRate;
    // A bound on spans per pump: even a very short loop cannot stall the page.
    for (let placed = 0; rate && !voice.ending && placed < 512 && voice.nextWhen - now < this.options.lookahead; ) {
      const { limit, loops } = this.limitOf(voice.buffer);
      // Audio dropped far behind the playhead (see Player): go on from the earliest frame kept.
      if (voice.nextFrame < voice.buffer.firstFrame) voice.nextFrame = voice.buffer.firstFrame;
      if (voice.nextFrame >= limit) {
        const wrapTo = Math.max(this.loop?.startFrame ?? 0, voice.buffer.firstFrame);
        if (loops && wrapTo < limit) {
          voice.nextFrame = wrapTo;
          continue;
        }
        voice.ending = true;
        break;
      }
      const span = voice.buffer.read(voice.nextFrame, limit - voice.nextFrame);
      if (!span) {
        if (!voice.buffer.growing) voice.ending = true;
        else this.guardUnderrun(voice, now);
        break;
      }
      this.place(voice, span, rate, now);
      placed++;
    }
    return this.state;
  }

  /** Stops everything at once, without fades (the context is closing). */
  dispose(): void {
    for (const retired of this.retiring.splice(0)) disconnectAll(retired.gain, retired.sources);
    if (this.voice) disconnectAll(this.voice.gain, this.voice.sources);
    this.voice = undefined;
  }

  /** Frame where scheduling stops or wraps, and whether it wraps. */
  private limitOf(buffer: RenderBuffer): { limit: number; loops: boolean } {
    const total = buffer.totalFrames ?? (buffer.growing ? Infinity : buffer.framesAvailable);
    if (this.loop && this.loop.startFrame < total) return { limit: Math.min(this.loop.endFrame, total), loops: true };
    return { limit: total, loops: false };
  }

  /** Puts one span on the clock right after the previous one, or re-anchors after a gap with a fade-in. */
  private place(voice: Voice, span: AudioSpan, rate: number, now: number): void {
    const { fadeTime, minLead, leadTime } = this.options;
    const gain = voice.gain.gain;
    if (voice.pendingFadeAt !== undefined) {
      if (now + minLead < voice.pendingFadeAt) {
        // Audio arrived before the fade began: take the fade back and stay gapless.
        gain.cancelScheduledValues(voice.pendingFadeAt);
        voice.pendingFadeAt = undefined;
      } else {
        voice.pendingFadeAt = undefined;
        voice.silenced = true;
        this.underrunCount++;
      }
    }
    let fadeIn = voice.silenced || (voice.fresh && voice.fadeInFirst);
    if (voice.nextWhen < now + minLead) {
      // Too late to continue seamlessly (nothing was playing, or the pump ran late): start a little ahead.
      if (!voice.fresh && !voice.silenced) this.underrunCount++;
      voice.nextWhen = now + leadTime;
      fadeIn ||= !voice.fresh || voice.fadeInFirst;
    }
    const when = voice.nextWhen;
    if (fadeIn) {
      // Scheduled after any fade-out still running (it ends at or before `when`).
      gain.setValueAtTime(0, when);
      gain.linearRampToValueAtTime(1, when + fadeTime);
    }
    voice.silenced = false;
    voice.fresh = false;

    const audio = this.context.createBuffer(span.channels.length, span.frames, rate);
    span.channels.forEach((samples, channel) => audio.copyToChannel(samples, channel));
    const node = this.context.createBufferSource();
    node.buffer = audio;
    node.connect(voice.gain);
    node.start(when);
    const placed: ScheduledSpan = { renderId: voice.buffer.renderId, startFrame: span.startFrame, frames: span.frames, sampleRate: rate, when };
    const duration = spanSeconds(span.frames, rate);
    voice.sources.push({ node, span: placed, end: when + duration });
    voice.nextWhen = when + duration;
    voice.nextFrame = span.startFrame + span.frames;
    this.history.push(placed);
    if (this.history.length > 256) this.history.shift();
    this.onScheduled?.(placed);
  }

  /** Fades out just before the scheduled audio runs out, so an underrun is silent rather than a click. */
  private guardUnderrun(voice: Voice, now: number): void {
    if (voice.fresh || voice.silenced) return;
    const { fadeTime, underrunGuard } = this.options;
    if (voice.pendingFadeAt === undefined && voice.nextWhen - now < underrunGuard) {
      const fadeAt = Math.max(now, voice.nextWhen - fadeTime);
      voice.gain.gain.setValueAtTime(1, fadeAt);
      voice.gain.gain.linearRampToValueAtTime(0, voice.nextWhen);
      voice.pendingFadeAt = fadeAt;
    }
    if (voice.pendingFadeAt !== undefined && now >= voice.nextWhen) {
      voice.pendingFadeAt = undefined;
      voice.silenced = true;
      this.underrunCount++;
    }
  }

  /** Removes sources that have not started yet, so the next pump re-plans them (loop changed). */
  private dropFuture(): void {
    const voice = this.voice;
    if (!voice) return;
    const cutoff = this.context.currentTime + this.options.minLead;
    const keep = voice.sources.filter((source) => source.span.when < cutoff);
    const dropped = voice.sources.slice(keep.length);
    if (dropped.length === 0) {
      voice.ending = false;
      return;
    }
    for (const source of dropped) {
      source.node.stop();
      source.node.disconnect();
    }
    voice.sources = keep;
    voice.nextFrame = dropped[0].span.startFrame;
    voice.nextWhen = dropped[0].span.when;
    voice.ending = false;
    this.history.splice(this.history.length - Math.min(dropped.length, this.history.length));
  }

  private retireVoice(now: number): void {
    const voice = this.voice;
    this.voice = undefined;
    if (!voice) return;
    const { fadeTime } = this.options;
    const gain = voice.gain.gain;
    const playing = voice.sources.some((source) => source.span.when <= now + this.options.minLead && source.end > now);
    const silentAt = playing ? now + this.options.minLead + fadeTime : now;
    if (playing) {
      gain.cancelScheduledValues(now);
      gain.setValueAtTime(gain.value, now + this.options.minLead);
      gain.linearRampToValueAtTime(0, silentAt);
    }
    for (const source of voice.sources) if (source.end > now) source.node.stop(silentAt);
    this.retiring.push({ gain: voice.gain, sources: voice.sources, silentAt });
  }

  private releaseRetired(now: number): void {
    for (let i = this.retiring.length - 1; i >= 0; i--) {
      const retired = this.retiring[i];
      if (now > retired.silentAt + 0.05) {
        disconnectAll(retired.gain, retired.sources);
        this.retiring.splice(i, 1);
      }
    }
  }

  private pruneSources(voice: Voice, now: number): void {
    // Keep the most recent finished source: it still maps the playhead after the audio ran out.
    let finished = 0;
    while (finished < voice.sources.length - 1 && voice.sources[finished].end < now - 0.1) finished++;
    for (const source of voice.sources.splice(0, finished)) source.node.disconnect();
  }
}

function disconnectAll(gain: GainNodeLike, sources: readonly PlacedSource[]): void {
  for (const source of sources) source.node.disconnect();
  gain.disconnect();
}

function sameLoop(a: LoopRange | undefined, b: LoopRange | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.startFrame === b.startFrame && a.endFrame === b.endFrame);
}
