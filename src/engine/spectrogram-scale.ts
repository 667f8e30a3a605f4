// Frequency axes of a spectrogram: which FFT bins each display row shows, and where the Hz labels go.
// Rows count from the bottom (row 0 is the lowest frequency). No Node imports: the webview bundles this.
import type { Hertz } from './units';

/** How display rows are spread over frequency. */
export type FrequencyScaleKind = 'linear' | 'log' | 'mel';

/** Every frequency scale, default first. */
export const FREQUENCY_SCALES: readonly FrequencyScaleKind[] = ['log', 'linear', 'mel'];

/** Settings of a frequency axis. */
export interface FrequencyScaleOptions {
  kind: FrequencyScaleKind;
  /** Display rows the axis spans. */
  rows: number;
  sampleRate: Hertz;
  /** FFT length whose bins the rows sample. */
  fftSize: number;
  /** Lowest frequency shown (default 20 Hz for log, 0 otherwise). */
  minFrequency?: Hertz;
  /** Highest frequency shown (default the Nyquist frequency). */
  maxFrequency?: Hertz;
}

/** One labelled tick of a frequency axis. */
export interface FrequencyTick {
  frequency: Hertz;
  /** Fractional row coordinate from the bottom (row r spans [r, r + 1)). */
  position: number;
  label: string;
}

/** Mel number of a frequency (the common 2595 * log10(1 + f / 700) form). */
export function hertzToMel(frequency: Hertz): number {
  return 2595 * Math.log10(1 + frequency / 700);
}

/** Frequency of a mel number. */
export function melToHertz(mel: number): Hertz {
  return 700 * (Math.pow(10, mel / 2595) - 1);
}

/** Short Hz label: 20, 500, 1k, 1.5k, 20k. */
export function formatHertz(frequency: Hertz): string {
  if (frequency < 1000) return String(Math.round(frequency));
  const kilo = frequency / 1000;
  return `${Number.isInteger(kilo) ? kilo : Number(kilo.toFixed(1))}k`;
}

/** The 1-2-5 series of label frequencies from 10 Hz to 100 kHz. */
const NICE_LOG_TICKS: readonly Hertz[] = [
  10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000,
];

/** Maps display rows to frequencies and FFT bins for one axis. */
export class FrequencyScale {
  readonly kind: FrequencyScaleKind;
  readonly rows: number;
  readonly sampleRate: Hertz;
  readonly fftSize: number;
  readonly minFrequency: Hertz;
  readonly maxFrequency: Hertz;
  /** Per row: first bin of the max-pooled span, or the lower bin of an interpolation. */
  private readonly firstBin: Int32Array;
  /** Per row: last bin of the max-pooled span, or -1 when the row interpolates between two bins. */
  private readonly lastBin: Int32Array;
  /** Per row: weight of the upper bin when interpolating. */
  private readonly fraction: Float32Array;

  constructor(options: FrequencyScaleOptions) {
    const nyquist = options.sampleRate / 2;
    this.kind = options.kind;
    this.rows = options.rows;
    this.sampleRate = options.sampleRate;
    this.fftSize = options.fftSize;
    this.minFrequency = options.minFrequency ?? (options.kind === 'log' ? 20 : 0);
    this.maxFrequency = Math.min(options.maxFrequency ?? nyquist, nyquist);
    if (!(this.rows >= 1)) throw new Error(`a frequency axis needs at least one row, got ${this.rows}`);
    if (!(this.maxFrequency > this.minFrequency) || this.minFrequency < 0) {
      throw new Error(`bad frequency range ${this.minFrequency}..${this.maxFrequency} Hz`);
    }
    if (this.kind === 'log' && this.minFrequency <= 0) throw new Error('a log frequency axis needs a minimum above 0 Hz');
    this.firstBin = new Int32Array(this.rows);
    this.lastBin = new Int32Array(this.rows);
    this.fraction = new Float32Array(this.rows);
    const binsPerHertz = this.fftSize / this.sampleRate;
    const lastBin = this.fftSize / 2;
    for (let row = 0; row < this.rows; row++) {
      const low = this.frequencyAt(row / this.rows) * binsPerHertz;
      const high = this.frequencyAt((row + 1) / this.rows) * binsPerHertz;
      const first = Math.ceil(low);
      const last = Math.min(lastBin, Math.floor(high));
      if (last >= first && high - low >= 1) {
        this.firstBin[row] = first;
        this.lastBin[row] = last;
      } else {
        // The row is narrower than a bin: interpolate at its centre so low rows do not show stair steps.
        const centre = Math.min(lastBin, this.frequencyAt((row + 0.5) / this.rows) * binsPerHertz);
        const lower = Math.min(lastBin - 1, Math.floor(centre));
        this.firstBin[row] = lower;
        this.lastBin[row] = -1;
        this.fraction[row] = centre - lower;
      }
    }
  }

