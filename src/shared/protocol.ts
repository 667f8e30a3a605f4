/**
 * Messages between the extension host and the preview webview. Both sides import this file; it has no
 * runtime dependency on `vscode` or the DOM beyond `postMessage`-shaped callbacks.
 *
 * Flow: the webview posts `Ready` once its listeners are installed; only then does the host post anything,
 * starting with `Init`. Audio travels as `Chunk` messages whose samples are ArrayBuffers (transferable, and
 * sent as binary rather than JSON by VS Code). Requests carry a `requestId` and are answered with one `Reply`.
 */

import type { ColormapName } from '../engine/colormap';
import type { PatchErrorData } from '../engine/patch-error';
import type { CaptureKind, PatchInfo } from '../engine/render-types';
import type { FrequencyScaleKind } from '../engine/spectrogram-scale';

/** Every message type, in both directions. */
export const enum MessageType {
  // host -> webview
  Init = 'init',
  Settings = 'settings',
  Patch = 'patch',
  Trust = 'trust',
  RenderStart = 'renderStart',
  RenderInfo = 'renderInfo',
  Chunk = 'chunk',
  RenderProgress = 'renderProgress',
  RenderEnd = 'renderEnd',
  RenderError = 'renderError',
  RenderCancelled = 'renderCancelled',
  Transport = 'transport',
  GetPlayerState = 'getPlayerState',
  // webview -> host
  Ready = 'ready',
  ChunkReceived = 'chunkReceived',
  RenderTimings = 'renderTimings',
  PlaybackStatus = 'playbackStatus',
  RunCommand = 'runCommand',
  RenderNow = 'renderNow',
  OpenLocation = 'openLocation',
  Log = 'log',
  // both directions
  Reply = 'reply',
}

/** How the frequency axis of the spectrogram is laid out. */
export type FrequencyScaleName = FrequencyScaleKind;

/** Colour maps offered for the spectrogram. */
export type ColorMapName = ColormapName;

/** When the preview re-renders the patch. */
export type AutoRenderMode = 'onType' | 'onSave' | 'off';

/** The part of the settings the webview uses. */
export interface PreviewSettings {
  spectrogram: {
    /** FFT length in samples (power of two). */
    fftSize: number;
    scale: FrequencyScaleName;
    colorMap: ColorMapName;
  };
  autoRender: AutoRenderMode;
}

/** What the webview keeps with `setState`: it survives a window reload and reaches the panel serializer. */
export interface PersistedPreviewState {
  patchPath?: string;
  gainDb?: number;
  loop?: boolean;
  region?: { start: number; end: number };
}

/** The patch the preview follows. */
export interface PatchDescriptor {
  /** Absolute file path. */
  path: string;
  /** File name shown to the user. */
  name: string;
}

/** Transport actions the host can ask for (commands, keybindings). */
export type TransportAction = 'play' | 'pause' | 'toggle' | 'stop';

/** Commands the webview's buttons can run on the host. */
export type WebviewCommand = 'renderWav' | 'renderMp4' | 'runParityTest' | 'newPatch' | 'manageTrust';

/** Playback state of the webview player. */
export type PlayState = 'idle' | 'playing' | 'buffering' | 'paused' | 'stopped';

/** State of the webview's AudioContext (`suspended` until the user clicks in desktop VS Code). */
export type AudioState = 'suspended' | 'running' | 'closed' | 'unavailable';

/** Statistics the host sends when a render ends. */
export interface RenderSummary {
  capture: CaptureKind;
  chunks: number;
  /** Wall time / audio time of the whole render. */
  rtf: number;
  probeRtf: number;
  firstChunkMs: number;
  totalMs: number;
  /** Median chunk length in frames. */
  medianChunkFrames: number;
}

// ---------------------------------------------------------------- host -> webview

/** First message after `Ready`: everything the webview needs to draw its first frame. */
export interface InitMessage {
  type: MessageType.Init;
  settings: PreviewSettings;
  trusted: boolean;
  patch: PatchDescriptor | undefined;
}

/** The settings changed. */
export interface SettingsMessage {
  type: MessageType.Settings;
  settings: PreviewSettings;
}

/** The preview now follows another patch (or none). */
export interface PatchMessage {
  type: MessageType.Patch;
  patch: PatchDescriptor | undefined;
}

/** Workspace trust changed. */
export interface TrustMessage {
  type: MessageType.Trust;
  trusted: boolean;
}

