// A 60-minute ambient drone for the memory benchmark: a slowly breathing chord with a sweeping filter.
/** @type {import('patchscope').Patch} */
export default {
  duration: 3600,
  build(ctx, out) {
    const filter = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 900, Q: 4 });
    const lfo = new OscillatorNode(ctx, { frequency: 1 / 40 });
    const depth = new GainNode(ctx, { gain: 600 });
    lfo.connect(depth).connect(filter.frequency);
    const master = new GainNode(ctx, { gain: 0.12 });
    for (const [frequency, detune] of [[110, -4], [164.81, 3], [220, 7], [277.18, -6]]) {
      const voice = new OscillatorNode(ctx, { type: 'sawtooth', frequency, detune });
      voice.connect(filter);
      voice.start();
    }
    filter.connect(master).connect(out);
    lfo.start();
  },
};
