import * as assert from 'node:assert/strict';
import FFT from 'fft.js';
import { DB_PER_NEPER, STFT_FLOOR_DB, StreamingStft, hannWindow, mixToMono, stftFrameCount, stftOfSignal } from '../../src/engine/stft';
import { renderDemoAudio } from './helpers/demo-audio';

/** A small deterministic generator for chunk sizes. */
function sizes(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** Feeds a signal in pieces of random length (0 included) and collects copies of all frames. */
function streamed(signal: Float32Array, fftSize: number, hop: number, seed: number, maxPiece: number): Float32Array[] {
  const stft = new StreamingStft({ fftSize, hop });
  const random = sizes(seed);
  const frames: Float32Array[] = [];
  let offset = 0;
  while (offset < signal.length) {
    const length = Math.min(signal.length - offset, random() % (maxPiece + 1));
    stft.feed(signal.subarray(offset, offset + length));
    for (let frame = stft.next(); frame; frame = stft.next()) frames.push(frame.slice());
    offset += length;
  }
  stft.finish();
  for (let frame = stft.next(); frame; frame = stft.next()) frames.push(frame.slice());
  return frames;
}

/**
 * The definition, written out independently: zero-pad fftSize/2 on both sides, take each window at
 * k * hop, Hann-window it, real FFT, power scaled so a full-scale sine reads 0 dB.
 */
function referenceStft(signal: Float32Array, fftSize: number, hop: number): Float32Array[] {
  const half = fftSize / 2;
  const padded = new Float32Array(signal.length + 2 * fftSize);
  padded.set(signal, half);
  const window = hannWindow(fftSize);
  let sum = 0;
  for (let i = 0; i < fftSize; i++) sum += window[i];
  const scale = 4 / (sum * sum);
  const fft = new FFT(fftSize);
  const input = new Float64Array(fftSize);
  const output = new Float64Array(2 * fftSize);
  const frames: Float32Array[] = [];
  for (let k = 0; k * hop < signal.length; k++) {
    for (let i = 0; i < fftSize; i++) input[i] = padded[k * hop + i] * window[i];
    fft.realTransform(output, input);
    const frame = new Float32Array(half + 1);
    for (let b = 0; b <= half; b++) {
      const power = (output[2 * b] * output[2 * b] + output[2 * b + 1] * output[2 * b + 1]) * scale;
      frame[b] = power > 0 ? Math.max(STFT_FLOOR_DB, DB_PER_NEPER * Math.log(power)) : STFT_FLOOR_DB;
    }
    frames.push(frame);
  }
  return frames;
}

function assertSameFrames(actual: Float32Array[], expected: Float32Array[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: frame count`);
  for (let k = 0; k < expected.length; k++) {
    const a = Buffer.from(actual[k].buffer, actual[k].byteOffset, actual[k].byteLength);
    const e = Buffer.from(expected[k].buffer, expected[k].byteOffset, expected[k].byteLength);
    if (!a.equals(e)) assert.fail(`${what}: frame ${k} differs from the reference`);
  }
}

describe('stft', () => {
  let music: Float32Array;

  before(async () => {
    const [left, right] = await renderDemoAudio({ sampleRate: 48000, channels: 2, duration: 2.5 });
    music = mixToMono([left, right]);
  });

  it('streamed in random pieces equals the STFT of the whole signal, bit for bit', () => {
    const cases: Array<[fftSize: number, hop: number, maxPiece: number]> = [
      [2048, 400, 5000],
      [4096, 400, 1600],
      [1024, 256, 37],
      [256, 1000, 3000], // hop longer than the window: samples between frames are skipped
    ];
    for (const [fftSize, hop, maxPiece] of cases) {
      const whole = stftOfSignal(music, { fftSize, hop });
      const reference = referenceStft(music, fftSize, hop);
      assertSameFrames(whole, reference, `whole signal, fft ${fftSize} hop ${hop}`);
      for (const seed of [1, 2, 3]) {
        assertSameFrames(streamed(music, fftSize, hop, seed, maxPiece), reference, `pieces, fft ${fftSize} hop ${hop} seed ${seed}`);
      }
    }
  });

  it('has ceil(n / hop) frames, frame k centred on sample k * hop', () => {
    const fftSize = 512;
    const hop = 128;
    const signal = new Float32Array(5000);
    const impulseAt = 20 * hop;
    signal[impulseAt] = 1;
    const frames = stftOfSignal(signal, { fftSize, hop });
    assert.equal(frames.length, stftFrameCount(signal.length, hop));
    assert.equal(frames.length, Math.ceil(5000 / 128));
    const level = frames.map((frame) => frame[10]);
    const loudest = level.indexOf(Math.max(...level));
    assert.equal(loudest, 20, `impulse at sample ${impulseAt} is loudest in frame ${loudest}`);
    // The centre frame sees the impulse at the window's peak (w = 1): a flat spectrum of 2 / sum(w).
    const window = hannWindow(fftSize);
    const sum = window.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(frames[20][10] - 20 * Math.log10(2 / sum)) < 1e-4);
    assert.ok(level[19] < level[20] - 3 && level[21] < level[20] - 3);
  });

  it("puts a sine's peak in its bin at its level (0 dBFS for full scale)", () => {
    const sampleRate = 48000;
    const fftSize = 2048;
    for (const [bin, amplitude] of [
      [64, 1],
      [300, 0.5],
      [1000, 0.1],
    ]) {
      const frequency = (bin * sampleRate) / fftSize;
      const signal = new Float32Array(sampleRate / 2);
      for (let i = 0; i < signal.length; i++) signal[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
      const frames = stftOfSignal(signal, { fftSize, hop: 512 });
      const middle = frames[Math.floor(frames.length / 2)];
      let peak = 0;
      for (let b = 1; b < middle.length; b++) if (middle[b] > middle[peak]) peak = b;
      assert.equal(peak, bin);
      assert.ok(Math.abs(middle[peak] - 20 * Math.log10(amplitude)) < 0.01, `level ${middle[peak]} dB`);
    }
    // Between two bins, the nearer one wins.
    const frequency = (100.3 * sampleRate) / fftSize;
    const signal = new Float32Array(sampleRate / 2);
    for (let i = 0; i < signal.length; i++) signal[i] = Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    const middle = stftOfSignal(signal, { fftSize, hop: 512 })[10];
    assert.equal(middle.indexOf(Math.max(...middle)), 100);
  });

  it('reports digital silence at the floor', () => {
    const frames = stftOfSignal(new Float32Array(4096), { fftSize: 1024, hop: 256 });
    assert.ok(frames.every((frame) => frame.every((v) => v === STFT_FLOOR_DB)));
  });

  it('mixes channels to mono as the mean in channel order, rounded once to float32', () => {
    const a = Float32Array.from([0.1, 1, -1, 0.3]);
    const b = Float32Array.from([0.2, 1, 1, 0.7]);
    const c = Float32Array.from([0.3, -0.5, 0, 1e-8]);
    assert.deepEqual([...mixToMono([a])], [...a]);
    assert.deepEqual(
      [...mixToMono([a, b])],
      [0, 1, 2, 3].map((i) => Math.fround((a[i] + b[i]) * 0.5)),
    );
    assert.deepEqual(
      [...mixToMono([a, b, c])],
      [0, 1, 2, 3].map((i) => Math.fround((a[i] + b[i] + c[i]) * (1 / 3))),
    );
    const out = new Float32Array(10);
    const mixed = mixToMono([a, b], out);
    assert.equal(mixed.buffer, out.buffer, 'reuses the output buffer');
    assert.equal(mixed.length, 4);
  });

  it('rejects bad settings and misuse', () => {
    assert.throws(() => new StreamingStft({ fftSize: 1000, hop: 10 }), /power of two/);
    assert.throws(() => new StreamingStft({ fftSize: 1024, hop: 0 }), /hop/);
    const stft = new StreamingStft({ fftSize: 64, hop: 16 });
    stft.feed(new Float32Array(100));
    assert.throws(() => stft.feed(new Float32Array(10)), /used up/);
  });
});
