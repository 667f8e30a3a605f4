import type { Frames } from './units';

/** Sample-by-sample comparison of two renders. */
export interface AudioComparison {
  frames: Frames;
  channels: number;
  maxAbsDiff: number;
  rmse: number;
  /** First frame where any channel differs, or -1. */
  firstDiffFrame: Frames;
  bitExact: boolean;
}

/** Compares two renders bit for bit (NaN equals NaN only when the bits match; lengths must match for bit-exact). */
export function compareAudio(reference: readonly Float32Array[], candidate: readonly Float32Array[]): AudioComparison {
  const channels = Math.max(reference.length, candidate.length);
  const frames = Math.max(...reference.map((c) => c.length), ...candidate.map((c) => c.length), 0);
  let maxAbsDiff = 0;
  let sumSquares = 0;
  let firstDiffFrame = -1;
  let bitsDiffer = reference.length !== candidate.length;
  for (let c = 0; c < channels; c++) {
    const a = reference[c];
    const b = candidate[c];
    if (!a || !b || a.length !== b.length) bitsDiffer = true;
    const aBits = a ? new Uint32Array(a.buffer, a.byteOffset, a.length) : undefined;
    const bBits = b ? new Uint32Array(b.buffer, b.byteOffset, b.length) : undefined;
    for (let i = 0; i < frames; i++) {
      const x = a && i < a.length ? a[i] : 0;
      const y = b && i < b.length ? b[i] : 0;
      const sameBits = aBits !== undefined && bBits !== undefined && i < aBits.length && i < bBits.length && aBits[i] === bBits[i];
      if (sameBits) continue;
      bitsDiffer = true;
      const diff = Number.isNaN(x) || Number.isNaN(y) ? Infinity : Math.abs(x - y);
      if (diff > maxAbsDiff) maxAbsDiff = diff;
      sumSquares += diff * diff;
      if (firstDiffFrame < 0 || i < firstDiffFrame) firstDiffFrame = i;
    }
  }
  const count = frames * channels;
  return { frames, channels, maxAbsDiff, rmse: count > 0 ? Math.sqrt(sumSquares / count) : 0, firstDiffFrame, bitExact: !bitsDiffer };
}
