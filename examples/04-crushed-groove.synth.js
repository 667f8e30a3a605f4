// Crushed groove: a broken-beat drum machine and bass line in E minor, pushed through a bit crusher that
// starts clean, degrades to 4-bit grit with a falling sample rate, and recovers; clean chord stabs on top.
// Demonstrates a custom AudioWorkletProcessor loaded from its own file (./worklets/bitcrusher.js, resolved
// against this patch's folder) with automated AudioParams, drums synthesised from oscillators and seeded
// Math.random noise, and a DynamicsCompressorNode gluing the mix.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

const BPM = 100;
const STEP = 60 / BPM / 4;
const BAR = 16 * STEP;
const BARS = 8;
const DURATION = BARS * BAR + 2;

/** Sixteenth-step patterns, one character per step: x plays, o plays softly (a ghost note), . rests. */
const KICK = 'x.....x...x...o.';
const SNARE = '....x..o....x...';
const HATS = 'x.xox.xxx.xox.x.';
/** Bass line, one entry per step: MIDI note or null. */
const BASS = [40, null, null, 40, null, null, 43, null, 40, null, 38, 35, null, null, 38, null];
const EM9 = [64, 67, 71, 74, 78];
const CMAJ7 = [60, 64, 67, 71, 76];

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  seed: 11,
  async build(ctx, out) {
    await ctx.audioWorklet.addModule('./worklets/bitcrusher.js');

    const glue = new DynamicsCompressorNode(ctx, { threshold: -20, knee: 6, ratio: 4, attack: 0.004, release: 0.16 });
    const master = new GainNode(ctx, { gain: 0.7 });
    glue.connect(master).connect(out);

    const crusher = new AudioWorkletNode(ctx, 'bitcrusher', { outputChannelCount: [2] });
    crusher.connect(glue);
    const bits = /** @type {AudioParam} */ (crusher.parameters.get('bits'));
    const downsample = /** @type {AudioParam} */ (crusher.parameters.get('downsample'));
    const mix = /** @type {AudioParam} */ (crusher.parameters.get('mix'));
    // Two clean bars, a slide into grit, two bars of 4-bit lo-fi with the rate falling, then recovery.
    bits.setValueAtTime(16, 0);
    bits.setValueAtTime(16, 2 * BAR);
    bits.linearRampToValueAtTime(6, 4 * BAR);
    bits.setValueAtTime(4, 4 * BAR);
    bits.setValueAtTime(4, 6 * BAR);
    bits.linearRampToValueAtTime(12, 7 * BAR);
    downsample.setValueAtTime(1, 0);
    downsample.setValueAtTime(1, 4 * BAR);
    downsample.exponentialRampToValueAtTime(14, 6 * BAR);
    downsample.linearRampToValueAtTime(1, 7 * BAR);
    mix.setValueAtTime(1, 0);
    mix.setValueAtTime(1, 7 * BAR);
    mix.linearRampToValueAtTime(0.3, 8 * BAR);

    const noiseBuffer = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
    const noise = noiseBuffer.getChannelData(0);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.random() * 2 - 1;

    // Snare and hat noise each go through one shared filter and pan position (fewer nodes render faster).
    const snareBus = new BiquadFilterNode(ctx, { type: 'bandpass', frequency: 1900, Q: 0.8 });
    snareBus.connect(new StereoPannerNode(ctx, { pan: -0.1 })).connect(crusher);
    const hatBus = new BiquadFilterNode(ctx, { type: 'highpass', frequency: 7500 });
    hatBus.connect(new StereoPannerNode(ctx, { pan: 0.35 })).connect(crusher);

    /**
     * A burst of the shared noise, from a random place in the buffer, with an exponential fade.
     * @param {number} time
     * @param {number} length
     * @param {AudioNode} bus
     * @param {number} level
     */
    const noiseHit = (time, length, bus, level) => {
      const source = new AudioBufferSourceNode(ctx, { buffer: noiseBuffer });
      const amp = new GainNode(ctx, { gain: 0 });
      amp.gain.setValueAtTime(level, time);
      amp.gain.exponentialRampToValueAtTime(level * 0.001, time + length);
      source.connect(amp).connect(bus);
      source.start(time, Math.random() * 0.5);
      source.stop(time + length);
    };

    /**
     * A pitched one-shot: an oscillator with a pitch drop and an exponential fade.
     * @param {number} time
     * @param {OscillatorType} type
     * @param {number} fromHz
     * @param {number} toHz
     * @param {number} length
     * @param {number} level
     */
    const tone = (time, type, fromHz, toHz, length, level) => {
      const osc = new OscillatorNode(ctx, { type, frequency: fromHz });
      osc.frequency.setValueAtTime(fromHz, time);
      osc.frequency.exponentialRampToValueAtTime(toHz, time + length * 0.3);
      const amp = new GainNode(ctx, { gain: 0 });
      amp.gain.setValueAtTime(0, time);
      amp.gain.linearRampToValueAtTime(level, time + 0.002);
      amp.gain.exponentialRampToValueAtTime(level * 0.001, time + length);
      osc.connect(amp).connect(crusher);
      osc.start(time);
      osc.stop(time + length);
    };

    const bassFilter = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 420, Q: 7 });
    bassFilter.connect(crusher);

    const stabs = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 1800, Q: 1 });
    const stabEcho = new DelayNode(ctx, { delayTime: STEP * 3 });
    const stabEchoLevel = new GainNode(ctx, { gain: 0.35 });
    stabs.connect(glue);
    stabs.connect(stabEcho).connect(stabEchoLevel).connect(new StereoPannerNode(ctx, { pan: 0.6 })).connect(glue);

    /**
     * A chord stab of slightly detuned square waves.
     * @param {number} time
     * @param {number[]} chord
     * @param {number} length
     */
    const stab = (time, chord, length) => {
      for (const midi of chord) {
        const detune = (Math.random() - 0.5) * 14;
        const osc = new OscillatorNode(ctx, { type: 'square', frequency: hz(midi), detune });
        const amp = new GainNode(ctx, { gain: 0 });
        amp.gain.setValueAtTime(0, time);
        amp.gain.linearRampToValueAtTime(0.035, time + 0.004);
        amp.gain.exponentialRampToValueAtTime(0.00004, time + length);
        osc.connect(amp).connect(stabs);
        osc.start(time);
        osc.stop(time + length + 0.01);
      }
    };

    for (let bar = 0; bar < BARS; bar++) {
      const fill = bar % 4 === 3;
      for (let step = 0; step < 16; step++) {
        const time = bar * BAR + step * STEP + (step % 2 === 1 ? STEP * 0.12 : 0); // a little swing
        const kick = KICK[step];
        if (kick !== '.' || (fill && step === 13)) tone(time, 'sine', 160, 46, 0.42, kick === 'x' ? 0.9 : 0.45);
        const snare = fill && step >= 12 ? (step % 2 === 0 ? 'x' : 'o') : SNARE[step];
        if (snare !== '.') {
          const level = snare === 'x' ? 0.5 : 0.14;
          noiseHit(time, 0.19, snareBus, level);
          tone(time, 'triangle', 210, 170, 0.12, level * 0.6);
        }
        const hat = HATS[step];
        if (hat !== '.') {
          const open = step === 14 && bar % 2 === 1;
          noiseHit(time, open ? 0.28 : 0.045, hatBus, hat === 'x' ? 0.22 : 0.1);
        }
        const bass = BASS[step];
        if (bar >= 1 && bass !== null) {
          const osc = new OscillatorNode(ctx, { type: 'sawtooth', frequency: hz(bass) });
          const amp = new GainNode(ctx, { gain: 0 });
          amp.gain.setValueAtTime(0, time);
          amp.gain.linearRampToValueAtTime(0.32, time + 0.005);
          amp.gain.setValueAtTime(0.32, time + STEP * 1.6);
          amp.gain.linearRampToValueAtTime(0, time + STEP * 1.9);
          osc.connect(amp).connect(bassFilter);
          osc.start(time);
          osc.stop(time + STEP * 2);
        }
      }
      // Em9 and Cmaj7 stabs on the off-beats from the third bar, kept out of the crusher.
      if (bar >= 2) {
        const chord = bar % 2 === 0 ? EM9 : CMAJ7;
        for (const step of [2, 7]) stab(bar * BAR + step * STEP, chord, 0.32);
      }
    }

    // The ending: one last kick and a long Em9.
    tone(BARS * BAR, 'sine', 160, 42, 0.9, 0.9);
    stab(BARS * BAR, EM9, 1.8);
  },
};
