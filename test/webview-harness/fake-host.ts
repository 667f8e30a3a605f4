// Stands in for the extension host in the harness page: provides `acquireVsCodeApi`, answers the webview's
// handshake, and replays a real streamed render (recorded by serve.ts with node-web-audio-api) at the pace it
// was rendered, as transferable ArrayBuffers. Exposes `window.harness` for the screenshot script and tests.

import type { PatchErrorData } from '../../src/engine/patch-error';
import type { PatchInfo } from '../../src/engine/render-types';
import {
  epochNow,
  MessageHandler,
  MessageType,
  type FromWebview,
  type PlayerStateSnapshot,
  type PreviewSettings,
  type ReplyMessage,
  type ToWebview,
} from '../../src/shared/protocol';

/** A render as serve.ts returns it. */
interface RecordedRender {
  info: PatchInfo;
  capture: string;
  chunks: { startFrame: number; frames: number; atMs: number; rtf: number }[];
  samples: Float32Array;
}

/** What the screenshot script reads. */
interface HarnessApi {
  fromWebview: FromWebview[];
  ready: boolean;
  renders: number;
  lastRenderDone: boolean;
  playerState(): Promise<PlayerStateSnapshot>;
  render(options?: { error?: PatchErrorData; speed?: number }): Promise<void>;
  post(message: ToWebview): void;
}

declare global {
  interface Window {
    acquireVsCodeApi: () => unknown;
    harness: HarnessApi;
  }
}

const params = new URLSearchParams(location.search);
const patch = params.get('patch') ?? 'examples/hello.synth.js';
const speed = Number(params.get('speed') ?? '1');
const settings: PreviewSettings = {
  spectrogram: {
    fftSize: Number(params.get('fft') ?? '2048'),
    scale: (params.get('scale') as PreviewSettings['spectrogram']['scale']) ?? 'log',
    colorMap: (params.get('colormap') as PreviewSettings['spectrogram']['colorMap']) ?? 'magma',
  },
  autoRender: 'onType',
};

// Desktop VS Code starts a webview's AudioContext suspended until a click in it; headless Chromium does not.
if (params.get('suspended') === '1') {
  const Original = window.AudioContext;
  window.AudioContext = class extends Original {
    constructor(options?: AudioContextOptions) {
      super(options);
      void this.suspend();
    }
  };
}

let persisted: unknown;
let renderCounter = 0;
const fromWebview: FromWebview[] = [];

const handler = new MessageHandler<ToWebview, FromWebview>(
  (message, transfer) => window.postMessage(message, '*', transfer ?? []),
  (message) => onWebviewMessage(message),
);

window.acquireVsCodeApi = () => ({
  postMessage: (message: FromWebview) => {
    fromWebview.push(message);
    // Asynchronous like the real transport.
    setTimeout(() => void handler.handleMessage(message), 0);
  },
  getState: () => persisted,
  setState: (state: unknown) => {
    persisted = state;
  },
});

const harness: HarnessApi = {
  fromWebview,
  ready: false,
  renders: 0,
  lastRenderDone: false,
  playerState: () => handler.sendRequest({ type: MessageType.GetPlayerState }),
  render: (options) => replay(options),
  post: (message) => handler.sendEvent(message),
};
window.harness = harness;

function onWebviewMessage(message: Exclude<FromWebview, ReplyMessage>): void {
  if (message.type !== MessageType.Ready) return;
  harness.ready = true;
  handler.sendEvent({
    type: MessageType.Init,
    settings,
    trusted: params.get('trusted') !== '0',
    patch: params.get('nopatch') ? undefined : { path: `/workspace/${patch}`, name: patch.split('/').pop() ?? patch },
  });
  if (params.get('autorender') !== '0' && !params.get('nopatch') && params.get('trusted') !== '0') void replay();
}

let recording: Promise<RecordedRender> | undefined;

async function fetchRender(): Promise<RecordedRender> {
  const response = await fetch(`/render?patch=${encodeURIComponent(patch)}`);
  if (!response.ok) throw new Error(`render failed: ${await response.text()}`);
  const bytes = await response.arrayBuffer();
  const headerLength = new DataView(bytes).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 4, headerLength))) as Omit<RecordedRender, 'samples'>;
  const offset = 4 + headerLength + ((4 - ((4 + headerLength) % 4)) % 4);
  return { ...header, samples: new Float32Array(bytes, offset) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Replays the recorded render as a live render would arrive (a new render id each time, like an edit). */
async function replay(options: { error?: PatchErrorData; speed?: number } = {}): Promise<void> {
  recording ??= fetchRender();
  const render = await recording;
  const renderId = ++renderCounter;
  harness.renders = renderId;
  harness.lastRenderDone = false;
  // The edit happens now: the recording's chunk times already include the engine's time to the first chunk.
  const editAt = epochNow();
  const pace = options.speed ?? speed;
  const patchDescriptor = { path: `/workspace/${patch}`, name: patch.split('/').pop() ?? patch };
  handler.sendEvent({ type: MessageType.RenderStart, renderId, patch: patchDescriptor, editAt });
  if (options.error) {
    await sleep(15);
    handler.sendEvent({ type: MessageType.RenderError, renderId, error: options.error });
    harness.lastRenderDone = true;
    return;
  }
  handler.sendEvent({ type: MessageType.RenderInfo, renderId, info: render.info });
  const started = performance.now();
  let cursor = 0;
  for (const chunk of render.chunks) {
    const due = started + chunk.atMs / pace;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (harness.renders !== renderId) return;
    const channels: ArrayBuffer[] = [];
    for (let c = 0; c < render.info.channels; c++) {
      channels.push(render.samples.slice(cursor + c * chunk.frames, cursor + (c + 1) * chunk.frames).buffer);
    }
    cursor += chunk.frames * render.info.channels;
    handler.sendEvent(
      { type: MessageType.Chunk, renderId, startFrame: chunk.startFrame, frames: chunk.frames, sampleRate: render.info.sampleRate, channels, postedAt: epochNow() },
      channels,
    );
    handler.sendEvent({
      type: MessageType.RenderProgress,
      renderId,
      framesDone: chunk.startFrame + chunk.frames,
      framesTotal: render.info.frames,
      rtf: chunk.rtf,
      chunkFrames: chunk.frames,
      capture: render.capture as 'script-processor',
    });
  }
  const median = [...render.chunks.map((c) => c.frames)].sort((a, b) => a - b)[render.chunks.length >> 1] ?? 0;
  handler.sendEvent({
    type: MessageType.RenderEnd,
    renderId,
    summary: {
      capture: render.capture as 'script-processor',
      chunks: render.chunks.length,
      rtf: render.chunks.at(-1)?.rtf ?? 0,
      probeRtf: 0,
      firstChunkMs: render.chunks[0]?.atMs ?? 0,
      totalMs: render.chunks.at(-1)?.atMs ?? 0,
      medianChunkFrames: median,
    },
  });
  harness.lastRenderDone = true;
}
