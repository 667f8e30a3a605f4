import type { PatchErrorData } from '../engine/patch-error';
import type { AudioState, PlayerStateSnapshot, PlayState } from '../shared/protocol';
import type { LiveRenderStatus } from './live-render';
import type { RenderTimings } from './timings';

/** What `activate` returns: for tests and other extensions (`extensions.getExtension('patchscope.patchscope').exports`). */
export interface PatchscopeApi {
  /** Opens (or reveals) the preview, following `patchPath` when given. */
  openPreview(patchPath?: string): Promise<void>;
  /** Timings of the newest live render (edit, first chunk posted, first sound), if any. */
  getLastTimings(): RenderTimings | undefined;
  /** Timings of the recent live renders, oldest first. */
  getTimingsHistory(): RenderTimings[];
  /** Live figures of the current render (RTF, chunk size, capture, error). */
  getStatus(): LiveRenderStatus;
  /** The webview player's state (scheduled chunks, position, audio state), or undefined without a preview. */
  getPlayerState(): Promise<PlayerStateSnapshot | undefined>;
  /** Problems Patchscope shows for a file. */
  getProblems(file: string): { message: string; line: number; column: number; code: string | undefined }[];
  /** The last playback status the webview reported (buffered seconds, frame times). */
  getPlaybackStatus(): PlaybackFigures | undefined;
  /** The last error a live render reported, cleared by the next good render. */
  getLastError(): PatchErrorData | undefined;
}

/** Playback figures the webview reports twice a second. */
export interface PlaybackFigures {
  state: PlayState;
  audioState: AudioState;
  positionSeconds: number;
  bufferedSeconds: number;
  maxFrameMs: number;
  meanFrameMs: number;
  maxDrawMs: number;
  /** Largest maxFrameMs seen since the preview opened. */
  worstFrameMs: number;
  /** Largest maxDrawMs seen since the preview opened. */
  worstDrawMs: number;
}
