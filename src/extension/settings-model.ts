import { COLORMAP_NAMES } from '../engine/colormap';
import { CAPTURE_KINDS, type CaptureKind, type StreamOptions } from '../engine/render-types';
import { FREQUENCY_SCALES } from '../engine/spectrogram-scale';
import type { AutoRenderMode, ColorMapName, FrequencyScaleName, PreviewSettings } from '../shared/protocol';

/** Section of every Patchscope setting. */
export const SETTINGS_SECTION = 'patchscope';

/** Bit depths the WAV writer offers (32 is IEEE float). */
export type WavBitDepth = 16 | 24 | 32;

/** Every Patchscope setting, validated and with defaults filled in. */
export interface PatchscopeSettings {
  /** Audio latency the adaptive chunk size aims for, in seconds. */
  targetLatency: number;
  minChunk: number;
  maxChunk: number;
  /** Capture of the streamed render; `auto` lets the engine choose. */
  capture: CaptureKind | 'auto';
  autoRender: AutoRenderMode;
  debounceMs: number;
  spectrogram: { fftSize: number; scale: FrequencyScaleName; colorMap: ColorMapName };
  wav: { bitDepth: WavBitDepth };
  /** Empty: the bundled ffmpeg, else an executable path. */
  ffmpegPath: string;
  video: { width: number; height: number; fps: number };
  /** Seconds allowed for `build()` and for any single chunk. */
  renderTimeout: number;
  /** Longest patch `duration` a render accepts, in seconds. */
  maxDuration: number;
}

/** The defaults (the same as in package.json's `contributes.configuration`). */
export const DEFAULT_SETTINGS: PatchscopeSettings = {
  targetLatency: 0.05,
  minChunk: 0.02,
  maxChunk: 1,
  capture: 'auto',
  autoRender: 'onType',
  debounceMs: 150,
  spectrogram: { fftSize: 2048, scale: 'log', colorMap: 'magma' },
  wav: { bitDepth: 24 },
  ffmpegPath: '',
  video: { width: 1280, height: 720, fps: 30 },
  renderTimeout: 10,
  maxDuration: 3600,
};

const FFT_SIZES = [256, 512, 1024, 2048, 4096, 8192] as const;
const SCALES: readonly FrequencyScaleName[] = FREQUENCY_SCALES;
const COLOR_MAPS: readonly ColorMapName[] = COLORMAP_NAMES;
const AUTO_RENDER: readonly AutoRenderMode[] = ['onType', 'onSave', 'off'];
const CAPTURES: readonly (CaptureKind | 'auto')[] = ['auto', ...CAPTURE_KINDS];
const BIT_DEPTHS: readonly WavBitDepth[] = [16, 24, 32];
/** Highest `maxDuration` the setting takes: a day of audio. */
const MAX_DURATION_LIMIT = 86_400;

/** Reads one setting by its key under `patchscope.`, keeping the default when the value is missing or of the wrong shape. */
export type SettingGetter = (key: string) => unknown;

function oneOf<T>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** Builds validated settings from any key/value source (pure: used by the reader and by tests). */
export function parseSettings(get: SettingGetter): PatchscopeSettings {
  const d = DEFAULT_SETTINGS;
  const minChunk = numberIn(get('minChunk'), 0.003, 10, d.minChunk);
  return {
    targetLatency: numberIn(get('targetLatency'), 0.005, 5, d.targetLatency),
    minChunk,
    maxChunk: Math.max(minChunk, numberIn(get('maxChunk'), 0.003, 30, d.maxChunk)),
    capture: oneOf(get('capture'), CAPTURES, d.capture),
    autoRender: oneOf(get('autoRender'), AUTO_RENDER, d.autoRender),
    debounceMs: Math.round(numberIn(get('debounceMs'), 0, 5000, d.debounceMs)),
    spectrogram: {
      fftSize: oneOf(get('spectrogram.fftSize'), FFT_SIZES, 2048),
      scale: oneOf(get('spectrogram.scale'), SCALES, d.spectrogram.scale),
      colorMap: oneOf(get('spectrogram.colorMap'), COLOR_MAPS, d.spectrogram.colorMap),
    },
    wav: { bitDepth: oneOf(get('wav.bitDepth'), BIT_DEPTHS, d.wav.bitDepth) },
    ffmpegPath: typeof get('ffmpegPath') === 'string' ? (get('ffmpegPath') as string).trim() : d.ffmpegPath,
    video: {
      width: Math.round(numberIn(get('video.width'), 160, 7680, d.video.width) / 2) * 2,
      height: Math.round(numberIn(get('video.height'), 120, 4320, d.video.height) / 2) * 2,
      fps: Math.round(numberIn(get('video.fps'), 1, 120, d.video.fps)),
    },
    renderTimeout: numberIn(get('renderTimeout'), 1, 600, d.renderTimeout),
    maxDuration: numberIn(get('maxDuration'), 1, MAX_DURATION_LIMIT, d.maxDuration),
  };
}

/** The part of the settings the webview needs. */
export function previewSettings(settings: PatchscopeSettings): PreviewSettings {
  return { spectrogram: { ...settings.spectrogram }, autoRender: settings.autoRender };
}

/** Timeout and duration limit of any render (preview, files, parity). */
export function renderLimits(settings: PatchscopeSettings): Pick<StreamOptions, 'timeout' | 'maxDuration'> {
  return { timeout: settings.renderTimeout, maxDuration: settings.maxDuration };
}

/** Chunk, capture, timeout and duration-limit options of a streamed render. */
export function streamOptions(settings: PatchscopeSettings): Pick<
  StreamOptions,
  'chunk' | 'targetLatency' | 'minChunk' | 'maxChunk' | 'capture' | 'timeout' | 'maxDuration'
> {
  return {
    ...renderLimits(settings),
    chunk: 'auto',
    targetLatency: settings.targetLatency,
    minChunk: settings.minChunk,
    maxChunk: settings.maxChunk,
    capture: settings.capture === 'auto' ? undefined : settings.capture,
  };
}

/**
 * True when a streamed render with `after` could differ from one with `before` (capture, chunk bounds, latency
 * target, timeout, duration limit); display settings the webview applies itself, and the file exports' settings,
 * do not count.
 */
export function streamSettingsChanged(before: PatchscopeSettings, after: PatchscopeSettings): boolean {
  const previous: Record<string, unknown> = streamOptions(before);
  const next: Record<string, unknown> = streamOptions(after);
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  return [...keys].some((key) => previous[key] !== next[key]);
}
