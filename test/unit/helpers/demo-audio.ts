// Real audio for the video and WAV tests and the MP4 benchmark: a small groove (filtered saw lead, sine
// bass, kick, noise hats) rendered by node-web-audio-api's OfflineAudioContext. Long durations render in
// segments with a pre-roll so memory stays constant; the note sequence is a pure function of time.
import type { AudioChunk, PatchInfo } from '../../../src/engine/render-types';

type WebAudio = typeof import('node-web-audio-api');

let webAudio: Promise<WebAudio> | undefined;
function loadWebAudio(): Promise<WebAudio> {
  webAudio ??= import('node-web-audio-api');
  return webAudio;
}

/** Settings of the demo groove. */
export interface DemoAudioOptions {
  sampleRate: number;
  channels: 1 | 2;
  /** Seconds. */
  duration: number;
}

const BEAT = 0.25; // eighth notes at 120 bpm
const PRE_ROLL = 1; // longer than any note's tail
const SCALE = [0, 3, 5, 7, 10, 12, 15, 17];
const ROOTS = [45, 41, 48, 43]; // A, F, C, G (MIDI), one per bar

function hash(n: number): number {
  let x = (n * 0x9e3779b1) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77) >>> 0;
  x ^= x >>> 13;
  return (x >>> 0) / 2 ** 32;
}

function midiToHz(note: number): number {
  return 440 * Math.pow(2, (note - 69) / 12);
}

/** Renders frames [startFrame, endFrame) of the groove; returns one Float32Array per channel. */
async function renderSegment(options: DemoAudioOptions, startFrame: number, endFrame: number): Promise<Float32Array[]> {
  const { OfflineAudioContext, OscillatorNode, GainNode, BiquadFilterNode, AudioBufferSourceNode, StereoPannerNode } =
    await loadWebAudio();
  const preRollFrames = Math.min(PRE_ROLL * options.sampleRate, startFrame);
  const origin = (startFrame - preRollFrames) / options.sampleRate;
  const end = endFrame / options.sampleRate;
  const frames = endFrame - startFrame + preRollFrames;
  const ctx = new OfflineAudioContext({ numberOfChannels: options.channels, length: frames, sampleRate: options.sampleRate });
  const master = new GainNode(ctx, { gain: 0.5 });
  master.connect(ctx.destination);
  const noise = ctx.createBuffer(1, Math.round(0.2 * options.sampleRate), options.sampleRate);
  const noiseData = noise.getChannelData(0);
  for (let i = 0; i < noiseData.length; i++) noiseData[i] = hash(i + 17) * 2 - 1;

  const firstStep = Math.max(0, Math.floor(origin / BEAT));
  const lastStep = Math.ceil(end / BEAT);
  for (let step = firstStep; step < lastStep; step++) {
    const time = step * BEAT - origin;
    if (time < 0) continue;
    const bar = Math.floor(step / 8);
    const root = ROOTS[bar % ROOTS.length];
    // Lead: a filtered saw on most steps, melody from a hash of the step.
    if (hash(step * 3 + 1) < 0.7) {
      const note = root + 12 + SCALE[Math.floor(hash(step * 5 + 2) * SCALE.length)];
      const osc = new OscillatorNode(ctx, { type: 'sawtooth', frequency: midiToHz(note) });
      const filter = new BiquadFilterNode(ctx, { type: 'lowpass', Q: 6 });
      const gain = new GainNode(ctx, { gain: 0 });
      const pan = new StereoPannerNode(ctx, { pan: hash(step) * 1.2 - 0.6 });
      filter.frequency.setValueAtTime(6000, time);
      filter.frequency.exponentialRampToValueAtTime(400, time + 0.3);
      gain.gain.setValueAtTime(0, time);
      gain.gain.linearRampToValueAtTime(0.25, time + 0.005);
      gain.gain.exponentialRampToValueAtTime(0.001, time + 0.45);
      osc.connect(filter).connect(gain).connect(pan).connect(master);
      osc.start(time);
      osc.stop(time + 0.5);
    }
    // Bass on every other step, a sine with a short glide.
    if (step % 2 === 0) {
      const osc = new OscillatorNode(ctx, { type: 'sine', frequency: midiToHz(root - 12) * 1.02 });
      osc.frequency.exponentialRampToValueAtTime(midiToHz(root - 12), time + 0.05);
      const gain = new GainNode(ctx, { gain: 0 });
      gain.gain.setValueAtTime(0.5, time);
      gain.gain.exponentialRampToValueAtTime(0.001, time + 0.48);
      osc.connect(gain).connect(master);
      osc.start(time);
      osc.stop(time + 0.5);
    }
    // Kick on beats 1 and 3, hats on the off-beats.
    if (step % 4 === 0) {
      const osc = new OscillatorNode(ctx, { type: 'sine', frequency: 150 });
      osc.frequency.exponentialRampToValueAtTime(45, time + 0.12);
      const gain = new GainNode(ctx, { gain: 0 });
      gain.gain.setValueAtTime(0.9, time);
      gain.gain.exponentialRampToValueAtTime(0.001, time + 0.3);
      osc.connect(gain).connect(master);
      osc.start(time);
      osc.stop(time + 0.32);
    }
    if (step % 2 === 1) {
      const source = new AudioBufferSourceNode(ctx, { buffer: noise });
      const filter = new BiquadFilterNode(ctx, { type: 'highpass', frequency: 7000 });
      const gain = new GainNode(ctx, { gain: 0 });
      gain.gain.setValueAtTime(0.15, time);
      gain.gain.exponentialRampToValueAtTime(0.001, time + 0.08);
      source.connect(filter).connect(gain).connect(master);
      source.start(time);
      source.stop(time + 0.1);
    }
  }
  const rendered = await ctx.startRendering();
  const out: Float32Array[] = [];
  for (let c = 0; c < options.channels; c++) out.push(rendered.getChannelData(c).slice(preRollFrames));
  return out;
}

