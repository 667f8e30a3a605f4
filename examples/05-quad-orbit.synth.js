// Quad orbit: an arpeggio that circles the listener once every five seconds over a pad in front, with a
// bell answering from a different corner at each chord. Four output channels: front left, front right,
// rear left, rear right.
// Demonstrates a multichannel patch (`channels: 4`) built with ChannelMergerNode, equal-power panning
// around four speakers computed in code and applied with setValueCurveAtTime, and per-note envelopes.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

const DURATION = 22;
const BPM = 112;
const EIGHTH = 60 / BPM / 2;
const CHORD_SECONDS = 16 * EIGHTH;
const ORBIT_SECONDS = 5;
/** Speaker azimuths in degrees, in channel order: front left, front right, rear left, rear right. */
const SPEAKER_ANGLES = [-45, 45, -135, 135];
/** Dm9, Bbmaj7, Gm9, A7sus4, as MIDI notes from the bass up. */
const CHORDS = [
  [38, 53, 57, 60, 64, 65],
  [34, 50, 53, 57, 60, 62],
  [31, 50, 53, 57, 58, 62],
  [33, 50, 52, 55, 57, 62],
];
/** Arpeggio order over the chord's upper notes, one index per eighth. */
const ARPEGGIO = [1, 2, 3, 4, 5, 4, 3, 2, 1, 3, 5, 3, 2, 4, 5, 4];

/**
 * Equal-power gains of the four speakers for a source at `angle` degrees (0 = front, clockwise).
 * @param {number} angle
 */
function quadGains(angle) {
  const gains = [0, 0, 0, 0];
  // Walk the ring front left -> front right -> rear right -> rear left and find the pair around `angle`.
  const ring = [0, 1, 3, 2];
  const normalised = (((angle + 45) % 360) + 360) % 360;
  const segment = Math.floor(normalised / 90);
  const fraction = (normalised - segment * 90) / 90;
  gains[ring[segment]] = Math.cos((fraction * Math.PI) / 2);
  gains[ring[(segment + 1) % 4]] = Math.sin((fraction * Math.PI) / 2);
  return gains;
}

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  channels: 4,
  build(ctx, out) {
    const speakers = new ChannelMergerNode(ctx, { numberOfInputs: 4 });
    const master = new GainNode(ctx, { gain: 1.5, channelCount: 4, channelCountMode: 'explicit' });
    speakers.connect(master).connect(out);

    // The orbiting voice: one gain per speaker, each driven by a curve sampled 30 times a second.
    const orbit = new GainNode(ctx, { gain: 1, channelCount: 1, channelCountMode: 'explicit' });
    const points = Math.round(DURATION * 30);
    const curves = SPEAKER_ANGLES.map(() => new Float32Array(points));
    for (let i = 0; i < points; i++) {
      const time = (i / (points - 1)) * DURATION;
      const gains = quadGains((time / ORBIT_SECONDS) * 360);
      gains.forEach((gain, speaker) => {
        curves[speaker][i] = gain;
      });
    }
    curves.forEach((curve, speaker) => {
      const send = new GainNode(ctx, { gain: 0 });
      send.gain.setValueCurveAtTime(curve, 0, DURATION);
      orbit.connect(send).connect(speakers, 0, speaker);
    });

    // Pad in the front pair, a darker copy in the rear for depth.
    const padFront = new GainNode(ctx, { gain: 1 });
    const padRear = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 700 });
    const padRearLevel = new GainNode(ctx, { gain: 0.45 });
    padFront.connect(speakers, 0, 0);
    padFront.connect(speakers, 0, 1);
    padFront.connect(padRear).connect(padRearLevel);
    padRearLevel.connect(speakers, 0, 2);
    padRearLevel.connect(speakers, 0, 3);

    const bellCorners = [0, 1, 3, 2];
    const totalChords = Math.ceil((DURATION - 2) / CHORD_SECONDS);
    for (let index = 0; index < totalChords; index++) {
      const chord = CHORDS[index % CHORDS.length];
      const start = index * CHORD_SECONDS;
      const end = Math.min(start + CHORD_SECONDS, DURATION - 2);
      const last = index === totalChords - 1;

      for (const [voice, midi] of chord.entries()) {
        const type = voice === 0 ? 'triangle' : 'sawtooth';
        const osc = new OscillatorNode(ctx, { type, frequency: hz(midi), detune: voice * 3 - 7 });
        const tone = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: voice === 0 ? 400 : 900, Q: 0.5 });
        const amp = new GainNode(ctx, { gain: 0 });
        const level = voice === 0 ? 0.1 : 0.03;
        const release = last ? DURATION - 0.2 : end + 0.6;
        amp.gain.setValueAtTime(0, start);
        amp.gain.linearRampToValueAtTime(level, start + 0.8);
        amp.gain.linearRampToValueAtTime(level * 0.7, end);
        amp.gain.linearRampToValueAtTime(0, release);
        osc.connect(tone).connect(amp).connect(padFront);
        osc.start(start);
        osc.stop(release);
      }

      const arpeggioEnd = last ? DURATION - 1.5 : end;
      for (let step = 0; start + step * EIGHTH < arpeggioEnd; step++) {
        const time = start + step * EIGHTH;
        const midi = chord[ARPEGGIO[step % ARPEGGIO.length]] + 12;
        const osc = new OscillatorNode(ctx, { type: 'sawtooth', frequency: hz(midi) });
        const tone = new BiquadFilterNode(ctx, { type: 'lowpass', Q: 3 });
        tone.frequency.setValueAtTime(5000, time);
        tone.frequency.exponentialRampToValueAtTime(500, time + 0.25);
        const amp = new GainNode(ctx, { gain: 0 });
        const accent = step % 4 === 0 ? 0.2 : 0.13;
        amp.gain.setValueAtTime(0, time);
        amp.gain.linearRampToValueAtTime(accent, time + 0.005);
        amp.gain.exponentialRampToValueAtTime(accent * 0.002, time + 0.5);
        osc.connect(tone).connect(amp).connect(orbit);
        osc.start(time);
        osc.stop(time + 0.5);
      }

      // The bell: inharmonic partials, rung from the next corner round.
      const corner = bellCorners[index % 4];
      const bellTime = start + EIGHTH * 0.5;
      for (const [ratio, amount, ring] of [[1, 0.16, 2.8], [2.4, 0.07, 1.8], [3.9, 0.04, 1.1], [6.1, 0.02, 0.6]]) {
        const partial = new OscillatorNode(ctx, { frequency: hz(chord[3] + 24) * ratio });
        const amp = new GainNode(ctx, { gain: 0 });
        amp.gain.setValueAtTime(0, bellTime);
        amp.gain.linearRampToValueAtTime(amount, bellTime + 0.003);
        amp.gain.exponentialRampToValueAtTime(amount * 0.001, bellTime + ring);
        partial.connect(amp).connect(speakers, 0, corner);
        partial.start(bellTime);
        partial.stop(bellTime + ring);
      }
    }
  },
};
