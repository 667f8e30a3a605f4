import * as path from 'node:path';
import type { ParityReport } from '../../engine/render-types';

/** The parity fields, one `name: value` line each, as written to the output channel. */
export function parityLines(report: ParityReport): string[] {
  return [
    `patch: ${report.patch}`,
    `sampleRate: ${report.sampleRate}`,
    `channels: ${report.channels}`,
    `frames: ${report.frames}`,
    `chunks: ${report.chunks}`,
    `capture: ${report.capture}`,
    `maxAbsDiff: ${report.maxAbsDiff}`,
    `rmse: ${report.rmse}`,
    `firstDiffFrame: ${report.firstDiffFrame}`,
    `bitExact: ${report.bitExact}`,
  ];
}

/** One-sentence verdict: bit-exact, or where the first difference is. */
export function parityVerdict(report: ParityReport): string {
  const name = path.basename(report.patch);
  if (report.bitExact) return `${name}: streamed render is bit-exact with the one-shot render (${report.frames} frames, ${report.chunks} chunks, ${report.capture}).`;
  if (report.firstDiffFrame < 0) return `${name}: the renders differ in length or channel count (${report.frames} frames compared).`;
  const seconds = (report.firstDiffFrame / report.sampleRate).toFixed(6);
  return `${name}: streamed render differs from the one-shot render from frame ${report.firstDiffFrame} (${seconds} s); max |diff| ${report.maxAbsDiff.toExponential(3)}.`;
}
