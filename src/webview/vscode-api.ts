// The webview's handle on VS Code: typed posting, the message handler, and persisted state.

import { MessageHandler, type FromWebview, type PersistedPreviewState, type ReplyMessage, type ToWebview } from '../shared/protocol';

/** What `acquireVsCodeApi()` returns. */
export interface VsCodeApi {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The VS Code API (acquired once; acquiring twice throws). */
export function vscodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}

/** A typed message handler over the VS Code API. */
export function createHandler(
  api: VsCodeApi,
  onMessage: (message: Exclude<ToWebview, ReplyMessage>) => unknown,
): MessageHandler<FromWebview, ToWebview> {
  return new MessageHandler<FromWebview, ToWebview>((message, transfer) => api.postMessage(message, transfer), onMessage);
}

/** The persisted state, validated. */
export function readPersistedState(api: VsCodeApi): PersistedPreviewState {
  const raw = api.getState() as PersistedPreviewState | undefined;
  if (!raw || typeof raw !== 'object') return {};
  const state: PersistedPreviewState = {};
  if (typeof raw.patchPath === 'string') state.patchPath = raw.patchPath;
  if (typeof raw.gainDb === 'number' && Number.isFinite(raw.gainDb)) state.gainDb = raw.gainDb;
  if (typeof raw.loop === 'boolean') state.loop = raw.loop;
  if (raw.region && typeof raw.region.start === 'number' && typeof raw.region.end === 'number') state.region = { start: raw.region.start, end: raw.region.end };
  return state;
}
