import * as path from 'node:path';
import * as vscode from 'vscode';
import { PatchError, type PatchErrorData } from '../engine/patch-error';
import type { AudioChunk, PatchInfo, PatchSource, RenderProgress, StreamOptions, StreamStats } from '../engine/render-types';
import { channelToBuffer, epochNow, MessageType, type PatchDescriptor, type RenderSummary, type ToWebview } from '../shared/protocol';
import { ChunkPacer } from './chunk-pacer';
import { Disposable } from './disposable';
import { decideOnEdit } from './edit-debouncer';
import type { PatchDiagnostics } from './diagnostics';
import { isPatchPath } from '../engine/patch-files';
import { findPatchDocument, isDocumentOf, patchPathOf } from './patch-documents';
import { PatchInputs } from './patch-inputs';
import { median } from '../engine/statistics';
import { previewSettings, readSettings, streamOptions, streamSettingsChanged, type PatchscopeSettings } from './settings';
import type { TimingsRecorder } from './timings';

/** Starts a streamed render; the engine's `RenderPool.stream` has this shape (the pool remembers each patch's RTF). */
export type StreamFunction = (source: PatchSource, options: StreamOptions) => Promise<StreamStats>;

/** Where live renders go: the preview panel. */
export interface PreviewSink {
  readonly isReady: boolean;
  post(message: ToWebview): boolean;
  setTitle(patch: PatchDescriptor | undefined): void;
}

/** Live figures of the current render, for the status bar. */
export interface LiveRenderStatus {
  patch: PatchDescriptor | undefined;
  rendering: boolean;
  rtf: number | undefined;
  chunkFrames: number | undefined;
  sampleRate: number | undefined;
  capture: string | undefined;
  error: string | undefined;
}

interface ActiveRender {
  id: number;
  patchPath: string;
  abort: AbortController;
}

/** Plain data of any error a render rejects with. */
export function toErrorData(error: unknown, patchPath: string): PatchErrorData {
  if (error instanceof PatchError) return error.toData();
  const candidate = error as Partial<PatchErrorData> | undefined;
  if (candidate && typeof candidate.kind === 'string' && typeof candidate.message === 'string') {
    return { kind: candidate.kind, message: candidate.message, file: candidate.file ?? patchPath, line: candidate.line, column: candidate.column };
  }
  return { kind: 'runtime', message: error instanceof Error ? error.message : String(error), file: patchPath };
}

/** The summary posted to the webview when a render ends. */
export function summarize(stats: StreamStats): RenderSummary {
  return {
    capture: stats.capture,
    chunks: stats.chunks,
    rtf: stats.rtf,
    probeRtf: stats.probeRtf,
    firstChunkMs: stats.firstChunkMs,
    totalMs: stats.totalMs,
    medianChunkFrames: median(stats.chunkFrames),
  };
}

/**
 * Follows the active patch editor and streams a render of its unsaved text into the preview on each edit
 * (leading-and-trailing debounce), cancelling the previous render at once. Errors go to the Problems
 * panel and the preview; the next render that gets past `build` clears them.
 */
export class LiveRender extends Disposable {
  private followed: PatchDescriptor | undefined;
  /** The followed patch's files, so that an edit to a module it imports renders it too. */
  private inputs: PatchInputs | undefined;
  private active: ActiveRender | undefined;
  private nextRenderId = 1;
  private currentSettings: PatchscopeSettings;
  private trailingTimer: ReturnType<typeof setTimeout> | undefined;
  private trailingEditAt = 0;
  private previousEditAt: number | undefined;
  private liveStatus: LiveRenderStatus = emptyStatus(undefined);
  private errorData: PatchErrorData | undefined;
  private readonly pacer = new ChunkPacer((message) => this.preview.post(message));

