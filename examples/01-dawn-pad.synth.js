// Dawn pad: four slow chords of detuned sawtooth voices that open up like a sunrise and settle again.
// Demonstrates parameter automation on a shared low-pass BiquadFilterNode (setValueAtTime,
// linearRampToValueAtTime, exponentialRampToValueAtTime, setTargetAtTime), an LFO driving an AudioParam,
// per-voice envelopes, StereoPannerNode spread, and a ConvolverNode whose impulse response is generated
// in code from decaying Math.random noise.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

/** Chords as MIDI notes, one every CHORD_SECONDS: Dmaj9, Bm11, Gmaj7(#11), A6sus, back home to Dmaj9. */
const CHORDS = [
  [50, 57, 61, 64, 66, 69],
  [47, 54, 57, 62, 64, 69],
  [43, 50, 54, 57, 61, 66],
  [45, 52, 54, 59, 62, 64],
  [38, 50, 57, 61, 64, 66],
];
const CHORD_SECONDS = 5;
const DURATION = 26;

/**
 * A stereo hall impulse response: independent noise per channel under an exponential decay, getting
 * darker as it decays (a one-pole low-pass whose smoothing grows with time).
 * @param {BaseAudioContext} ctx
 * @param {number} seconds
 */
function hallImpulse(ctx, seconds) {
  const length = Math.round(seconds * ctx.sampleRate);
  const impulse = ctx.createBuffer(2, length, ctx.sampleRate);
  for (let channel = 0; channel < 2; channel++) {
    const samples = impulse.getChannelData(channel);
    let smoothed = 0;
    for (let i = 0; i < length; i++) {
      const t = i / ctx.sampleRate;
      const brightness = 0.9 * Math.exp(-t / 0.9) + 0.08;
      smoothed += brightness * ((Math.random() * 2 - 1) - smoothed);
      // The first 25 ms ramp in, so the reverb blooms instead of clicking.
      samples[i] = smoothed * Math.exp(-t / (seconds / 6.9)) * Math.min(1, t / 0.025);
    }
  }
  return impulse;
}

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  build(ctx, out) {
    const master = new GainNode(ctx, { gain: 0 });
    master.gain.setValueAtTime(0, 0);
    master.gain.linearRampToValueAtTime(0.5, 3);
    master.gain.setValueAtTime(0.5, DURATION - 4);
    master.gain.linearRampToValueAtTime(0, DURATION);
    master.connect(out);

    // The sunrise: the filter opens over the first half, then closes with a slow exponential approach.
    const filter = new BiquadFilterNode(ctx, { type: 'lowpass', Q: 4 });
    filter.frequency.setValueAtTime(220, 0);
    filter.frequency.exponentialRampToValueAtTime(900, 6);
    filter.frequency.linearRampToValueAtTime(2600, 13);
    // Pinning the value where setTargetAtTime starts keeps every engine on the same curve (node-web-audio-api
    // 2.2.0 computes a wrong value in the gap before a setTargetAtTime that follows an earlier event).
    filter.frequency.setValueAtTime(2600, 16);
    filter.frequency.setTargetAtTime(500, 16, 3.5);
    filter.Q.setValueAtTime(4, 0);
    filter.Q.linearRampToValueAtTime(9, 13);
    filter.Q.linearRampToValueAtTime(3, 22);

    // A slow LFO makes the filter breathe on top of the automation (AudioParam inputs add to the value).
    const breath = new OscillatorNode(ctx, { type: 'sine', frequency: 0.13 });
    const breathDepth = new GainNode(ctx, { gain: 180 });
    breath.connect(breathDepth).connect(filter.frequency);
    breath.start(0);
    breath.stop(DURATION);

    const reverb = new ConvolverNode(ctx, { buffer: hallImpulse(ctx, 2.8) });
    const wet = new GainNode(ctx, { gain: 0.55 });
    const dry = new GainNode(ctx, { gain: 0.7 });
    filter.connect(dry).connect(master);
    filter.connect(reverb).connect(wet).connect(master);

    CHORDS.forEach((chord, chordIndex) => {
      const start = chordIndex * CHORD_SECONDS;
      const isLast = chordIndex === CHORDS.length - 1;
      const release = isLast ? DURATION - 1.5 : start + CHORD_SECONDS + 0.4;
      chord.forEach((midi, voiceIndex) => {
        const level = new GainNode(ctx, { gain: 0 });
        const peak = midi < 48 ? 0.22 : 0.15;
        level.gain.setValueAtTime(0, start);
        level.gain.linearRampToValueAtTime(peak, start + 1.8);
        level.gain.setValueAtTime(peak, release);
        level.gain.setTargetAtTime(0, release, 0.9);
        const pan = new StereoPannerNode(ctx, { pan: ((voiceIndex % 2 === 0 ? -1 : 1) * (0.25 + voiceIndex * 0.1)) });
        level.connect(pan).connect(filter);
        // Two saws a few cents apart beat slowly against each other: the classic string-machine chorus.
        for (const cents of [-7, 6]) {
          const saw = new OscillatorNode(ctx, { type: 'sawtooth', frequency: hz(midi), detune: cents });
          saw.connect(level);
          saw.start(start);
          saw.stop(Math.min(DURATION, release + 5));
        }
      });
    });

    // A high sine an octave above the last chord's top note glints in with the final chord.
    const glint = new OscillatorNode(ctx, { frequency: hz(78) });
    const glintLevel = new GainNode(ctx, { gain: 0 });
    glintLevel.gain.setValueAtTime(0, 20);
    glintLevel.gain.linearRampToValueAtTime(0.08, 22);
    glintLevel.gain.linearRampToValueAtTime(0, 25.5);
    glint.connect(glintLevel).connect(reverb);
    glint.start(20);
    glint.stop(DURATION);
  },
};