/** A new render began; any earlier render is superseded. */
export interface RenderStartMessage {
  type: MessageType.RenderStart;
  renderId: number;
  patch: PatchDescriptor;
  /** Epoch milliseconds (performance.timeOrigin + now) of the edit this render reflects. */
  editAt: number;
}

/** The patch was validated: its length, rate and channel count. */
export interface RenderInfoMessage {
  type: MessageType.RenderInfo;
  renderId: number;
  info: PatchInfo;
}

/** One piece of rendered audio. */
export interface ChunkMessage {
  type: MessageType.Chunk;
  renderId: number;
  startFrame: number;
  frames: number;
  sampleRate: number;
  /** One ArrayBuffer of float32 samples per channel. */
  channels: ArrayBuffer[];
  /** Epoch milliseconds at which the host posted this chunk. */
  postedAt: number;
}

/** Render progress, sent after each chunk. */
export interface RenderProgressMessage {
  type: MessageType.RenderProgress;
  renderId: number;
  framesDone: number;
  framesTotal: number;
  rtf: number;
  chunkFrames: number;
  capture: CaptureKind | undefined;
}

/** The render completed. */
export interface RenderEndMessage {
  type: MessageType.RenderEnd;
  renderId: number;
  summary: RenderSummary;
}

/** The render failed; the webview keeps playing the last good render and shows the error. */
export interface RenderErrorMessage {
  type: MessageType.RenderError;
  renderId: number;
  error: PatchErrorData;
}

/** The render was cancelled (a newer edit, Stop, or the patch closed). */
export interface RenderCancelledMessage {
  type: MessageType.RenderCancelled;
  renderId: number;
}

/** Play, pause or stop from a command. */
export interface TransportMessage {
  type: MessageType.Transport;
  action: TransportAction;
}

/** Request: the player's state, for tests and diagnostics. Answered with a `Reply` carrying `PlayerStateSnapshot`. */
export interface GetPlayerStateRequest {
  type: MessageType.GetPlayerState;
  requestId: number;
}

/** Every message the host posts to the webview. */
export type ToWebview =
  | InitMessage
  | SettingsMessage
  | PatchMessage
  | TrustMessage
  | RenderStartMessage
  | RenderInfoMessage
  | ChunkMessage
  | RenderProgressMessage
  | RenderEndMessage
  | RenderErrorMessage
  | RenderCancelledMessage
  | TransportMessage
  | GetPlayerStateRequest
  | ReplyMessage;

// ---------------------------------------------------------------- webview -> host

/** The webview's listeners are installed; the host may post. */
export interface ReadyMessage {
  type: MessageType.Ready;
}

/** The webview took a chunk: the host may post more audio (see ChunkPacer). */
export interface ChunkReceivedMessage {
  type: MessageType.ChunkReceived;
  renderId: number;
  /** Bytes of audio the chunk carried. */
  bytes: number;
}

/** Per-render timings measured in the webview (epoch milliseconds). */
export interface RenderTimingsMessage {
  type: MessageType.RenderTimings;
  renderId: number;
  firstChunkReceivedAt: number;
  /** When the first AudioBufferSourceNode of this render was started. */
  firstSoundAt: number;
  /** Context time at which that first source plays. */
  firstSourceWhen: number;
}

/** Periodic playback status for the status bar. */
export interface PlaybackStatusMessage {
  type: MessageType.PlaybackStatus;
  state: PlayState;
  audioState: AudioState;
  positionSeconds: number;
  /** Audio received and not yet played, in seconds. */
  bufferedSeconds: number;
  /** Longest animation frame (spectrogram computing and drawing, meter, clock) over the last report interval. */
  maxFrameMs: number;
  /** Mean animation frame time over the last report interval. */
  meanFrameMs: number;
  /** Longest time spent drawing the timeline, spectrogram and meter in one frame (no STFT work). */
  maxDrawMs: number;
  /** Frames drawn in the last report interval. */
  frames: number;
}

/** A button in the webview asks the host to run a command. */
export interface RunCommandMessage {
  type: MessageType.RunCommand;
  command: WebviewCommand;
}

/** The user asked for a render now (auto-render off or on save). */
export interface RenderNowMessage {
  type: MessageType.RenderNow;
}

/** The user clicked an error's location: open that file there. */
export interface OpenLocationMessage {
  type: MessageType.OpenLocation;
  file: string;
  line?: number;
  column?: number;
}

