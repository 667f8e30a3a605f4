// Acid line: a squelchy monophonic bass with slides and accents over a four-on-the-floor kick, offbeat
// hats and claps, the bass ducking under each kick. 44.1 kHz.
// Demonstrates dense automation of one voice (every step schedules pitch, gate and filter-envelope events
// on long-lived nodes; the envelope decays with setTargetAtTime), a second, slow sweep on the same filter
// through its `detune` param, a resonant BiquadFilterNode into a WaveShaperNode (tanh drive, 4x
// oversampling), sidechain-style ducking with gain automation, and a DynamicsCompressorNode on the master.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

const BPM = 128;
const STEP = 60 / BPM / 4;
const BAR = 16 * STEP;
const BARS = 12;
const DURATION = BARS * BAR + 1.5;
const ROOT = 33; // A1

/**
 * One bar of the line: semitones above the root, or null for a rest; `a` accents, `s` slides into the next.
 * @type {([number, string] | null)[]}
 */
const PATTERN = [
  [0, 'a'], [0, ''], [12, 's'], [0, ''], null, [3, 'a'], [0, ''], [10, 's'],
  [0, ''], [0, 'a'], [7, ''], null, [12, 'as'], [15, ''], [5, ''], null,
];
/** Transposition per bar: four bars on A, two on G, two on C, four on A. */
const BAR_SHIFT = [0, 0, 0, 0, -2, -2, 3, 3, 0, 0, 0, 0];

/**
 * A soft-clipping curve: tanh with the given drive, normalised so full scale maps to full scale.
 * @param {number} drive
 */
