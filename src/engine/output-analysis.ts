import { PatchError } from './patch-error';
import type { AudioChunk } from './render-types';
import type { Decibels, Frames } from './units';

/** What a render's samples look like: level, clipping, silence and the first non-finite sample. */
export interface OutputReport {
  frames: Frames;
  /** Largest absolute sample value (finite samples only). */
  peak: number;
  /** Peak in dBFS (-Infinity for digital silence). */
  peakDbfs: Decibels;
  /** Samples whose magnitude exceeds 1.0 (clipped by any integer format). */
  clippedSamples: number;
  /** True when every sample is exactly 0. */
  silent: boolean;
  /** First frame holding NaN or an infinity, or -1. */
  firstNonFiniteFrame: Frames;
  /** Channel of that sample, or -1. */
  firstNonFiniteChannel: number;
}

/** Accumulates an OutputReport over the chunks of a render, in order. */
export class OutputAnalyser {
  private frames: Frames = 0;
  private peak = 0;
  private clipped = 0;
  private nonFiniteFrame = -1;
  private nonFiniteChannel = -1;

  /** Adds the next chunk. */
  add(chunk: AudioChunk): void {
    let peak = this.peak;
    let clipped = 0;
    chunk.channels.forEach((samples, channel) => {
      for (let i = 0; i < samples.length; i++) {
        const value = samples[i];
        const magnitude = value < 0 ? -value : value;
        if (magnitude > peak) {
          if (magnitude === Infinity || magnitude !== magnitude) {
            this.noteNonFinite(chunk.startFrame + i, channel);
            continue;
          }
          peak = magnitude;
        } else if (magnitude !== magnitude) {
          this.noteNonFinite(chunk.startFrame + i, channel);
          continue;
        }
        if (magnitude > 1) clipped++;
      }
    });
    this.peak = peak;
    this.clipped += clipped;
    this.frames = Math.max(this.frames, chunk.startFrame + (chunk.channels[0]?.length ?? 0));
  }

  private noteNonFinite(frame: Frames, channel: number): void {
    if (this.nonFiniteFrame < 0 || frame < this.nonFiniteFrame) {
      this.nonFiniteFrame = frame;
      this.nonFiniteChannel = channel;
    }
  }

  /** True once a NaN or infinite sample has been seen. */
  get hasNonFinite(): boolean {
    return this.nonFiniteFrame >= 0;
  }

  /** The report so far. */
  report(): OutputReport {
    return {
      frames: this.frames,
      peak: this.peak,
      peakDbfs: this.peak > 0 ? 20 * Math.log10(this.peak) : -Infinity,
      clippedSamples: this.clipped,
      silent: this.peak === 0 && this.nonFiniteFrame < 0,
      firstNonFiniteFrame: this.nonFiniteFrame,
      firstNonFiniteChannel: this.nonFiniteChannel,
    };
  }
}

/** One-line warnings about a finished render (clipping, silence), empty when it is clean. */
export function outputWarnings(report: OutputReport): string[] {
  const warnings: string[] = [];
  if (report.silent) warnings.push('the render is silent (every sample is 0)');
  if (report.clippedSamples > 0) warnings.push(`${report.clippedSamples} samples exceed 0 dBFS (peak ${report.peakDbfs.toFixed(1)} dBFS) and clip in integer formats`);
  return warnings;
}

/** Fails a render whose output holds NaN or infinite samples: such a file would be silently corrupt. */
export function refuseNonFinite(analyser: OutputAnalyser, file: string): void {
  if (!analyser.hasNonFinite) return;
  const { firstNonFiniteFrame, firstNonFiniteChannel } = analyser.report();
  throw new PatchError('output', `the patch produced NaN or infinite samples (first at frame ${firstNonFiniteFrame}, channel ${firstNonFiniteChannel + 1}); nothing was written`, file);
}