/** A message for the extension's output channel (webview errors). */
export interface LogMessage {
  type: MessageType.Log;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** Every message the webview posts to the host. */
export type FromWebview =
  | ReadyMessage
  | ChunkReceivedMessage
  | RenderTimingsMessage
  | PlaybackStatusMessage
  | RunCommandMessage
  | RenderNowMessage
  | OpenLocationMessage
  | LogMessage
  | ReplyMessage;

// ---------------------------------------------------------------- request / reply

/** One chunk as the scheduler placed it on the AudioContext clock. */
export interface ScheduledChunkRecord {
  renderId: number;
  startFrame: number;
  frames: number;
  sampleRate: number;
  /** Context time passed to `AudioBufferSourceNode.start`. */
  when: number;
}

/** Answer to `GetPlayerState`. */
export interface PlayerStateSnapshot {
  state: PlayState;
  audioState: AudioState;
  contextSampleRate: number;
  contextTime: number;
  renderId: number | undefined;
  positionSeconds: number;
  bufferedSeconds: number;
  loop: boolean;
  loopRegion: { start: number; end: number } | undefined;
  gainDb: number;
  /** Most recent scheduled chunks, oldest first (at most 256). */
  scheduled: ScheduledChunkRecord[];
  /** Underruns since the current render started. */
  underruns: number;
  errorShown: string | undefined;
  spectrogramColumns: number;
}

/** What each request type is answered with. */
export interface ReplyBodies {
  [MessageType.GetPlayerState]: PlayerStateSnapshot;
}

/** Request message types. */
export type RequestType = keyof ReplyBodies;

/** The answer to a request. */
export interface ReplyMessage {
  type: MessageType.Reply;
  requestId: number;
  body?: unknown;
  error?: string;
}

// ---------------------------------------------------------------- typed handler

/** Posts one message (with buffers to transfer where the transport supports it). */
export type PostFunction<TSend> = (message: TSend, transfer?: Transferable[]) => void;

/**
 * Typed endpoint for one side of the channel: posts events, sends requests and resolves their replies,
 * and hands incoming messages to one handler whose return value answers requests.
 */
export class MessageHandler<TSend extends { type: MessageType }, TReceive extends { type: MessageType }> {
  private nextRequestId = 1;
  private readonly pending = new Map<number, { resolve: (body: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly post: PostFunction<TSend | ReplyMessage>,
    private readonly onMessage: (message: Exclude<TReceive, ReplyMessage>) => unknown,
  ) {}

  /** Posts a message that needs no answer. */
  sendEvent(message: TSend, transfer?: Transferable[]): void {
    this.post(message, transfer);
  }

  /** Posts a request and resolves with the other side's reply body. */
  sendRequest<K extends RequestType>(
    request: Omit<Extract<TSend, { type: K }>, 'requestId'> & { type: K },
    timeoutMs = 5000,
  ): Promise<ReplyBodies[K]> {
    const requestId = this.nextRequestId++;
    return new Promise<ReplyBodies[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`No reply to ${request.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, {
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body as ReplyBodies[K]);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.post({ ...request, requestId } as unknown as TSend);
    });
  }

  /** Feeds one received message: resolves a pending request or calls the handler (and replies to requests). */
  async handleMessage(message: TReceive | ReplyMessage): Promise<void> {
    if (isReply(message)) {
      const waiter = this.pending.get(message.requestId);
      if (!waiter) return;
      this.pending.delete(message.requestId);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.body);
      return;
    }
    const incoming = message as Exclude<TReceive, ReplyMessage>;
    const requestId = (incoming as { requestId?: number }).requestId;
    if (requestId === undefined) {
      this.onMessage(incoming);
      return;
    }
    try {
      const body = await this.onMessage(incoming);
      this.post({ type: MessageType.Reply, requestId, body });
    } catch (error) {
      this.post({ type: MessageType.Reply, requestId, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Rejects every request still waiting for a reply. */
  dispose(): void {
    for (const waiter of this.pending.values()) waiter.reject(new Error('The preview was closed'));
    this.pending.clear();
  }
}

function isReply(message: { type: MessageType }): message is ReplyMessage {
  return message.type === MessageType.Reply;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between the host and the webview. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Bytes of audio a chunk message carries (what the webview acknowledges and the host paces). */
export function chunkBytes(message: Pick<ChunkMessage, 'channels'>): number {
  return message.channels.reduce((sum, buffer) => sum + buffer.byteLength, 0);
}

/** The float32 samples of one channel as an ArrayBuffer of exactly their bytes (copied only when it is a view). */
export function channelToBuffer(samples: Float32Array): ArrayBuffer {
  if (samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength && samples.buffer instanceof ArrayBuffer) {
    return samples.buffer;
  }
  return samples.slice().buffer as ArrayBuffer;
}
