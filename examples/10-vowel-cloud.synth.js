// Vowel cloud: a choir-like cloud of about a hundred and fifty short grains cut from a sung "ah" that is itself
// synthesised in code, drifting through four chords, densest in the middle.
// Demonstrates granular synthesis with AudioBufferSourceNode (a buffer computed sample by sample, grains
// started at random offsets with `start(when, offset, duration)`, pitched by playbackRate), grain envelopes
// with setValueCurveAtTime, seeded Math.random for timing and panning, a DynamicsCompressorNode as a
// gentle leveller, and a feedback delay diffusing the cloud.

const DURATION = 24;
/** Formants of an open "ah" vowel: [centre frequency, bandwidth, level]. */
const FORMANTS = [[750, 90, 1], [1150, 110, 0.5], [2600, 160, 0.2], [3300, 250, 0.1]];
/** The four chords as frequency ratios to the sung note (A3), one every six seconds. */
const CHORDS = [
  [1, 1.26, 1.5, 1.89],
  [0.89, 1.12, 1.33, 1.68],
  [0.79, 1, 1.19, 1.5],
  [1, 1.19, 1.5, 2],
];

/**
 * One second of a sung "ah" on A3: harmonics weighted by the vowel's formant peaks, with a slow vibrato.
 * @param {BaseAudioContext} ctx
 */
function sungVowel(ctx) {
  const fundamental = 220;
  const length = ctx.sampleRate;
  const buffer = ctx.createBuffer(1, length, ctx.sampleRate);
  const samples = buffer.getChannelData(0);
  const harmonics = [];
  for (let n = 1; n * fundamental < Math.min(5000, ctx.sampleRate / 2); n++) {
    const f = n * fundamental;
    let level = 0;
    for (const [centre, width, gain] of FORMANTS) level += gain / (1 + ((f - centre) / width) ** 2);
    harmonics.push({ n, level: level / Math.sqrt(n) });
  }
  let phase = 0;
  for (let i = 0; i < length; i++) {
    const t = i / ctx.sampleRate;
    phase += (2 * Math.PI * fundamental * (1 + 0.006 * Math.sin(2 * Math.PI * 5 * t))) / ctx.sampleRate;
    let value = 0;
    for (const { n, level } of harmonics) value += level * Math.sin(n * phase);
    samples[i] = value * 0.25;
  }
  return buffer;
}

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  seed: 21,
  build(ctx, out) {
    const leveller = new DynamicsCompressorNode(ctx, {
      threshold: -18, knee: 12, ratio: 2.5, attack: 0.02, release: 0.3,
    });
    const master = new GainNode(ctx, { gain: 1.3 });
    leveller.connect(master).connect(out);

    const diffuse = new DelayNode(ctx, { delayTime: 0.23 });
    const diffuseFeedback = new GainNode(ctx, { gain: 0.5 });
    const diffuseTone = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 2500 });
    const diffuseLevel = new GainNode(ctx, { gain: 0.4 });
    diffuse.connect(diffuseTone).connect(diffuseFeedback).connect(diffuse);
    diffuseTone.connect(diffuseLevel).connect(leveller);

    const voice = sungVowel(ctx);
    // A raised-cosine grain window; each grain scales it to its own level.
    const windowShape = new Float32Array(64).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 63));
    const panBuses = [-0.8, -0.3, 0.3, 0.8].map((pan) => {
      const bus = new StereoPannerNode(ctx, { pan });
      bus.connect(leveller);
      bus.connect(diffuse);
      return bus;
    });

    let time = 0.05;
    while (time < DURATION - 1.5) {
      const progress = time / DURATION;
      // Density swells from about 3 to 9 grains a second and back.
      const density = 3 + 6 * Math.sin(Math.PI * progress) ** 2;
      const chord = CHORDS[Math.min(CHORDS.length - 1, Math.floor(time / 6))];
      const ratio = chord[Math.floor(Math.random() * chord.length)] * (Math.random() < 0.2 ? 2 : 1);
      const length = 0.2 + Math.random() * 0.35;
      // The vowel buffer loops seamlessly (whole cycles of pitch and vibrato), so fast grains never run off its end.
      const grain = new AudioBufferSourceNode(ctx, { buffer: voice, playbackRate: ratio, loop: true });
      const envelope = new GainNode(ctx, { gain: 0 });
      const level = (0.5 + 0.5 * Math.random()) / Math.sqrt(ratio);
      envelope.gain.setValueCurveAtTime(windowShape.map((value) => value * level), time, length);
      grain.connect(envelope).connect(panBuses[Math.floor(Math.random() * panBuses.length)]);
      grain.start(time, Math.random() * 0.4, length * ratio);
      time += (0.4 + Math.random() * 1.2) / density;
    }
  },
};
