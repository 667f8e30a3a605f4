// Koto garden: a slow phrase on a plucked FM "koto" in the hirajoshi scale over a sho-like drone, with
// string bends, a glissando flourish and a quiet echo. 44.1 kHz.
// Demonstrates a TypeScript patch importing a helper module (./lib/scales.ts, bundled by esbuild), typed
// with `satisfies Patch`; FM synthesis (an oscillator driving another's frequency through a GainNode whose
// gain is the modulation depth); a ConstantSourceNode driving two detune params at once for pitch bends.
import type { Patch } from 'patchscope';
import { SCALES, degreeToMidi, midiToHz, noteToMidi } from './lib/scales';

const ROOT = noteToMidi('D4');
const SCALE = SCALES.hirajoshi;
const BEAT = 0.48;
const DURATION = 29;

interface PluckOptions {
  time: number;
  midi: number;
  velocity: number;
  /** Bend up by this many cents shortly after the pluck (0 for none). */
  bendCents?: number;
  /** Seconds until the note has decayed by 60 dB. */
  ring?: number;
}

/** Phrases as [scale degree, beats]; degree 5 is the root an octave up. */
const PHRASES: readonly (readonly [number, number])[][] = [
  [[5, 1], [4, 1], [3, 0.5], [2, 0.5], [3, 3]],
  [[7, 1], [6, 0.5], [5, 0.5], [4, 1], [5, 1], [3, 1], [2, 3]],
  [[4, 0.5], [5, 0.5], [7, 1], [8, 2], [7, 1], [5, 1], [4, 3]],
  [[5, 0.5], [7, 0.5], [8, 1], [7, 0.5], [5, 0.5], [4, 2], [3, 1], [2, 1], [3, 3]],
  [[2, 1], [3, 1], [4, 0.5], [3, 0.5], [2, 1], [0, 4]],
];

export default {
  duration: DURATION,
  sampleRate: 44100,
  seed: 5,
  build(ctx, out) {
    const master = new GainNode(ctx, { gain: 1.3 });
    master.connect(out);

    // A small stereo echo stands in for the room.
    const echoLeft = new DelayNode(ctx, { delayTime: 0.31 });
    const echoRight = new DelayNode(ctx, { delayTime: 0.47 });
    const echoFeedback = new GainNode(ctx, { gain: 0.35 });
    const echoTone = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 2400 });
    const echoes = new ChannelMergerNode(ctx, { numberOfInputs: 2 });
    const echoLevel = new GainNode(ctx, { gain: 0.3 });
    const send = new GainNode(ctx, { gain: 1 });
    send.connect(echoTone);
    echoTone.connect(echoLeft).connect(echoes, 0, 0);
    echoTone.connect(echoRight).connect(echoes, 0, 1);
    echoRight.connect(echoFeedback).connect(echoTone);
    echoes.connect(echoLevel).connect(master);

    const koto = new StereoPannerNode(ctx, { pan: -0.2 });
    koto.connect(master);
    koto.connect(send);

    /** One plucked string: a sine carrier frequency-modulated at three times its pitch, the index decaying fast. */
    function pluck({ time, midi, velocity, bendCents = 0, ring = 2.6 }: PluckOptions): void {
      const frequency = midiToHz(midi);
      const carrier = new OscillatorNode(ctx, { frequency });
      const modulator = new OscillatorNode(ctx, { frequency: frequency * 3 });
      const depth = new GainNode(ctx, { gain: 0 });
      depth.gain.setValueAtTime(frequency * 3.5 * velocity, time);
      depth.gain.exponentialRampToValueAtTime(frequency * 0.15, time + 0.35);
      modulator.connect(depth).connect(carrier.frequency);

      if (bendCents !== 0) {
        // One control signal bends carrier and modulator together, so the timbre stays the same.
        const bend = new ConstantSourceNode(ctx, { offset: 0 });
        bend.offset.setValueAtTime(0, time + 0.25);
        bend.offset.linearRampToValueAtTime(bendCents, time + 0.45);
        bend.connect(carrier.detune);
        bend.connect(modulator.detune);
        bend.start(time);
        bend.stop(time + ring);
      }

      const amp = new GainNode(ctx, { gain: 0 });
      amp.gain.setValueAtTime(0, time);
      amp.gain.linearRampToValueAtTime(0.28 * velocity, time + 0.003);
      amp.gain.exponentialRampToValueAtTime(0.00028 * velocity, time + ring);
      carrier.connect(amp).connect(koto);
      for (const osc of [carrier, modulator]) {
        osc.start(time);
        osc.stop(time + ring);
      }
    }

    // The drone: D, A and E sines fading in and out like breath through the reeds.
    for (const [index, midi] of [noteToMidi('D3'), noteToMidi('A3'), noteToMidi('E4'), noteToMidi('A4')].entries()) {
      const reed = new OscillatorNode(ctx, { frequency: midiToHz(midi), detune: (Math.random() - 0.5) * 8 });
      const shimmer = new OscillatorNode(ctx, { frequency: midiToHz(midi) * 2.001 });
      const shimmerLevel = new GainNode(ctx, { gain: 0.25 });
      const amp = new GainNode(ctx, { gain: 0 });
      const pan = new StereoPannerNode(ctx, { pan: index % 2 === 0 ? 0.5 : -0.5 });
      amp.gain.setValueAtTime(0, 0);
      amp.gain.linearRampToValueAtTime(0.045, 6 + index);
      amp.gain.linearRampToValueAtTime(0.025, 16);
      amp.gain.linearRampToValueAtTime(0.045, 22);
      amp.gain.linearRampToValueAtTime(0, DURATION - 0.5);
      reed.connect(amp);
      shimmer.connect(shimmerLevel).connect(amp);
      amp.connect(pan).connect(master);
      for (const osc of [reed, shimmer]) {
        osc.start(0);
        osc.stop(DURATION);
      }
    }

    let time = 0.4;
    PHRASES.forEach((phrase, phraseIndex) => {
      phrase.forEach(([degree, beats], noteIndex) => {
        const isLong = beats >= 3;
        pluck({
          time,
          midi: degreeToMidi(ROOT, SCALE, degree),
          velocity: (noteIndex === 0 ? 1 : 0.75) * (0.85 + 0.15 * Math.random()),
          // Long notes on the second degree of the scale get the characteristic press-bend up a semitone.
          bendCents: isLong && phraseIndex % 2 === 1 ? 100 : 0,
          ring: isLong ? 3.4 : 2.2,
        });
        // Rubato: every note a little early or late, phrases breathing at the end.
        time += beats * BEAT * (0.92 + 0.16 * Math.random());
      });
      // Between phrases, a glissando across the strings (after the second phrase) or a low root.
      if (phraseIndex === 1) {
        for (let string = 0; string < 10; string++) {
          const midi = degreeToMidi(ROOT, SCALE, string - 2);
          pluck({ time: time + string * 0.045, midi, velocity: 0.45, ring: 1.6 });
        }
        time += 1.6;
      } else {
        pluck({ time, midi: ROOT - 12, velocity: 0.9, ring: 3.5 });
        time += BEAT * 1.5;
      }
    });
    // Close on the root and its fifth together.
    pluck({ time, midi: ROOT - 12, velocity: 1, ring: 3.6 });
    pluck({ time: time + 0.06, midi: degreeToMidi(ROOT, SCALE, 3) - 12, velocity: 0.7, ring: 3.6 });
  },
} satisfies Patch;
