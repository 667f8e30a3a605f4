import * as path from 'node:path';
import { COLORMAP_NAMES, type ColormapName } from '../engine/colormap';
import { FREQUENCY_SCALES, type FrequencyScaleKind } from '../engine/spectrogram-scale';
import type { CaptureChoice } from '../engine/render-types';
import type { WavSampleFormat } from '../engine/wav-writer';
import { UsageError } from './usage';

/** Reads a numeric option's value; an empty one (`--crf=`) is refused rather than read as 0, as Number('') would. */
function numberValue(name: string, value: string, expected: string): number {
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) throw new UsageError(`--${name} must be ${expected}, got '${value}'`);
  return parsed;
}

/** Parses a positive number option. */
export function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = numberValue(name, value, 'a positive number');
  if (parsed <= 0) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return parsed;
}

/** Parses a positive integer option. */
export function positiveInteger(name: string, value: string | undefined): number | undefined {
  const parsed = positiveNumber(name, value);
  if (parsed !== undefined && !Number.isInteger(parsed)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return parsed;
}

/** Highest --fps: the frame rasteriser refuses more (src/engine/frame-rasteriser.ts). */
const MAX_FPS = 240;

/** Parses --fps: above 0 and at most MAX_FPS. */
export function frameRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const expected = `a number above 0 and at most ${MAX_FPS}`;
  const fps = numberValue('fps', value, expected);
  if (fps <= 0 || fps > MAX_FPS) throw new UsageError(`--fps must be ${expected}, got '${value}'`);
  return fps;
}

/** Smallest --fft-size: the STFT refuses less (src/engine/stft.ts). */
const MIN_FFT_SIZE = 16;

/**
 * Largest --fft-size. The engine sets no upper bound (stft.ts asks only for a power of two of at least 16): this
 * one is ours. 32768 samples already span 0.74 s at 44.1 kHz, so a larger value is more likely a typo than a wish.
 */
const MAX_FFT_SIZE = 32768;

/** Parses --fft-size: a power of two from MIN_FFT_SIZE to MAX_FFT_SIZE. */
export function fftSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const expected = `a power of two from ${MIN_FFT_SIZE} to ${MAX_FFT_SIZE}`;
  const size = numberValue('fft-size', value, expected);
  if (!Number.isInteger(size) || size < MIN_FFT_SIZE || size > MAX_FFT_SIZE || (size & (size - 1)) !== 0) throw new UsageError(`--fft-size must be ${expected}, got '${value}'`);
  return size;
}

/** Parses --crf: a whole number from 0 to 51, the range the MP4 encoder accepts. */
export function constantRateFactor(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const expected = 'a whole number from 0 to 51';
  const crf = numberValue('crf', value, expected);
  if (!Number.isInteger(crf) || crf < 0 || crf > 51) throw new UsageError(`--crf must be ${expected}, got '${value}'`);
  return crf;
}

/** Refuses an empty value (`--out=`) of an option that names a file, folder or setting. */
export function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`--${name} needs a value, got ''`);
  return value;
}

/** Output formats of `render`. */
export type OutputFormat = 'wav' | 'mp4';

/** Parses --format (undefined when not given). */
export function formatChoice(value: string | undefined): OutputFormat | undefined {
  if (value === undefined || value === 'wav' || value === 'mp4') return value;
  throw new UsageError(`--format must be wav or mp4, got '${value}'`);
}

/**
 * The output format from --format (`chosen`) and `outFile` (--out naming one file): without --format, a file
 * ending in .mp4 or .wav sets the format; with it, an extension of the other format is refused.
 */
export function outputFormat(chosen: OutputFormat | undefined, outFile: string | undefined): OutputFormat {
  const extension = outFile === undefined ? '' : path.extname(outFile).toLowerCase();
  const fromExtension: OutputFormat | undefined = extension === '.wav' ? 'wav' : extension === '.mp4' ? 'mp4' : undefined;
  if (chosen !== undefined && fromExtension !== undefined && chosen !== fromExtension) {
    throw new UsageError(`--out ${outFile} ends in ${extension} but --format is ${chosen}: give a .${chosen} file or --format ${fromExtension}`);
  }
  return chosen ?? fromExtension ?? 'wav';
}

/** Parses --bit-depth: 16, 24 or 32f (32 is accepted for 32f). */
export function wavFormat(value: string | undefined): WavSampleFormat {
  switch (value ?? '16') {
    case '16':
      return 'pcm16';
    case '24':
      return 'pcm24';
    case '32f':
    case '32':
      return 'float32';
    default:
      throw new UsageError(`--bit-depth must be 16, 24 or 32f, got '${value}'`);
  }
}

/** Parses --capture. */
export function captureChoice(value: string | undefined): CaptureChoice {
  const choice = value ?? 'auto';
  if (choice === 'auto' || choice === 'script-processor' || choice === 'worklet') return choice;
  throw new UsageError(`--capture must be auto, script-processor or worklet, got '${value}'`);
}

/** Parses --chunk. */
export function chunkChoice(value: string | undefined): number | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  const seconds = positiveNumber('chunk', value);
  return seconds ?? 'auto';
}

/** Smallest --size: the frame rasteriser refuses less (src/engine/frame-rasteriser.ts). */
const MIN_VIDEO_SIZE = { width: 320, height: 180 };

/** Parses --size WxH (both even, for yuv420p, and at least MIN_VIDEO_SIZE). */
export function videoSize(value: string | undefined): { width?: number; height?: number } {
  if (value === undefined) return {};
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (!match) throw new UsageError(`--size must look like 1280x720, got '${value}'`);
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width < MIN_VIDEO_SIZE.width || height < MIN_VIDEO_SIZE.height || width % 2 || height % 2) {
    throw new UsageError(`--size needs even dimensions of at least ${MIN_VIDEO_SIZE.width}x${MIN_VIDEO_SIZE.height}, got '${value}'`);
  }
  return { width, height };
}

/** Parses --colormap. */
export function colormapName(value: string | undefined): ColormapName | undefined {
  if (value === undefined) return undefined;
  if ((COLORMAP_NAMES as readonly string[]).includes(value)) return value as ColormapName;
  throw new UsageError(`--colormap must be one of ${COLORMAP_NAMES.join(', ')}, got '${value}'`);
}

/** Parses --scale. */
export function frequencyScale(value: string | undefined): FrequencyScaleKind | undefined {
  if (value === undefined) return undefined;
  if ((FREQUENCY_SCALES as readonly string[]).includes(value)) return value as FrequencyScaleKind;
  throw new UsageError(`--scale must be one of ${FREQUENCY_SCALES.join(', ')}, got '${value}'`);
}

/** Parses --mode. */
export function videoMode(value: string | undefined): 'scroll' | 'static' | undefined {
  if (value === undefined || value === 'scroll' || value === 'static') return value;
  throw new UsageError(`--mode must be scroll or static, got '${value}'`);
}
