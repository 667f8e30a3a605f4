// Hello: a three-second Cmaj9 arpeggio of soft bell tones over a low C, with a short echo.
// Demonstrates the smallest useful patch: oscillators, gain envelopes (setValueAtTime + ramps),
// stereo placement with StereoPannerNode, and a DelayNode echo.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

/** @type {import('patchscope').Patch} */
export default {
  duration: 3,
  build(ctx, out) {
    const master = new GainNode(ctx, { gain: 0.7 });
    master.connect(out);

    // A quiet echo three sixteenths later gives the arpeggio some air.
    const echo = new DelayNode(ctx, { delayTime: 0.27 });
    const echoLevel = new GainNode(ctx, { gain: 0.22 });
    echo.connect(echoLevel).connect(master);

    // Low C pad: swells in, holds, fades out.
    const bass = new OscillatorNode(ctx, { type: 'sine', frequency: hz(48) });
    const bassLevel = new GainNode(ctx, { gain: 0 });
    bassLevel.gain.setValueAtTime(0, 0);
    bassLevel.gain.linearRampToValueAtTime(0.24, 0.6);
    bassLevel.gain.setValueAtTime(0.24, 2.2);
    bassLevel.gain.linearRampToValueAtTime(0, 2.95);
    bass.connect(bassLevel).connect(master);
    bass.start(0);
    bass.stop(3);

    // C E G B D, rising: each note is a sine plus a quiet octave partial, struck then decaying.
    const notes = [60, 64, 67, 71, 74, 79];
    notes.forEach((midi, index) => {
      const start = 0.05 + index * 0.17;
      const pan = new StereoPannerNode(ctx, { pan: -0.6 + (1.2 * index) / (notes.length - 1) });
      const level = new GainNode(ctx, { gain: 0 });
      level.gain.setValueAtTime(0, start);
      level.gain.linearRampToValueAtTime(0.22, start + 0.008);
      level.gain.exponentialRampToValueAtTime(0.0005, start + 2.2);
      for (const [multiple, amount] of [[1, 1], [2, 0.18], [3.01, 0.05]]) {
        const partial = new OscillatorNode(ctx, { frequency: hz(midi) * multiple });
        const partialLevel = new GainNode(ctx, { gain: amount });
        partial.connect(partialLevel).connect(level);
        partial.start(start);
        partial.stop(start + 2.3);
      }
      level.connect(pan);
      pan.connect(master);
      pan.connect(echo);
    });
  },
};
