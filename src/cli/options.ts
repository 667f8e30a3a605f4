import { COLORMAP_NAMES, type ColormapName } from '../engine/colormap';
import { FREQUENCY_SCALES, type FrequencyScaleKind } from '../engine/spectrogram-scale';
import type { CaptureChoice } from '../engine/render-types';
import type { WavSampleFormat } from '../engine/wav-writer';
import { UsageError } from './usage';

/** Parses a positive number option. */
export function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return parsed;
}

/** Parses a positive integer option. */
export function positiveInteger(name: string, value: string | undefined): number | undefined {
  const parsed = positiveNumber(name, value);
  if (parsed !== undefined && !Number.isInteger(parsed)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return parsed;
}

/** Parses --bit-depth. */
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

/** Parses --size WxH (both even, for yuv420p). */
export function videoSize(value: string | undefined): { width?: number; height?: number } {
  if (value === undefined) return {};
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (!match) throw new UsageError(`--size must look like 1280x720, got '${value}'`);
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width < 160 || height < 120 || width % 2 || height % 2) throw new UsageError(`--size needs even dimensions of at least 160x120, got '${value}'`);
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