/** The whole groove in memory (for short durations). */
export async function renderDemoAudio(options: DemoAudioOptions): Promise<Float32Array[]> {
  const channels = Array.from({ length: options.channels }, () => new Float32Array(Math.round(options.duration * options.sampleRate)));
  let frame = 0;
  for await (const chunk of demoAudioChunks(options, 8192)) {
    chunk.channels.forEach((data, c) => channels[c].set(data, frame));
    frame += chunk.channels[0].length;
  }
  return channels;
}

/**
 * The groove as a stream of chunks of `chunkFrames` frames (the last may be shorter), rendered 10 s at a
 * time; exactly round(duration * sampleRate) frames in all.
 */
export async function* demoAudioChunks(options: DemoAudioOptions, chunkFrames: number): AsyncGenerator<AudioChunk> {
  const total = Math.round(options.duration * options.sampleRate);
  const segmentFrames = 10 * options.sampleRate;
  let startFrame = 0;
  for (let segmentStart = 0; segmentStart < total; segmentStart += segmentFrames) {
    const segmentEnd = Math.min(total, segmentStart + segmentFrames);
    const audio = await renderSegment(options, segmentStart, segmentEnd);
    const length = segmentEnd - segmentStart;
    for (let offset = 0; offset < length; offset += chunkFrames) {
      const size = Math.min(chunkFrames, length - offset);
      yield { startFrame, channels: audio.map((data) => data.slice(offset, offset + size)) };
      startFrame += size;
    }
  }
}

/** A steady sine tone (mono) rendered by an OscillatorNode. */
export async function renderTone(frequency: number, seconds: number, sampleRate: number, amplitude = 0.5): Promise<Float32Array> {
  const { OfflineAudioContext, OscillatorNode, GainNode } = await loadWebAudio();
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: Math.round(seconds * sampleRate), sampleRate });
  const osc = new OscillatorNode(ctx, { frequency });
  osc.connect(new GainNode(ctx, { gain: amplitude })).connect(ctx.destination);
  osc.start(0);
  const rendered = await ctx.startRendering();
  return rendered.getChannelData(0).slice();
}

/** The PatchInfo of rendered channels at `sampleRate` (48 kHz by default), as a streamed render reports it. */
export function infoOf(channels: Float32Array[], sampleRate = 48000): PatchInfo {
  const frames = channels[0].length;
  return { duration: frames / sampleRate, sampleRate, channels: channels.length, seed: 0, frames };
}
