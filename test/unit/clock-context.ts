// An AudioContext-shaped object whose clock the test sets: it records what the scheduler asks for
// (buffers, sources and their start/stop times, gain automation) so the timing arithmetic can be checked.
// Only for the scheduler's arithmetic; real playback is checked in Chromium by the webview suite.

import type { AudioBufferLike, AudioContextLike, AudioNodeLike, AudioParamLike, BufferSourceLike, GainNodeLike } from '../../src/webview/chunk-scheduler';

/** One automation call on a gain. */
export type AutomationEvent = { kind: 'set' | 'ramp'; value: number; time: number } | { kind: 'cancel'; time: number };

export class RecordedParam implements AudioParamLike {
  value = 1;
  readonly events: AutomationEvent[] = [];
  setValueAtTime(value: number, time: number): void {
    this.events.push({ kind: 'set', value, time });
  }
  linearRampToValueAtTime(value: number, time: number): void {
    this.events.push({ kind: 'ramp', value, time });
  }
  cancelScheduledValues(time: number): void {
    this.events.push({ kind: 'cancel', time });
    for (let i = this.events.length - 2; i >= 0; i--) {
      const event = this.events[i];
      if (event.kind !== 'cancel' && event.time >= time) this.events.splice(i, 1);
    }
  }
}

export class RecordedNode implements AudioNodeLike {
  readonly connections: AudioNodeLike[] = [];
  disconnected = false;
  connect(destination: AudioNodeLike): AudioNodeLike {
    this.connections.push(destination);
    return destination;
  }
  disconnect(): void {
    this.disconnected = true;
  }
}

export class RecordedGain extends RecordedNode implements GainNodeLike {
  readonly gain = new RecordedParam();
}

export class RecordedBuffer implements AudioBufferLike {
  readonly data: Float32Array[];
  constructor(
    channels: number,
    readonly length: number,
    readonly sampleRate: number,
  ) {
    this.data = Array.from({ length: channels }, () => new Float32Array(length));
  }
  copyToChannel(source: Float32Array<ArrayBuffer>, channel: number): void {
    this.data[channel].set(source);
  }
}

export class RecordedSource extends RecordedNode implements BufferSourceLike {
  buffer: RecordedBuffer | null = null;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  start(when = 0): void {
    this.startedAt = when;
  }
  stop(when = 0): void {
    this.stoppedAt = when;
  }
}

export class ClockContext implements AudioContextLike {
  currentTime = 0;
  readonly sources: RecordedSource[] = [];
  readonly gains: RecordedGain[] = [];
  readonly destination = new RecordedNode();
  createBuffer(channels: number, length: number, sampleRate: number): RecordedBuffer {
    return new RecordedBuffer(channels, length, sampleRate);
  }
  createBufferSource(): RecordedSource {
    const source = new RecordedSource();
    this.sources.push(source);
    return source;
  }
  createGain(): RecordedGain {
    const gain = new RecordedGain();
    this.gains.push(gain);
    return gain;
  }
}

/** A stereo chunk of a 440 Hz sine (distinct samples, so copies can be checked). */
export function sineChunk(startFrame: number, frames: number, sampleRate: number): Float32Array<ArrayBuffer>[] {
  return [0, 1].map((channel) => {
    const data = new Float32Array(frames);
    for (let i = 0; i < frames; i++) data[i] = Math.sin((2 * Math.PI * 440 * (startFrame + i)) / sampleRate + channel) * 0.5;
    return data;
  });
}
