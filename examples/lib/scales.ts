// Note names, scales and chords for the example patches (imported by *.synth.ts; esbuild bundles it).

/** Semitone offsets of the natural notes from C. */
const NATURAL_OFFSETS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** A scale as semitone steps above its root, within one octave. */
export type Scale = readonly number[];

/** Scales used by the examples, as semitone offsets from the root. */
export const SCALES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  naturalMinor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  majorPentatonic: [0, 2, 4, 7, 9],
  minorPentatonic: [0, 3, 5, 7, 10],
  /** Japanese pentatonic with two semitone steps, the koto's classic tuning. */
  hirajoshi: [0, 2, 3, 7, 8],
  /** Japanese pentatonic with a flat second, darker than hirajoshi. */
  inSen: [0, 1, 5, 7, 10],
} as const satisfies Record<string, Scale>;

/** Frequency in hertz of a MIDI note number (A4 = 69 = 440 Hz, equal temperament). */
export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** MIDI note number of a name like "C4", "F#3" or "Bb2" (C4 = 60). Throws on anything else. */
export function noteToMidi(name: string): number {
  const match = /^([A-Ga-g])([#b]?)(-?\d)$/.exec(name.trim());
  if (!match) throw new Error(`Not a note name: "${name}" (expected e.g. C4, F#3, Bb2)`);
  const [, letter, accidental, octave] = match;
  const offset = NATURAL_OFFSETS[letter.toUpperCase()] + (accidental === '#' ? 1 : accidental === 'b' ? -1 : 0);
  return 12 * (Number(octave) + 1) + offset;
}

/** Frequency in hertz of a note name like "A4". */
export function noteToHz(name: string): number {
  return midiToHz(noteToMidi(name));
}

/**
 * MIDI note of a scale degree counted from `rootMidi`: degree 0 is the root, degree scale.length is the
 * octave above, negative degrees go below.
 */
export function degreeToMidi(rootMidi: number, scale: Scale, degree: number): number {
  const octave = Math.floor(degree / scale.length);
  const index = degree - octave * scale.length;
  return rootMidi + 12 * octave + scale[index];
}

/** A chord stacked in thirds on a scale degree: `size` notes taking every other degree of the scale. */
export function chordOnDegree(rootMidi: number, scale: Scale, degree: number, size = 3): number[] {
  return Array.from({ length: size }, (_, i) => degreeToMidi(rootMidi, scale, degree + 2 * i));
}