  /** Frequency at a position along the axis, 0 = bottom edge, 1 = top edge. */
  frequencyAt(position: number): Hertz {
    const { minFrequency: low, maxFrequency: high } = this;
    switch (this.kind) {
      case 'linear':
        return low + (high - low) * position;
      case 'log':
        return low * Math.pow(high / low, position);
      case 'mel': {
        const melLow = hertzToMel(low);
        return melToHertz(melLow + (hertzToMel(high) - melLow) * position);
      }
    }
  }

  /** Position along the axis (0 = bottom edge, 1 = top edge) of a frequency; outside [0, 1] when off the axis. */
  positionOf(frequency: Hertz): number {
    const { minFrequency: low, maxFrequency: high } = this;
    switch (this.kind) {
      case 'linear':
        return (frequency - low) / (high - low);
      case 'log':
        return Math.log(frequency / low) / Math.log(high / low);
      case 'mel': {
        const melLow = hertzToMel(low);
        return (hertzToMel(frequency) - melLow) / (hertzToMel(high) - melLow);
      }
    }
  }

  /** Frequency at the centre of a row (row 0 = bottom). */
  rowFrequency(row: number): Hertz {
    return this.frequencyAt((row + 0.5) / this.rows);
  }

  /** Row (from the bottom) that shows a frequency, or -1 when it is off the axis. */
  rowOf(frequency: Hertz): number {
    const position = this.positionOf(frequency);
    if (!(position >= 0 && position < 1)) return -1;
    return Math.floor(position * this.rows);
  }

  /**
   * Levels per row from one STFT frame of dB magnitudes: the loudest bin when a row spans several bins,
   * a linear interpolation between the two nearest bins when it is narrower than one. out[0] is the bottom row.
   */
  sample(frameDb: Float32Array, out: Float32Array): void {
    const firstBin = this.firstBin;
    const lastBin = this.lastBin;
    const fraction = this.fraction;
    for (let row = 0; row < this.rows; row++) {
      const first = firstBin[row];
      const last = lastBin[row];
      if (last < 0) {
        const t = fraction[row];
        out[row] = frameDb[first] * (1 - t) + frameDb[first + 1] * t;
      } else {
        let loudest = frameDb[first];
        for (let b = first + 1; b <= last; b++) if (frameDb[b] > loudest) loudest = frameDb[b];
        out[row] = loudest;
      }
    }
  }

  /**
   * Labelled ticks at least `minSpacing` rows apart: the 1-2-5 series (20, 50, 100 ... 20k) on log and mel
   * axes, even multiples of a 1-2-5 step on a linear one.
   */
  ticks(minSpacing: number): FrequencyTick[] {
    const candidates: Hertz[] = [];
    if (this.kind === 'linear') {
      const span = this.maxFrequency - this.minFrequency;
      const maxTicks = Math.max(1, Math.floor(this.rows / Math.max(1, minSpacing)));
      const step = niceStep(span / maxTicks);
      for (let f = Math.ceil(this.minFrequency / step) * step; f <= this.maxFrequency; f += step) candidates.push(f);
    } else {
      for (const f of NICE_LOG_TICKS) if (f >= this.minFrequency && f <= this.maxFrequency) candidates.push(f);
    }
    const ticks: FrequencyTick[] = [];
    let lastPosition = -Infinity;
    for (const frequency of candidates) {
      const position = this.positionOf(frequency) * this.rows;
      if (position - lastPosition < minSpacing) continue;
      ticks.push({ frequency, position, label: formatHertz(frequency) });
      lastPosition = position;
    }
    return ticks;
  }
}

/** Smallest value of the 1-2-5 series (times a power of ten) that is at least `raw`. */
export function niceStep(raw: number): number {
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= raw) return factor * magnitude;
  return 10 * magnitude;
}
