// Validation of everything the webview sends the host. The webview runs page code that the host does not
// trust (a compromised or buggy page can post anything), so each message is checked field by field and
// rebuilt from the checked fields only: unknown types, wrong types, non-finite numbers, oversized strings and
// extra fields never reach the host's handlers. No Node or DOM imports: either side may use it.
import { MessageType, type FromWebview, type PersistedPreviewState, type PlayState, type AudioState, type WebviewCommand } from './protocol';

/** Longest string accepted in a message (a log line is cut to this length instead of refused). */
export const MAX_MESSAGE_STRING = 4096;
/** Longest file path accepted. */
export const MAX_PATH_LENGTH = 4096;

const WEBVIEW_COMMANDS: readonly WebviewCommand[] = ['renderWav', 'renderMp4', 'runParityTest', 'newPatch', 'manageTrust'];
const PLAY_STATES: readonly PlayState[] = ['idle', 'playing', 'buffering', 'paused', 'stopped'];
const AUDIO_STATES: readonly AudioState[] = ['suspended', 'running', 'closed', 'unavailable'];
const LOG_LEVELS = ['info', 'warn', 'error'] as const;

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function count(value: unknown): value is number {
  return finite(value) && Number.isInteger(value) && value >= 0;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/**
 * An absolute, normalised file path: no `..` or `.` segments, no NUL, no URL, not too long. It says nothing
 * about whether the host may use the path: the host must still check it against what it already knows.
 */
export function isPlainAbsolutePath(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH_LENGTH || value.includes('\0')) return false;
  const windows = /^[a-zA-Z]:[\\/]/.test(value);
  if (!value.startsWith('/') && !windows) return false;
  const segments = value.split(/[\\/]/).slice(1);
  return segments.every((segment, i) => segment !== '..' && segment !== '.' && (segment !== '' || i === segments.length - 1));
}

/** True when `file` lies inside `folder` (both plain absolute paths, see isPlainAbsolutePath). */
export function isInsideFolder(folder: string, file: string): boolean {
  if (!isPlainAbsolutePath(folder) || !isPlainAbsolutePath(file)) return false;
  const base = folder.replace(/[\\/]+$/, '');
  return file.length > base.length + 1 && file.startsWith(base) && (file[base.length] === '/' || file[base.length] === '\\');
}

/** A checked copy of a message from the webview, or undefined when it is not one the host accepts. */
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case MessageType.Ready:
      return { type: MessageType.Ready };
    case MessageType.RenderNow:
      return { type: MessageType.RenderNow };
    case MessageType.ChunkReceived:
      if (!count(raw.renderId) || !count(raw.bytes)) return undefined;
      return { type: MessageType.ChunkReceived, renderId: raw.renderId, bytes: raw.bytes };
    case MessageType.RenderTimings:
      if (!count(raw.renderId) || !finite(raw.firstChunkReceivedAt) || !finite(raw.firstSoundAt) || !finite(raw.firstSourceWhen)) return undefined;
      return { type: MessageType.RenderTimings, renderId: raw.renderId, firstChunkReceivedAt: raw.firstChunkReceivedAt, firstSoundAt: raw.firstSoundAt, firstSourceWhen: raw.firstSourceWhen };
    case MessageType.PlaybackStatus: {
      const numbers = ['positionSeconds', 'bufferedSeconds', 'maxFrameMs', 'meanFrameMs', 'maxDrawMs'] as const;
      if (!oneOf(raw.state, PLAY_STATES) || !oneOf(raw.audioState, AUDIO_STATES) || !count(raw.frames)) return undefined;
      if (!numbers.every((key) => finite(raw[key]) && (raw[key] as number) >= 0)) return undefined;
      return {
        type: MessageType.PlaybackStatus,
        state: raw.state,
        audioState: raw.audioState,
        positionSeconds: raw.positionSeconds as number,
        bufferedSeconds: raw.bufferedSeconds as number,
        maxFrameMs: raw.maxFrameMs as number,
        meanFrameMs: raw.meanFrameMs as number,
        maxDrawMs: raw.maxDrawMs as number,
        frames: raw.frames,
      };
    }
    case MessageType.RunCommand:
      if (!oneOf(raw.command, WEBVIEW_COMMANDS)) return undefined;
      return { type: MessageType.RunCommand, command: raw.command };
    case MessageType.OpenLocation: {
      if (!isPlainAbsolutePath(raw.file)) return undefined;
      const position = (value: unknown): number | undefined => (count(value) && value >= 1 && value <= 10_000_000 ? value : undefined);
      if ((raw.line !== undefined && position(raw.line) === undefined) || (raw.column !== undefined && position(raw.column) === undefined)) return undefined;
      return { type: MessageType.OpenLocation, file: raw.file, line: position(raw.line), column: position(raw.column) };
    }
    case MessageType.Log:
      if (!oneOf(raw.level, LOG_LEVELS) || typeof raw.message !== 'string') return undefined;
      return { type: MessageType.Log, level: raw.level, message: raw.message.slice(0, MAX_MESSAGE_STRING) };
    case MessageType.Reply: {
      if (!count(raw.requestId)) return undefined;
      if (raw.error !== undefined && (typeof raw.error !== 'string' || raw.error.length > MAX_MESSAGE_STRING)) return undefined;
      // The body answers a request the host made (player state, for tests); the requester checks its shape.
      return { type: MessageType.Reply, requestId: raw.requestId, body: raw.body, error: raw.error };
    }
    default:
      return undefined;
  }
}

/** A checked copy of the state a revived panel hands the host (written by the webview: untrusted). */
export function parsePersistedState(raw: unknown): PersistedPreviewState {
  if (!isRecord(raw)) return {};
  const state: PersistedPreviewState = {};
  if (isPlainAbsolutePath(raw.patchPath)) state.patchPath = raw.patchPath;
  if (finite(raw.gainDb) && raw.gainDb >= -120 && raw.gainDb <= 24) state.gainDb = raw.gainDb;
  if (typeof raw.loop === 'boolean') state.loop = raw.loop;
  if (isRecord(raw.region) && finite(raw.region.start) && finite(raw.region.end) && raw.region.start >= 0 && raw.region.end > raw.region.start) {
    state.region = { start: raw.region.start, end: raw.region.end };
  }
  return state;
}
