// Pentatonic rain: a generative sixteenth-note melody of plucked notes over a bass line and soft chords,
// about 160 short voices in all, echoed by a filtered ping-pong feedback delay.
// Demonstrates many short-lived voices with their own amplitude and filter envelopes (each voice is an
// OscillatorNode -> BiquadFilterNode -> GainNode that stops itself), a feedback loop through DelayNodes
// (a cycle is allowed because it contains a delay), ChannelMergerNode for the ping-pong, and seeded
// Math.random choosing the notes: every render plays the same tune; change `seed` for another.

/**
 * MIDI note number to frequency in hertz.
 * @param {number} midi
 */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

const BPM = 96;
const SIXTEENTH = 60 / BPM / 4;
const BARS = 11;
const DURATION = BARS * 16 * SIXTEENTH + 3; // the last echoes need a few seconds to fade
/** C major pentatonic over two octaves: fits every chord of the progression below. */
const MELODY_SCALE = [72, 74, 76, 79, 81, 84, 86, 88, 91, 93];
/** Bass roots per bar, vi-IV-I-V in C major. */
const BASS_ROOTS = [45, 41, 48, 43];
/** A soft chord under each bar, voiced close together around middle C. */
const PAD_CHORDS = [[57, 60, 64], [57, 60, 65], [55, 60, 64], [55, 59, 62]];

/**
 * One plucked note: a bright attack whose filter closes quickly, then an exponential fade.
 * @param {BaseAudioContext} ctx
 * @param {AudioNode} destination
 * @param {{ midi: number, time: number, velocity: number, decay: number,
 *   type: OscillatorType, brightness: number }} note
 */
function pluck(ctx, destination, note) {
  const { midi, time, velocity, decay, type, brightness } = note;
  const osc = new OscillatorNode(ctx, { type, frequency: hz(midi) });
  const tone = new BiquadFilterNode(ctx, { type: 'lowpass', Q: 2 });
  tone.frequency.setValueAtTime(hz(midi) * brightness, time);
  tone.frequency.exponentialRampToValueAtTime(hz(midi) * 1.5, time + decay * 0.6);
  const amp = new GainNode(ctx, { gain: 0 });
  amp.gain.setValueAtTime(0, time);
  amp.gain.linearRampToValueAtTime(velocity, time + 0.004);
  amp.gain.exponentialRampToValueAtTime(velocity * 0.001, time + decay);
  osc.connect(tone).connect(amp).connect(destination);
  osc.start(time);
  osc.stop(time + decay + 0.01);
}

/** @type {import('patchscope').Patch} */
export default {
  duration: DURATION,
  seed: 7,
  build(ctx, out) {
    const master = new GainNode(ctx, { gain: 0.9 });
    master.connect(out);

    // Ping-pong echo: left repeats feed the right delay and vice versa, each pass a little darker.
    const echoSend = new GainNode(ctx, { gain: 0.5 });
    const left = new DelayNode(ctx, { delayTime: SIXTEENTH * 3, maxDelayTime: 2 });
    const right = new DelayNode(ctx, { delayTime: SIXTEENTH * 3, maxDelayTime: 2 });
    const darken = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 3200, Q: 0.5 });
    const thin = new BiquadFilterNode(ctx, { type: 'highpass', frequency: 350 });
    const feedback = new GainNode(ctx, { gain: 0.55 });
    echoSend.connect(thin).connect(left);
    left.connect(right);
    right.connect(darken).connect(feedback).connect(left);
    const echoes = new ChannelMergerNode(ctx, { numberOfInputs: 2 });
    const echoLevel = new GainNode(ctx, { gain: 0.55 });
    left.connect(echoes, 0, 0);
    right.connect(echoes, 0, 1);
    echoes.connect(echoLevel).connect(master);

    const melodyBus = new StereoPannerNode(ctx, { pan: -0.15 });
    melodyBus.connect(master);
    melodyBus.connect(echoSend);
    const bassBus = new GainNode(ctx, { gain: 1 });
    bassBus.connect(master);

    // Random walk over the scale: small steps are likely, leaps rare, and some sixteenths rest.
    let degree = 4;
    for (let step = 0; step < BARS * 16; step++) {
      const time = step * SIXTEENTH;
      const bar = Math.floor(step / 16);
      const beatStep = step % 4;
      const restChance = beatStep === 0 ? 0.05 : bar < 2 ? 0.55 : 0.2;
      if (Math.random() >= restChance) {
        degree += Math.round((Math.random() - 0.5) * (Math.random() < 0.15 ? 6 : 3));
        degree = Math.max(0, Math.min(MELODY_SCALE.length - 1, degree));
        const accent = beatStep === 0 ? 1 : beatStep === 2 ? 0.75 : 0.55;
        pluck(ctx, melodyBus, {
          midi: MELODY_SCALE[degree],
          time: time + Math.random() * 0.008, // a few milliseconds of human timing
          velocity: 0.3 * accent * (0.8 + 0.4 * Math.random()),
          decay: 0.35 + 0.4 * Math.random(),
          type: 'triangle',
          brightness: 6 + 6 * accent,
        });
      }
      // Bass: root on beats 1 and 3, the fifth on the "and" of 4, from bar 3 on.
      if (bar >= 2 && bar < BARS - 1) {
        const root = BASS_ROOTS[bar % BASS_ROOTS.length];
        const position = step % 16;
        const bassNote = position === 0 || position === 8 ? root : position === 14 ? root + 7 : null;
        if (bassNote !== null) {
          pluck(ctx, bassBus, { midi: bassNote, time, velocity: 0.2, decay: 0.9, type: 'sawtooth', brightness: 4 });
        }
      }
    }
    // A final low C under the last echoes.
    const lastBar = (BARS - 1) * 16 * SIXTEENTH;
    pluck(ctx, bassBus, { midi: 36, time: lastBar, velocity: 0.2, decay: 3.5, type: 'sawtooth', brightness: 3 });

    // The pad: three long-lived voices retuned at each bar line, where their envelope dips to silence.
    const padBus = new BiquadFilterNode(ctx, { type: 'lowpass', frequency: 1400, Q: 0.7 });
    padBus.connect(master);
    for (let voiceIndex = 0; voiceIndex < 3; voiceIndex++) {
      const voice = new OscillatorNode(ctx, { type: 'triangle', detune: (voiceIndex - 1) * 5 });
      const amp = new GainNode(ctx, { gain: 0 });
      voice.connect(amp).connect(padBus);
      for (let bar = 2; bar < BARS; bar++) {
        const start = bar * 16 * SIXTEENTH;
        const end = start + 16 * SIXTEENTH;
        const last = bar === BARS - 1;
        const chord = last ? [55, 60, 64] : PAD_CHORDS[bar % PAD_CHORDS.length];
        voice.frequency.setValueAtTime(hz(chord[voiceIndex]), start);
        amp.gain.setValueAtTime(0, start);
        amp.gain.linearRampToValueAtTime(0.045, start + 0.5);
        amp.gain.linearRampToValueAtTime(0.03, end - 0.15);
        amp.gain.linearRampToValueAtTime(0, last ? end + 2.5 : end - 0.01);
      }
      voice.start(2 * 16 * SIXTEENTH);
      voice.stop(BARS * 16 * SIXTEENTH + 2.6);
    }
  },
};