  private readonly statusEmitter = this._register(new vscode.EventEmitter<LiveRenderStatus>());
  /** Fires when the live figures change. */
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly stream: StreamFunction,
    private readonly preview: PreviewSink,
    private readonly diagnostics: PatchDiagnostics,
    private readonly timings: TimingsRecorder,
    private readonly trusted: () => boolean,
  ) {
    super();
    this._register(vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.followDocument(editor.document)));
    this._register(vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)));
    this._register(vscode.workspace.onDidSaveTextDocument((document) => this.onDocumentSaved(document)));
    this._register({ dispose: () => this.cancel() });
    const activePatch = vscode.window.activeTextEditor && patchPathOf(vscode.window.activeTextEditor.document.uri);
    if (activePatch) {
      this.followed = describe(activePatch);
      this.inputs = new PatchInputs(activePatch);
    }
    this.currentSettings = readPatchSettings(this.followed);
  }

  /** The patch the preview follows. */
  get patch(): PatchDescriptor | undefined {
    return this.followed;
  }

  /** The error of the last failed render, until a render gets past `build` again. */
  get lastError(): PatchErrorData | undefined {
    return this.errorData;
  }

  /** The live figures of the current render. */
  get status(): LiveRenderStatus {
    return this.liveStatus;
  }

  /** The settings of the followed patch, its folder's overrides included. */
  get settings(): PatchscopeSettings {
    return this.currentSettings;
  }

  /** Reads the settings of the followed patch again, for the next render and the preview. */
  private reloadSettings(): void {
    this.currentSettings = readPatchSettings(this.followed);
    this.preview.post({ type: MessageType.Settings, settings: previewSettings(this.currentSettings) });
  }

  /**
   * A setting changed somewhere: reads the followed patch's settings again, and renders it again when its
   * streamed render would differ (a raised duration limit or timeout, another capture or chunk size). With
   * automatic rendering off, the next render waits for Render now as it would after an edit.
   */
  settingsChanged(): void {
    const before = this.currentSettings;
    this.reloadSettings();
    if (!this.followed || this.currentSettings.autoRender === 'off' || !streamSettingsChanged(before, this.currentSettings)) return;
    this.renderNow(epochNow());
  }

  /** Follows the patch at `patchPath` (revived panel, command argument); renders it when it changed. */
  followPath(patchPath: string): void {
    if (!isPatchPath(patchPath)) return;
    if (this.followed?.path === patchPath) return;
    this.followed = describe(patchPath);
    this.inputs = new PatchInputs(patchPath);
    this.reloadSettings();
    this.preview.post({ type: MessageType.Patch, patch: this.followed });
    this.preview.setTitle(this.followed);
    this.setStatus(emptyStatus(this.followed));
    this.renderNow(epochNow());
  }

  /** Renders the followed patch now, cancelling any render in progress. */
  renderNow(editAt: number): void {
    this.clearTrailing();
    this.start(editAt);
  }

  /**
   * True when the preview renders the edits (or saves) of the patch at `patchPath`, so each of its texts gets a
   * render that clears or reports its problems.
   */
  keepsProblemsCurrent(patchPath: string): boolean {
    return this.followed?.path === patchPath && this.preview.isReady && this.trusted() && !this.isDisposed && this.settings.autoRender !== 'off';
  }

  /** The preview handled a chunk of `bytes` bytes: more audio may be posted. */
  chunkReceived(bytes: number): void {
    this.pacer.acknowledge(bytes);
  }

  /** A new or revived preview, or none: nothing posted before can be acknowledged any more. */
  previewReset(): void {
    this.pacer.reset();
  }

  /** Cancels the render in progress and any render waiting for the debounce. */
  cancel(): void {
    this.clearTrailing();
    this.abortActive();
  }

  private followDocument(document: vscode.TextDocument): void {
    const patchPath = patchPathOf(document.uri);
    if (patchPath) this.followPath(patchPath);
  }

  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    const editAt = epochNow();
    if (event.contentChanges.length === 0 || !this.isFollowedFile(event.document.uri)) return;
    // On save or off, an edit renders nothing, so the render in progress keeps playing until the next one starts.
    if (this.settings.autoRender !== 'onType') return;
    // Cancel at once: the render in progress plays text that no longer exists.
    this.abortActive();
    const decision = decideOnEdit(editAt, this.previousEditAt, this.settings.debounceMs, this.trailingTimer !== undefined);
    this.previousEditAt = editAt;
    if (decision.kind === 'now') {
      this.start(editAt);
      return;
    }
    this.clearTrailing();
    this.trailingEditAt = editAt;
    this.trailingTimer = setTimeout(() => {
      this.trailingTimer = undefined;
      this.start(this.trailingEditAt);
    }, decision.delayMs);
  }

  private onDocumentSaved(document: vscode.TextDocument): void {
    if (!this.isFollowedFile(document.uri) || this.settings.autoRender !== 'onSave') return;
    this.renderNow(epochNow());
  }

  /** True when a document at `uri` is the followed patch's text or one of the files its renders read. */
  private isFollowedFile(uri: vscode.Uri): boolean {
    if (!this.followed) return false;
    return isDocumentOf(uri, this.followed.path) || (uri.scheme === 'file' && this.inputs?.isModule(uri.fsPath) === true);
  }

  private clearTrailing(): void {
    if (this.trailingTimer !== undefined) clearTimeout(this.trailingTimer);
    this.trailingTimer = undefined;
  }

  private abortActive(): void {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    active.abort.abort();
    // Posts RenderCancelled for it, unless its end already went out.
    this.pacer.clear();
    this.timings.finish(active.id, 'cancelled', epochNow());
    this.setStatus({ ...this.liveStatus, rendering: false });
  }

  private start(editAt: number): void {
    this.abortActive();
    const patch = this.followed;
    if (!patch || !this.preview.isReady || !this.trusted() || this.isDisposed) return;
    const id = this.nextRenderId++;
    const abort = new AbortController();
    const active: ActiveRender = { id, patchPath: patch.path, abort };
    this.active = active;
    const document = findPatchDocument(vscode.workspace.textDocuments, patch.path);
    const inputs = this.inputs;
    const source: PatchSource = { path: patch.path, text: document?.getText(), overlays: inputs?.overlays(vscode.workspace.textDocuments) };
    const renderStartAt = epochNow();
    this.timings.start(id, patch.path, editAt, renderStartAt);
    // A completed render whose audio still waits in the pacer is posted as cancelled before this one starts.
    this.pacer.begin(id);
    this.preview.post({ type: MessageType.RenderStart, renderId: id, patch, editAt });
    this.setStatus({ ...this.liveStatus, patch, rendering: true });

    let info: PatchInfo | undefined;
    let firstChunk = true;
    const isCurrent = (): boolean => this.active === active && !abort.signal.aborted;
    const options = {
      ...streamOptions(this.settings),
      signal: abort.signal,
      onInputs: (files: readonly string[]) => inputs?.update(files),
      onInfo: (patchInfo: PatchInfo) => {
        if (!isCurrent()) return;
        info = patchInfo;
        this.preview.post({ type: MessageType.RenderInfo, renderId: id, info: patchInfo });
        this.setStatus({ ...this.liveStatus, sampleRate: patchInfo.sampleRate });
      },
      onChunk: (chunk: AudioChunk): Promise<void> | undefined => {
        if (!isCurrent() || !info) return undefined;
        const postedAt = epochNow();
        this.pacer.push({
          type: MessageType.Chunk,
          renderId: id,
          startFrame: chunk.startFrame,
          frames: chunk.channels[0]?.length ?? 0,
          sampleRate: info.sampleRate,
          channels: chunk.channels.map(channelToBuffer),
          postedAt,
        });
        if (firstChunk) {
          firstChunk = false;
          this.timings.firstChunkPosted(id, postedAt);
          // The patch compiled and built: earlier problems are gone.
          this.diagnostics.clear(patch.path);
          this.errorData = undefined;
          this.setStatus({ ...this.liveStatus, error: undefined });
        }
        // The worker waits while this process holds more than the queue limit for the webview.
        return this.pacer.whenRoom();
      },
      onProgress: (progress: RenderProgress) => {
        if (!isCurrent()) return;
        this.pacer.push({
          type: MessageType.RenderProgress,
          renderId: id,
          framesDone: progress.framesDone,
          framesTotal: progress.framesTotal,
          rtf: progress.rtf,
          chunkFrames: progress.chunkFrames,
          capture: this.settings.capture === 'auto' ? undefined : this.settings.capture,
        });
        this.setStatus({ ...this.liveStatus, rtf: progress.rtf, chunkFrames: progress.chunkFrames });
      },
    };
    this.stream(source, options).then(
      (stats) => {
        if (this.active !== active) return;
        this.active = undefined;
        const summary = summarize(stats);
        this.timings.finish(id, 'done', epochNow(), summary);
        this.diagnostics.clear(patch.path);
        this.pacer.push({ type: MessageType.RenderEnd, renderId: id, summary });
        this.setStatus({ ...this.liveStatus, rendering: false, rtf: stats.rtf, capture: stats.capture, error: undefined });
      },
      (error: unknown) => {
        if (abort.signal.aborted || this.active !== active) return;
        this.active = undefined;
        const data = toErrorData(error, patch.path);
        inputs?.add(data.file);
        this.errorData = data;
        this.timings.finish(id, 'error', epochNow());
        this.diagnostics.report(patch.path, data, source.text);
        this.pacer.push({ type: MessageType.RenderError, renderId: id, error: data });
        this.setStatus({ ...this.liveStatus, rendering: false, error: data.message });
      },
    );
  }

  private setStatus(status: LiveRenderStatus): void {
    this.liveStatus = status;
    this.statusEmitter.fire(status);
  }
}

function describe(patchPath: string): PatchDescriptor {
  return { path: patchPath, name: path.basename(patchPath) };
}

/** Settings as they apply to `patch` (a folder's settings override the workspace's), as the render commands read them. */
function readPatchSettings(patch: PatchDescriptor | undefined): PatchscopeSettings {
  return readSettings(patch ? vscode.Uri.file(patch.path) : undefined);
}

function emptyStatus(patch: PatchDescriptor | undefined): LiveRenderStatus {
  return { patch, rendering: false, rtf: undefined, chunkFrames: undefined, sampleRate: undefined, capture: undefined, error: undefined };
}
