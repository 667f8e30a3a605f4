import { PatchError } from './patch-error';
import type { PatchInfo } from './render-types';
import type { Seconds } from './units';

/** The default export of a patch module, as the engine uses it. */
export interface PatchDefinition {
  duration: Seconds;
  sampleRate?: number;
  channels?: number;
  seed?: number;
  build(ctx: BaseAudioContext, out: AudioNode): void | Promise<void>;
}

/** Defaults of the patch format. */
export const PATCH_DEFAULTS = { sampleRate: 48000, channels: 2, seed: 1, maxDuration: 3600 } as const;

/** Sample rates node-web-audio-api and browsers accept. */
const SAMPLE_RATE_RANGE = [3000, 768000] as const;

/** 1-based line and column of the first match of `pattern` in `text`, to point an error at a field. */
export function findInSource(text: string | undefined, pattern: RegExp): { line: number; column: number } | undefined {
  if (text === undefined) return undefined;
  const match = pattern.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index);
  const line = before.split('\n').length;
  return { line, column: match.index - before.lastIndexOf('\n') };
}

function fail(file: string, text: string | undefined, field: string | undefined, message: string): never {
  const at = field ? findInSource(text, new RegExp(`\\b${field}\\s*[:(]`)) : findInSource(text, /export\s+default\b/);
  throw new PatchError('validation', message, file, at?.line, at?.column);
}

/**
 * Checks the shape of a patch's default export and fills in defaults.
 * `text` (the patch source) is used only to point errors at the offending field.
 */
export function validatePatch(exported: unknown, file: string, text: string | undefined, maxDuration: Seconds = PATCH_DEFAULTS.maxDuration): { definition: PatchDefinition; info: PatchInfo } {
  if (exported === undefined || exported === null) {
    fail(file, text, undefined, 'the patch has no default export: add `export default { duration, build(ctx, out) { ... } }`');
  }
  if (typeof exported !== 'object') fail(file, text, undefined, `the default export must be an object with duration and build(), got ${typeof exported}`);
  const patch = exported as Record<string, unknown>;
  const { duration, sampleRate = PATCH_DEFAULTS.sampleRate, channels = PATCH_DEFAULTS.channels, seed = PATCH_DEFAULTS.seed, build } = patch;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
    fail(file, text, 'duration', `duration must be a finite number of seconds greater than 0 and at most ${maxDuration}, got ${String(duration)}`);
  }
  if (duration > maxDuration) {
    fail(file, text, 'duration', `duration ${duration} s is over the render's limit of ${maxDuration} s (raise it with --max-duration in the CLI, or the patchscope.maxDuration setting)`);
  }
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate < SAMPLE_RATE_RANGE[0] || sampleRate > SAMPLE_RATE_RANGE[1]) {
    fail(file, text, 'sampleRate', `sampleRate must be between ${SAMPLE_RATE_RANGE[0]} and ${SAMPLE_RATE_RANGE[1]} Hz, got ${String(sampleRate)}`);
  }
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || channels > 32) {
    fail(file, text, 'channels', `channels must be an integer from 1 to 32, got ${String(channels)}`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    fail(file, text, 'seed', `seed must be an integer, got ${String(seed)}`);
  }
  if (typeof build !== 'function') {
    fail(file, text, 'build', `build must be a function build(ctx, out), got ${typeof build}`);
  }
  const frames = Math.round(duration * sampleRate);
  if (frames < 1) fail(file, text, 'duration', `duration ${duration} s is shorter than one sample at ${sampleRate} Hz`);
  return {
    definition: patch as unknown as PatchDefinition,
    info: { duration, sampleRate, channels, seed, frames },
  };
}