function tanhCurve(drive) {
  const curve = new Float32Array(2048);
  for (let i = 0; i < curve.length; i++) {
    const x = (i / (curve.length - 1)) * 2 - 1;
    curve[i] = Math.tanh(drive * x) / Math.tanh(drive);
  }
  return curve;
}

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  sampleRate: 44100,
  seed: 303,
  build(ctx, out) {
    const glue = new DynamicsCompressorNode(ctx, { threshold: -14, knee: 8, ratio: 3, attack: 0.006, release: 0.12 });
    const master = new GainNode(ctx, { gain: 0.6 });
    glue.connect(master).connect(out);

    // --- the acid voice: one sawtooth, one filter, one amp, all automated per step ---
    const saw = new OscillatorNode(ctx, { type: 'sawtooth', frequency: hz(ROOT) });
    const filter = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 300, Q: 12 });
    const amp = new GainNode(ctx, { gain: 0 });
    const drive = new WaveShaperNode(ctx, { curve: tanhCurve(3), oversample: '4x' });
    const duck = new GainNode(ctx, { gain: 1 });
    const bassLevel = new GainNode(ctx, { gain: 0.4 });
    const rumbleCut = new BiquadFilterNode(ctx, { type: 'highpass', frequency: 35 });
    saw.connect(filter).connect(amp).connect(drive).connect(rumbleCut).connect(duck).connect(bassLevel).connect(glue);
    saw.start(0);
    saw.stop(DURATION);

    // The slow sweep rides on detune (cents), leaving `frequency` free for the per-note envelope.
    filter.detune.setValueAtTime(-1200, 0);
    filter.detune.linearRampToValueAtTime(1500, 8 * BAR);
    filter.detune.linearRampToValueAtTime(-600, BARS * BAR);
    filter.Q.setValueAtTime(10, 0);
    filter.Q.linearRampToValueAtTime(20, 8 * BAR);
    filter.Q.linearRampToValueAtTime(12, BARS * BAR);

    let tiedFromPrevious = false;
    let previousFrequency = hz(ROOT);
    for (let bar = 0; bar < BARS; bar++) {
      for (let step = 0; step < 16; step++) {
        const time = bar * BAR + step * STEP;
        const note = PATTERN[step];
        if (note === null) {
          tiedFromPrevious = false;
          continue;
        }
        const [semitones, flags] = note;
        const accent = flags.includes('a');
        const slide = flags.includes('s') && PATTERN[(step + 1) % 16] !== null;
        const frequency = hz(ROOT + semitones + BAR_SHIFT[bar]);
        if (tiedFromPrevious) {
          // A slide glides from the previous pitch instead of jumping.
          saw.frequency.setValueAtTime(previousFrequency, time);
          saw.frequency.exponentialRampToValueAtTime(frequency, time + STEP * 0.6);
        } else {
          saw.frequency.setValueAtTime(frequency, time);
          amp.gain.setValueAtTime(0, time);
          amp.gain.linearRampToValueAtTime(accent ? 0.6 : 0.4, time + 0.003);
        }
        // Filter envelope: jump open, then decay towards the floor until the next step retriggers it.
        filter.frequency.setValueAtTime(accent ? 2600 : 1300, time);
        filter.frequency.setTargetAtTime(220, time, accent ? 0.075 : 0.05);
        if (!slide) {
          amp.gain.setValueAtTime(accent ? 0.6 : 0.4, time + STEP * 0.7);
          amp.gain.linearRampToValueAtTime(0, time + STEP * 0.7 + 0.008);
        }
        tiedFromPrevious = slide;
        previousFrequency = frequency;
      }
    }

    // --- drums ---
    const noiseBuffer = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
    const noise = noiseBuffer.getChannelData(0);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.random() * 2 - 1;

    // Hats and claps each share one filter and pan position (fewer nodes render faster).
    const hatBus = new BiquadFilterNode(ctx, { type: 'highpass', frequency: 8000 });
    hatBus.connect(new StereoPannerNode(ctx, { pan: 0.3 })).connect(glue);
    const clapBus = new BiquadFilterNode(ctx, { type: 'bandpass', frequency: 1300, Q: 1.2 });
    clapBus.connect(new StereoPannerNode(ctx, { pan: -0.15 })).connect(glue);

    /**
     * A noise hit into a bus, with an amplitude shape given as [time offset, level] points.
     * @param {number} time
     * @param {AudioNode} bus
     * @param {[number, number][]} shape
     */
    const noiseHit = (time, bus, shape) => {
      const source = new AudioBufferSourceNode(ctx, { buffer: noiseBuffer });
      const level = new GainNode(ctx, { gain: 0 });
      level.gain.setValueAtTime(0, time);
      for (const [offset, value] of shape) level.gain.linearRampToValueAtTime(value, time + offset);
      source.connect(level).connect(bus);
      const length = shape[shape.length - 1][0];
      source.start(time, Math.random() * 0.5);
      source.stop(time + length + 0.01);
    };

    for (let beat = 0; beat < BARS * 4 + 1; beat++) {
      const time = beat * 4 * STEP;
      const kick = new OscillatorNode(ctx, { frequency: 150 });
      kick.frequency.setValueAtTime(150, time);
      kick.frequency.exponentialRampToValueAtTime(44, time + 0.09);
      const kickAmp = new GainNode(ctx, { gain: 0 });
      kickAmp.gain.setValueAtTime(0, time);
      kickAmp.gain.linearRampToValueAtTime(0.95, time + 0.002);
      kickAmp.gain.exponentialRampToValueAtTime(0.001, time + 0.38);
      kick.connect(kickAmp).connect(glue);
      kick.start(time);
      kick.stop(time + 0.4);

      // Duck the bass under the kick, then let it swell back.
      duck.gain.setValueAtTime(0.25, time);
      duck.gain.linearRampToValueAtTime(1, time + 0.16);

      if (beat >= BARS * 4) continue;
      const offbeat = time + 2 * STEP;
      noiseHit(offbeat, hatBus, [[0.001, 0.2], [0.05, 0.04], [0.09, 0]]);
      if (beat >= 8 && beat % 2 === 1) {
        // A clap: three quick bursts and a short tail.
        noiseHit(time, clapBus, [[0.001, 0.6], [0.008, 0.1], [0.011, 0.55], [0.019, 0.1], [0.022, 0.5], [0.2, 0]]);
      }
    }
  },
};
