// Tidal noise: waves breaking on a shore, a low drone under them and a distant bell buoy.
// Demonstrates noise generated from Math.random into an AudioBuffer (seeded: every render is the same),
// an IIRFilterNode whose coefficients are computed in code (a pinking filter, -3 dB per octave), and
// setValueCurveAtTime: each wave's swell is a curve on a band-pass filter's frequency and on a gain.

const DURATION = 28;

/**
 * Multiplies out (1 - r0 z^-1)(1 - r1 z^-1)... into polynomial coefficients [1, c1, c2, ...].
 * @param {number[]} roots
 */
function polynomialFromRoots(roots) {
  let coefficients = [1];
  for (const root of roots) {
    const next = [...coefficients, 0];
    for (let i = 1; i < next.length; i++) next[i] -= root * coefficients[i - 1];
    coefficients = next;
  }
  return coefficients;
}

/**
 * A pinking filter: alternating real poles and zeros spaced evenly on a log-frequency axis, half a decade
 * apart, so the response falls about 3 dB per octave between 20 Hz and 20 kHz. Normalised to unity at 1 kHz.
 * @param {number} sampleRate
 */
function pinkingCoefficients(sampleRate) {
  const poleFrequencies = [20, 200, 2000, 20000].map((f) => Math.min(f, sampleRate * 0.45));
  const toRoot = (/** @type {number} */ f) => Math.exp((-2 * Math.PI * f) / sampleRate);
  const feedback = polynomialFromRoots(poleFrequencies.map(toRoot));
  const feedforward = polynomialFromRoots(poleFrequencies.map((f) => toRoot(f * Math.sqrt(10))));
  // Evaluate |H| at 1 kHz to normalise.
  const w = (2 * Math.PI * 1000) / sampleRate;
  /** @param {number[]} c */
  const magnitude = (c) => {
    let re = 0;
    let im = 0;
    c.forEach((value, k) => {
      re += value * Math.cos(w * k);
      im -= value * Math.sin(w * k);
    });
    return Math.hypot(re, im);
  };
  const gain = magnitude(feedback) / magnitude(feedforward);
  return { feedforward: feedforward.map((c) => c * gain), feedback };
}

/**
 * A rise-and-fall swell shape for setValueCurveAtTime: fast rise, long tail, from `low` to `high`.
 * @param {number} low
 * @param {number} high
 * @param {number} points
 */
function swellCurve(low, high, points) {
  const curve = new Float32Array(points);
  for (let i = 0; i < points; i++) {
    const x = i / (points - 1);
    const shape = Math.sin(Math.PI * Math.pow(x, 0.6)) ** 2;
    curve[i] = low + (high - low) * shape;
  }
  return curve;
}

/**
 * A loopable buffer of white noise from the seeded Math.random.
 * @param {BaseAudioContext} ctx
 * @param {number} seconds
 */
function whiteNoise(ctx, seconds) {
  const buffer = ctx.createBuffer(1, Math.round(seconds * ctx.sampleRate), ctx.sampleRate);
  const samples = buffer.getChannelData(0);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.random() * 2 - 1;
  return buffer;
}

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  seed: 3,
  build(ctx, out) {
    const master = new GainNode(ctx, { gain: 0 });
    master.gain.setValueAtTime(0, 0);
    master.gain.linearRampToValueAtTime(1, 2);
    master.gain.setValueAtTime(1, DURATION - 3);
    master.gain.linearRampToValueAtTime(0, DURATION);
    master.connect(out);

    const { feedforward, feedback } = pinkingCoefficients(ctx.sampleRate);

    // Two shores, left and right, each with its own noise and its own rhythm of waves.
    for (const [side, firstWave] of [[-0.7, 0.3], [0.7, 2.6]]) {
      const noise = new AudioBufferSourceNode(ctx, { buffer: whiteNoise(ctx, 5), loop: true });
      const pink = new IIRFilterNode(ctx, { feedforward, feedback });
      const surf = new BiquadFilterNode(ctx, { type: 'bandpass', Q: 0.8 });
      const noRumble = new BiquadFilterNode(ctx, { type: 'highpass', frequency: 90 });
      const level = new GainNode(ctx, { gain: 0 });
      const pan = new StereoPannerNode(ctx, { pan: side });
      noise.connect(pink).connect(noRumble).connect(surf).connect(level).connect(pan).connect(master);
      noise.start(0);

      // Waves back to back: setValueCurveAtTime events must not overlap on one parameter.
      let time = firstWave;
      while (time < DURATION - 2) {
        const length = Math.min(4.5 + Math.random() * 3, DURATION - time);
        const size = 0.6 + Math.random() * 0.4;
        surf.frequency.setValueCurveAtTime(swellCurve(250, 250 + 2200 * size, 64), time, length);
        level.gain.setValueCurveAtTime(swellCurve(0.05, 0.8 * size, 64), time, length);
        time += length + 0.05;
      }
    }

    // The sea's low hum: two detuned sines a fifth apart, slowly tremolo'd.
    const drone = new GainNode(ctx, { gain: 0.03 });
    drone.connect(master);
    const tremolo = new OscillatorNode(ctx, { frequency: 0.11 });
    const tremoloDepth = new GainNode(ctx, { gain: 0.015 });
    tremolo.connect(tremoloDepth).connect(drone.gain);
    tremolo.start(0);
    for (const frequency of [55, 55.3, 82.4]) {
      const hum = new OscillatorNode(ctx, { frequency });
      hum.connect(drone);
      hum.start(0);
    }

    // A bell buoy far away: inharmonic partials, struck every few seconds as the waves rock it.
    const buoy = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 2500 });
    const buoyPan = new StereoPannerNode(ctx, { pan: 0.25 });
    buoy.connect(buoyPan).connect(master);
    for (let strike = 3.7; strike < DURATION - 4; strike += 4.2 + Math.random() * 2.5) {
      for (const [ratio, amount, ring] of [[1, 0.12, 3.5], [2.76, 0.06, 2], [5.4, 0.03, 1.2], [8.93, 0.015, 0.7]]) {
        const partial = new OscillatorNode(ctx, { frequency: 392 * ratio });
        const amp = new GainNode(ctx, { gain: 0 });
        amp.gain.setValueAtTime(0, strike);
        amp.gain.linearRampToValueAtTime(amount, strike + 0.005);
        amp.gain.exponentialRampToValueAtTime(amount * 0.001, strike + ring);
        partial.connect(amp).connect(buoy);
        partial.start(strike);
        partial.stop(strike + ring);
      }
    }
  },
};
