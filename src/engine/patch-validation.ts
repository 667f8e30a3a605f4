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

/** 1-based line and column of the first match of `pattern` in `text` at or after `from`, to point an error at a field. */
export function findInSource(text: string | undefined, pattern: RegExp, from = 0): { line: number; column: number } | undefined {
  if (text === undefined) return undefined;
  const search = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  search.lastIndex = from;
  const match = search.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index);
  const line = before.split('\n').length;
  return { line, column: match.index - before.lastIndexOf('\n') };
}

/**
 * The text with its comments and the insides of its strings replaced by spaces (line breaks kept), so that a
 * search for a field finds code only, at the same line and column as in the text.
 */
function codeOnly(text: string): string {
  const blank = (from: number, to: number): string => text.slice(from, to).replace(/[^\n]/g, ' ');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const opening = text.slice(i, i + 2);
    const char = text[i];
    let stop: number;
    if (opening === '//') {
      const lineEnd = text.indexOf('\n', i);
      stop = lineEnd < 0 ? text.length : lineEnd;
      out += blank(i, stop);
    } else if (opening === '/*') {
      const close = text.indexOf('*/', i + 2);
      stop = close < 0 ? text.length : close + 2;
      out += blank(i, stop);
    } else if (char === '"' || char === "'" || char === '`') {
      // To the closing quote (a line break ends a broken '…' or "…" string); the quotes themselves are kept.
      let j = i + 1;
      while (j < text.length && text[j] !== char && !(char !== '`' && text[j] === '\n')) j += text[j] === '\\' ? 2 : 1;
      const closing = Math.min(j, text.length - 1);
      stop = closing + 1;
      out += char + blank(i + 1, closing) + (closing > i ? text[closing] : '');
    } else {
      stop = i + 1;
      out += char;
    }
    i = stop;
  }
  return out;
}

const EXPORT_DEFAULT = /export\s+default\b/;

function fail(file: string, text: string | undefined, field: string | undefined, message: string): never {
  const code = text === undefined ? undefined : codeOnly(text);
  const exportIndex = code?.search(EXPORT_DEFAULT) ?? -1;
  const fieldPattern = field ? new RegExp(`\\b${field}\\s*[:(,}]`) : undefined;
  // The field inside the default export first: a helper object or a type declared above it may use the same name.
  const at =
    (fieldPattern && exportIndex >= 0 ? findInSource(code, fieldPattern, exportIndex) : undefined) ??
    (fieldPattern ? findInSource(code, fieldPattern) : undefined) ??
    findInSource(code, EXPORT_DEFAULT);
  throw new PatchError('validation', message, file, at?.line, at?.column);
}

/** A value as an error message shows it: strings quoted and named, so '2' is not mistaken for 2. */
function shown(value: unknown): string {
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value);
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
    fail(file, text, 'duration', `duration must be a finite number of seconds greater than 0 and at most ${maxDuration}, got ${shown(duration)}`);
  }
  if (duration > maxDuration) {
    fail(file, text, 'duration', `duration ${duration} s is over the render's limit of ${maxDuration} s (raise it with --max-duration in the CLI, or the patchscope.maxDuration setting)`);
  }
  // Whole hertz: WAV and MP4 files store the rate as an integer.
  if (typeof sampleRate !== 'number' || !Number.isInteger(sampleRate) || sampleRate < SAMPLE_RATE_RANGE[0] || sampleRate > SAMPLE_RATE_RANGE[1]) {
    fail(file, text, 'sampleRate', `sampleRate must be a whole number of hertz from ${SAMPLE_RATE_RANGE[0]} to ${SAMPLE_RATE_RANGE[1]}, got ${shown(sampleRate)}`);
  }
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || channels > 32) {
    fail(file, text, 'channels', `channels must be an integer from 1 to 32, got ${shown(channels)}`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    fail(file, text, 'seed', `seed must be an integer, got ${shown(seed)}`);
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
