// Crystal bowls: singing bowls struck and rubbed, a glass-harmonica melody with a slowly widening vibrato,
// and a sprinkle of tiny glass pings whose upper partials reach past 30 kHz. Rendered at 96 kHz.
// Demonstrates a high sample rate (`sampleRate: 96000`: the spectrogram shows partials above the 24 kHz
// limit of 48 kHz audio), setValueCurveAtTime on `detune` for vibrato and on `gain` for a rubbed swell,
// inharmonic additive synthesis with beating partial pairs, and a PeriodicWave glass tone.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

const DURATION = 20;
/** Partials of a bowl: [frequency ratio, level, decay time constant in seconds]. */
const BOWL_PARTIALS = [[1, 1, 4], [2.71, 0.45, 2.6], [5.02, 0.22, 1.5], [7.9, 0.1, 0.9]];
/** The melody: [MIDI note, start time, length]. A major pentatonic, slow. */
const MELODY = [
  [76, 2.5, 1.6], [78, 4.2, 1.2], [81, 5.5, 2.4], [83, 8.2, 1.0], [85, 9.3, 1.4], [83, 10.8, 1.1],
  [81, 12.0, 1.8], [78, 14.0, 1.2], [76, 15.3, 3.2],
];

/**
 * Vibrato as a detune curve: a sine whose depth (in cents) grows from 0 to `depth` over the note.
 * @param {number} seconds
 * @param {number} rate
 * @param {number} depth
 */
function vibratoCurve(seconds, rate, depth) {
  const points = Math.max(2, Math.round(seconds * 60));
  const curve = new Float32Array(points);
  for (let i = 0; i < points; i++) {
    const t = (i / (points - 1)) * seconds;
    curve[i] = depth * Math.min(1, t / seconds / 0.7) * Math.sin(2 * Math.PI * rate * t);
  }
  return curve;
}

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  sampleRate: 96000,
  seed: 96,
  build(ctx, out) {
    const master = new GainNode(ctx, { gain: 0.9 });
    master.connect(out);

    // A short stereo echo for a glassy room.
    const echo = new DelayNode(ctx, { delayTime: 0.37 });
    const echoFeedback = new GainNode(ctx, { gain: 0.4 });
    const echoLevel = new GainNode(ctx, { gain: 0.25 });
    const echoPan = new StereoPannerNode(ctx, { pan: -0.5 });
    echo.connect(echoFeedback).connect(echo);
    echo.connect(echoPan).connect(echoLevel).connect(master);

    /**
     * A bowl: every partial is a pair of sines a fraction of a hertz apart, so it beats and wobbles.
     * @param {number} time
     * @param {number} fundamental
     * @param {number} level
     * @param {number} pan
     * @param {'strike' | 'rub'} how
     */
    const bowl = (time, fundamental, level, pan, how) => {
      const panner = new StereoPannerNode(ctx, { pan });
      panner.connect(master);
      panner.connect(echo);
      const end = Math.min(DURATION, time + 12);
      for (const [ratio, partialLevel, decay] of BOWL_PARTIALS) {
        const amp = new GainNode(ctx, { gain: 0 });
        const peak = level * partialLevel;
        if (how === 'strike') {
          amp.gain.setValueAtTime(0, time);
          amp.gain.linearRampToValueAtTime(peak, time + 0.004);
          amp.gain.exponentialRampToValueAtTime(peak * 0.001, time + decay * 6.9);
        } else {
          // Rubbing the rim: the bowl swells in over a few seconds, then rings out.
          const swell = new Float32Array(32).map((_, i) => peak * Math.sin((Math.PI / 2) * (i / 31)) ** 2);
          amp.gain.setValueCurveAtTime(swell, time, 3.5);
          amp.gain.exponentialRampToValueAtTime(peak * 0.001, time + 3.5 + decay * 4);
        }
        amp.connect(panner);
        for (const offset of [0, 0.35 + ratio * 0.2]) {
          const osc = new OscillatorNode(ctx, { frequency: fundamental * ratio + offset });
          osc.connect(amp);
          osc.start(time);
          osc.stop(end);
        }
      }
    };

    bowl(0, hz(45), 0.22, -0.4, 'strike');
    bowl(0.2, hz(57), 0.12, 0.3, 'rub');
    bowl(7.5, hz(52), 0.2, 0.45, 'strike');
    bowl(13, hz(49), 0.16, -0.2, 'rub');

    // The glass harmonica: a sine with a little odd-harmonic colour, slow attack, growing vibrato.
    const glass = ctx.createPeriodicWave(new Float32Array(6), new Float32Array([0, 1, 0, 0.08, 0, 0.02]));
    const melodyPan = new StereoPannerNode(ctx, { pan: 0.1 });
    melodyPan.connect(master);
    melodyPan.connect(echo);
    for (const [midi, start, length] of MELODY) {
      const osc = new OscillatorNode(ctx, { frequency: hz(midi) });
      osc.setPeriodicWave(glass);
      osc.detune.setValueCurveAtTime(vibratoCurve(length + 0.6, 5.2, 14), start, length + 0.6);
      const amp = new GainNode(ctx, { gain: 0 });
      amp.gain.setValueAtTime(0, start);
      amp.gain.linearRampToValueAtTime(0.12, start + 0.18);
      amp.gain.linearRampToValueAtTime(0.09, start + length);
      amp.gain.linearRampToValueAtTime(0, start + length + 0.6);
      osc.connect(amp).connect(melodyPan);
      osc.start(start);
      osc.stop(start + length + 0.6);
    }

    // Glass pings: very high notes whose upper partials sit far above 20 kHz. Three shared pan positions
    // keep the node count down (every node costs render time, even before it starts and after it ends).
    const pentatonic = [0, 2, 4, 7, 9];
    const pingBuses = [-0.7, 0, 0.7].map((pan) => {
      const bus = new StereoPannerNode(ctx, { pan });
      bus.connect(master);
      return bus;
    });
    for (let i = 0; i < 24; i++) {
      const time = 1 + Math.random() * (DURATION - 3);
      const midi = 105 + pentatonic[Math.floor(Math.random() * pentatonic.length)] + 12 * Math.floor(Math.random() * 2);
      const bus = pingBuses[i % pingBuses.length];
      for (const [ratio, level] of [[1, 0.035], [2.76, 0.015]]) {
        const osc = new OscillatorNode(ctx, { frequency: hz(midi) * ratio });
        const amp = new GainNode(ctx, { gain: 0 });
        amp.gain.setValueAtTime(0, time);
        amp.gain.linearRampToValueAtTime(level, time + 0.001);
        amp.gain.exponentialRampToValueAtTime(level * 0.001, time + 0.6 / ratio);
        osc.connect(amp).connect(bus);
        osc.start(time);
        osc.stop(time + 0.6 / ratio);
      }
    }
  },
};
