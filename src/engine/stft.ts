// Streaming short-time Fourier transform shared by the webview's live spectrogram and the MP4 export.
//
// Alignment: frame k is centred on sample k * hop. The signal is read as if fftSize / 2 zeros came before
// sample 0 and zeros followed its end, so frame 0 is centred at t = 0 and a signal of n samples has
// ceil(n / hop) frames (every frame whose centre lies inside the signal). Each frame is the Hann-windowed
// span [k * hop - fftSize / 2, k * hop + fftSize / 2) and gives fftSize / 2 + 1 magnitudes in dBFS, where a
// full-scale sine centred on a bin reads 0 dB: level = 10 / ln(10) * ln(|X|^2 * 4 / sum(w)^2), floored at
// STFT_FLOOR_DB. No normalisation depends on the data: a chunked stream and
// the whole signal at once produce the same floats, bit for bit.
//
// No Node imports: the webview bundles this module.
import FFT from 'fft.js';

/** Lowest level an STFT bin reports, in dBFS (digital silence). */
export const STFT_FLOOR_DB = -240;

/** Decibels of a power ratio per unit of its natural logarithm: 10 / ln(10). */
export const DB_PER_NEPER = 10 / Math.LN10;

/** Settings of an STFT. */
export interface StftOptions {
  /** Window and FFT length in samples: a power of two, at least 16. */
  fftSize: number;
  /** Samples between the centres of consecutive frames (at least 1). */
  hop: number;
}

/** Periodic Hann window of length n (the form whose shifted copies at hop n/2 sum to a constant). */
export function hannWindow(n: number): Float64Array {
  const window = new Float64Array(n);
  for (let i = 0; i < n; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return window;
}

/**
 * Mixes channels to mono: the float64 sum of the channels in index order times 1 / channelCount, rounded
 * once to float32. Writes into `out` (reused when long enough) and returns the mixed span.
 */
export function mixToMono(channels: readonly Float32Array[], out?: Float32Array): Float32Array {
  if (channels.length === 0) throw new Error('mixToMono needs at least one channel');
  const length = channels[0].length;
  const target = out && out.length >= length ? out.subarray(0, length) : new Float32Array(length);
  if (channels.length === 1) {
    target.set(channels[0]);
    return target;
  }
  const gain = 1 / channels.length;
  if (channels.length === 2) {
    const left = channels[0];
    const right = channels[1];
    for (let i = 0; i < length; i++) target[i] = (left[i] + right[i]) * gain;
    return target;
  }
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (let c = 0; c < channels.length; c++) sum += channels[c][i];
    target[i] = sum * gain;
  }
  return target;
}

/** Number of frames an STFT with this hop gives for a signal of `samples` samples. */
export function stftFrameCount(samples: number, hop: number): number {
  return Math.ceil(samples / hop);
}

/** Bin index nearest to a frequency for an FFT of `fftSize` at `sampleRate`. */
export function binOfFrequency(frequency: number, fftSize: number, sampleRate: number): number {
  return Math.round((frequency * fftSize) / sampleRate);
}

function validate(options: StftOptions): void {
  const { fftSize, hop } = options;
  if (!Number.isInteger(fftSize) || fftSize < 16 || (fftSize & (fftSize - 1)) !== 0) {
    throw new Error(`STFT fftSize must be a power of two of at least 16, got ${fftSize}`);
  }
  if (!Number.isInteger(hop) || hop < 1) throw new Error(`STFT hop must be a positive integer, got ${hop}`);
}

/**
 * Streaming STFT over mono input pushed in pieces of any size. Pull-based: `feed()` hands over a piece,
 * `next()` returns frames until that piece is used up, so the caller decides when to do the work and no
 * input is copied beyond one window.
 */
export class StreamingStft {
  /** Window and FFT length in samples. */
  readonly fftSize: number;
  /** Samples between frame centres. */
  readonly hop: number;
  /** Magnitudes per frame: fftSize / 2 + 1. */
  readonly bins: number;

  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly windowed: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly frameDb: Float32Array;
  private readonly power: number;
  /** The samples of the frame being assembled (the first `filled` are in place). */
  private readonly pending: Float32Array;
  private filled: number;
  /** Input samples to drop before the next frame starts (only when hop > fftSize). */
  private skip = 0;
  private input: Float32Array = new Float32Array(0);
  private inputPos = 0;
  private ended = false;
  private fed = 0;
  private produced = 0;

