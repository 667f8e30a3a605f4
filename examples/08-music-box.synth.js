// Music box: a waltz-time lullaby on a tiny wind-up music box whose spring runs down in the last bars.
// Mono at 22.05 kHz, the way a small toy speaker would carry it.
// Demonstrates PeriodicWave (a custom tine timbre from a harmonic table), a low sample rate and a single
// output channel (`sampleRate: 22050, channels: 1`), a peaking BiquadFilterNode as the box's body,
// a tempo that slows by computing each note's time, and quiet seeded-noise clicks of the mechanism.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

/** The tune, one bar per row, [MIDI note, beats]; 3/4 time in F major. */
const MELODY = [
  [[81, 1], [84, 1], [89, 1]], [[88, 2], [84, 1]], [[86, 1], [84, 1], [81, 1]], [[84, 3]],
  [[82, 1], [86, 1], [89, 1]], [[88, 2], [86, 1]], [[84, 1], [81, 1], [77, 1]], [[79, 3]],
  [[81, 1], [84, 1], [89, 1]], [[91, 1], [89, 1], [88, 1]], [[89, 1], [86, 1], [82, 1]], [[84, 3]],
  [[82, 1], [81, 1], [79, 1]], [[81, 1], [84, 1], [89, 1]], [[88, 1.5], [91, 0.5], [88, 1]], [[89, 3]],
];
/** Accompaniment chord per bar: [bass note, two upper notes]. */
const CHORDS = {
  F: [65, 69, 72],
  Bb: [58, 74, 77],
  C: [60, 67, 70],
};
/** @type {(keyof typeof CHORDS)[]} */
const PROGRESSION = ['F', 'F', 'Bb', 'F', 'Bb', 'C', 'F', 'C', 'F', 'C', 'Bb', 'F', 'Bb', 'F', 'C', 'F'];
const BEAT = 0.46;
/** From this bar on, the spring runs down: each beat a little longer than the last. */
const SLOWDOWN_BAR = 12;
const DURATION = 27;

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  sampleRate: 22050,
  channels: 1,
  seed: 9,
  build(ctx, out) {
    const master = new GainNode(ctx, { gain: 0.55 });
    const body = new BiquadFilterNode(ctx, { type: 'peaking', frequency: 900, Q: 1.2, gain: 5 });
    const tinyBox = new BiquadFilterNode(ctx, { type: 'highpass', frequency: 180 });
    body.connect(tinyBox).connect(master).connect(out);

    // The tine: a strong fundamental, a bright fifth partial, a touch of second and third.
    const real = new Float32Array(8);
    const imag = new Float32Array([0, 1, 0.12, 0.2, 0.02, 0.3, 0, 0.06]);
    const tine = ctx.createPeriodicWave(real, imag);

    /**
     * One struck tine: instant attack, exponential ring, higher notes ring shorter.
     * @param {number} time
     * @param {number} midi
     * @param {number} level
     */
    const strike = (time, midi, level) => {
      const ring = Math.max(0.8, 3.2 - (midi - 60) * 0.07);
      const osc = new OscillatorNode(ctx, { frequency: hz(midi) });
      osc.setPeriodicWave(tine);
      const amp = new GainNode(ctx, { gain: 0 });
      amp.gain.setValueAtTime(0, time);
      amp.gain.linearRampToValueAtTime(level, time + 0.002);
      amp.gain.exponentialRampToValueAtTime(level * 0.001, time + ring);
      osc.connect(amp).connect(body);
      osc.start(time);
      osc.stop(time + ring);
    };

    const clickBuffer = ctx.createBuffer(1, Math.round(ctx.sampleRate * 0.01), ctx.sampleRate);
    const clickSamples = clickBuffer.getChannelData(0);
    for (let i = 0; i < clickSamples.length; i++) clickSamples[i] = (Math.random() * 2 - 1) * Math.exp(-i / 20);
    const clickTone = new BiquadFilterNode(ctx, { type: 'bandpass', frequency: 3500, Q: 2 });
    const clickLevel = new GainNode(ctx, { gain: 0.08 });
    clickTone.connect(clickLevel).connect(master);

    let time = 0.2;
    let beat = BEAT;
    MELODY.forEach((bar, barIndex) => {
      const [bass, upperLow, upperHigh] = CHORDS[PROGRESSION[barIndex]];
      const barStart = time;
      bar.forEach(([midi, beats], noteIndex) => {
        strike(time, midi, noteIndex === 0 ? 0.3 : 0.24);
        for (let b = 0; b < beats; b += 1) {
          if (barIndex >= SLOWDOWN_BAR) beat *= 1.045;
          const playbackRate = 0.9 + 0.2 * Math.random();
          const click = new AudioBufferSourceNode(ctx, { buffer: clickBuffer, playbackRate });
          click.connect(clickTone);
          click.start(time + b * beat);
        }
        time += beats * beat;
      });
      // Accompaniment: bass on the downbeat, the two upper notes on beats two and three.
      const barBeat = (time - barStart) / 3;
      strike(barStart, bass, 0.22);
      strike(barStart + barBeat, upperLow, 0.1);
      strike(barStart + 2 * barBeat, upperHigh, 0.1);
    });
    // The last note, alone, once the spring has nearly stopped.
    strike(time + beat * 0.6, 77, 0.2);
  },
};