  constructor(options: StftOptions) {
    validate(options);
    this.fftSize = options.fftSize;
    this.hop = options.hop;
    this.bins = this.fftSize / 2 + 1;
    this.fft = new FFT(this.fftSize);
    this.window = hannWindow(this.fftSize);
    this.windowed = new Float64Array(this.fftSize);
    this.spectrum = new Float64Array(this.fftSize * 2);
    this.frameDb = new Float32Array(this.bins);
    let windowSum = 0;
    for (let i = 0; i < this.fftSize; i++) windowSum += this.window[i];
    // A sine of amplitude A centred on a bin peaks at |X| = A * sum(w) / 2: scale that to 1 (0 dBFS).
    this.power = 4 / (windowSum * windowSum);
    this.pending = new Float32Array(this.fftSize);
    // The zero padding before sample 0 puts frame 0's centre on the first sample.
    this.filled = this.fftSize / 2;
  }

  /** Samples fed so far. */
  get samplesFed(): number {
    return this.fed;
  }

  /** Frames returned by `next()` so far. */
  get framesProduced(): number {
    return this.produced;
  }

  /** Whether `finish()` was called. */
  get finished(): boolean {
    return this.ended;
  }

  /**
   * Hands over the next piece of input. The previous piece must be used up (`next()` returned null); the
   * STFT reads `samples` lazily, so do not change it until then.
   */
  feed(samples: Float32Array): void {
    if (this.ended) throw new Error('StreamingStft.feed() after finish()');
    if (this.inputPos < this.input.length) throw new Error('StreamingStft.feed() before the previous piece was used up');
    this.input = samples;
    this.inputPos = 0;
    this.fed += samples.length;
  }

  /** Marks the end of the input; `next()` then also returns the frames that reach into the zero padding. */
  finish(): void {
    this.ended = true;
  }

  /** Number of frames the whole input has once finished (ceil(samplesFed / hop)). */
  get totalFrames(): number {
    return stftFrameCount(this.fed, this.hop);
  }

  /**
   * The next frame of dB magnitudes, or null when more input is needed (or all frames are out after
   * `finish()`). The array is reused: it is valid until the next call.
   */
  next(): Float32Array | null {
    const size = this.fftSize;
    for (;;) {
      if (this.ended && this.produced >= this.totalFrames) return null;
      if (this.filled === size) return this.emit();
      const available = this.input.length - this.inputPos;
      if (available > 0) {
        if (this.skip > 0) {
          const dropped = Math.min(this.skip, available);
          this.skip -= dropped;
          this.inputPos += dropped;
          continue;
        }
        const take = Math.min(size - this.filled, available);
        this.pending.set(this.input.subarray(this.inputPos, this.inputPos + take), this.filled);
        this.inputPos += take;
        this.filled += take;
        continue;
      }
      if (!this.ended) return null;
      this.pending.fill(0, this.filled);
      this.filled = size;
    }
  }

  private emit(): Float32Array {
    const size = this.fftSize;
    const pending = this.pending;
    const window = this.window;
    const windowed = this.windowed;
    for (let i = 0; i < size; i++) windowed[i] = pending[i] * window[i];
    this.fft.realTransform(this.spectrum, windowed);
    const spectrum = this.spectrum;
    const out = this.frameDb;
    const scale = this.power;
    for (let b = 0; b < this.bins; b++) {
      const re = spectrum[2 * b];
      const im = spectrum[2 * b + 1];
      const power = (re * re + im * im) * scale;
      // 10 * log10(p) as a multiple of ln(p): half the cost of Math.log10 in V8.
      out[b] = power > 0 ? Math.max(STFT_FLOOR_DB, DB_PER_NEPER * Math.log(power)) : STFT_FLOOR_DB;
    }
    this.produced++;
    if (this.hop < size) {
      pending.copyWithin(0, this.hop, size);
      this.filled = size - this.hop;
    } else {
      this.filled = 0;
      this.skip = this.hop - size;
    }
    return out;
  }
}

/** STFT of a whole signal at once (the streaming STFT fed one piece): one Float32Array of dB per frame. */
export function stftOfSignal(signal: Float32Array, options: StftOptions): Float32Array[] {
  const stft = new StreamingStft(options);
  stft.feed(signal);
  stft.finish();
  const frames: Float32Array[] = [];
  for (let frame = stft.next(); frame; frame = stft.next()) frames.push(frame.slice());
  return frames;
}
