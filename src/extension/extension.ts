import * as path from 'node:path';
import * as vscode from 'vscode';
import { epochNow, MessageType, type FromWebview, type PlaybackStatusMessage, type ReplyMessage } from '../shared/protocol';
import type { PatchscopeApi, PlaybackFigures } from './api';
import { COMMANDS } from './command-ids';
import { newPatchCommand } from './commands/new-patch';
import { runParityCommand } from './commands/parity';
import { renderAllCommand } from './commands/render-all';
import { renderMp4Command } from './commands/render-mp4';
import { renderWavCommand } from './commands/render-wav';
import type { CommandContext } from './commands/command-context';
import { PatchDiagnostics } from './diagnostics';
import { Disposable } from './disposable';
import { EngineHost } from './engine-host';
import { LiveRender } from './live-render';
import { isInsideFolder, isPlainAbsolutePath } from '../shared/validate';
import { patchPathOf } from './patch-documents';
import { PreviewPanel } from './preview-panel';
import { onDidChangeSettings, previewSettings } from './settings';
import { StatusBar } from './status-bar';
import { TimingsRecorder } from './timings';

/** Everything the extension holds while active. */
class Patchscope extends Disposable {
  readonly output = this._register(vscode.window.createOutputChannel('Patchscope'));
  readonly engine = this._register(new EngineHost(this.output));
  readonly diagnostics = this._register(new PatchDiagnostics((patchPath) => this.live.keepsProblemsCurrent(patchPath)));
  readonly timings = new TimingsRecorder();
  readonly preview: PreviewPanel;
  readonly live: LiveRender;
  private readonly statusBar = this._register(new StatusBar());
  private playback: PlaybackFigures | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.preview = this._register(
      new PreviewPanel(context.extensionUri, {
        settings: () => previewSettings(this.live.settings),
        trusted: () => vscode.workspace.isTrusted,
        patch: () => this.live.patch,
        restorePatch: (patchPath) => this.live.followPath(patchPath),
      }),
    );
    this.live = this._register(
      new LiveRender(
        (source, options) => this.engine.renderPool.stream(source, options),
        this.preview,
        this.diagnostics,
        this.timings,
        () => vscode.workspace.isTrusted,
      ),
    );
    this.wire();
    this.registerCommands();
    this.updateStatusBar();
  }

  /** The API returned by `activate`. */
  api(): PatchscopeApi {
    return {
      openPreview: async (patchPath) => this.openPreview(patchPath ? vscode.Uri.file(patchPath) : undefined),
      getLastTimings: () => {
        const last = this.timings.last();
        return last ? { ...last } : undefined;
      },
      getTimingsHistory: () => this.timings.history(),
      getStatus: () => ({ ...this.live.status }),
      getPlayerState: () => this.preview.playerState(),
      getProblems: (file) =>
        this.diagnostics.problemsOf(file).map((d) => ({
          message: d.message,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          code: typeof d.code === 'string' ? d.code : undefined,
        })),
      getPlaybackStatus: () => (this.playback ? { ...this.playback } : undefined),
      getLastError: () => this.live.lastError,
    };
  }

  private wire(): void {
    this._register(onDidChangeSettings(() => this.live.settingsChanged()));
    this._register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.preview.post({ type: MessageType.Trust, trusted: true });
        this.live.renderNow(epochNow());
        this.updateStatusBar();
      }),
    );
    this._register(
      this.preview.onDidBecomeReady(() => {
        this.live.previewReset();
        this.preview.setTitle(this.live.patch);
        if (vscode.workspace.isTrusted) {
          // Warm workers answer the first edit sooner.
          void this.engine.renderPool.warmUp().catch((error: unknown) => this.output.appendLine(`Render workers failed to start: ${String(error)}`));
          this.live.renderNow(epochNow());
        }
        this.updateStatusBar();
      }),
    );
    this._register(
      this.preview.onDidClose(() => {
        this.live.cancel();
        this.live.previewReset();
        this.playback = undefined;
        this.updateStatusBar();
      }),
    );
    this._register(this.preview.onDidReceiveMessage((message) => this.onWebviewMessage(message)));
    this._register(this.live.onDidChangeStatus(() => this.updateStatusBar()));
    this._register({ dispose: this.timings.onDidChange(() => this.updateStatusBar()) });
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.updateStatusBar()));
  }

  private registerCommands(): void {
    const context: CommandContext = {
      extensionUri: this.context.extensionUri,
      engine: this.engine,
      diagnostics: this.diagnostics,
      output: this.output,
      live: this.live,
      preview: this.preview,
    };
    const register = (id: string, run: (...args: unknown[]) => unknown): void => {
      this._register(vscode.commands.registerCommand(id, run));
    };
    register(COMMANDS.openPreview.id, (uri) => this.openPreview(uri instanceof vscode.Uri ? uri : undefined));
    register(COMMANDS.stop.id, () => this.stop());
    register(COMMANDS.renderWav.id, (uri) => renderWavCommand(context, uri));
    register(COMMANDS.renderMp4.id, (uri) => renderMp4Command(context, uri));
    register(COMMANDS.runParityTest.id, (uri) => runParityCommand(context, uri));
    register(COMMANDS.newPatch.id, () => newPatchCommand(context));
    register(COMMANDS.renderAll.id, () => renderAllCommand(context));
  }

  private async openPreview(uri?: vscode.Uri): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const patchPath = target && patchPathOf(target);
    if (patchPath) this.live.followPath(patchPath);
    this.preview.show();
    this.updateStatusBar();
  }

  private stop(): void {
    this.live.cancel();
    this.preview.post({ type: MessageType.Transport, action: 'stop' });
  }

  private onWebviewMessage(message: Exclude<FromWebview, ReplyMessage>): void {
    switch (message.type) {
      case MessageType.ChunkReceived:
        this.live.chunkReceived(message.bytes);
        return;
      case MessageType.RenderTimings:
        this.timings.webviewTimings(message.renderId, message.firstChunkReceivedAt, message.firstSoundAt);
        return;
      case MessageType.PlaybackStatus:
        this.playback = toFigures(message, this.playback);
        this.updateStatusBar();
        return;
      case MessageType.RunCommand: {
        const commands = {
          renderWav: COMMANDS.renderWav.id,
          renderMp4: COMMANDS.renderMp4.id,
          runParityTest: COMMANDS.runParityTest.id,
          newPatch: COMMANDS.newPatch.id,
          manageTrust: 'workbench.trust.manage',
        } as const;
        const patch = this.live.patch;
        const argument = patch && message.command !== 'newPatch' && message.command !== 'manageTrust' ? vscode.Uri.file(patch.path) : undefined;
        void vscode.commands.executeCommand(commands[message.command], argument);
        return;
      }
      case MessageType.RenderNow:
        this.live.renderNow(epochNow());
        return;
      case MessageType.OpenLocation:
        void this.openLocation(message.file, message.line, message.column);
        return;
      case MessageType.Log:
        this.output.appendLine(`[webview ${message.level}] ${message.message}`);
        return;
    }
  }

  /** Opens a file an error points at, only inside the workspace or beside the followed patch. */
  private async openLocation(file: string, line?: number, column?: number): Promise<void> {
    const uri = vscode.Uri.file(file);
    const patchFolder = this.live.patch ? path.dirname(this.live.patch.path) : undefined;
    if (!isPlainAbsolutePath(file)) return;
    const allowed = vscode.workspace.getWorkspaceFolder(uri) !== undefined || (patchFolder !== undefined && isInsideFolder(patchFolder, file));
    if (!allowed) return;
    const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
  }

  private updateStatusBar(): void {
    const active = vscode.window.activeTextEditor?.document.uri;
    this.statusBar.update(
      {
        live: this.live.status,
        timings: this.timings.last(),
        playback: this.playback,
        previewOpen: this.preview.isOpen,
        trusted: vscode.workspace.isTrusted,
      },
      active !== undefined && patchPathOf(active) !== undefined,
    );
  }
}

function toFigures(message: PlaybackStatusMessage, previous: PlaybackFigures | undefined): PlaybackFigures {
  return {
    state: message.state,
    audioState: message.audioState,
    positionSeconds: message.positionSeconds,
    bufferedSeconds: message.bufferedSeconds,
    maxFrameMs: message.maxFrameMs,
    meanFrameMs: message.meanFrameMs,
    maxDrawMs: message.maxDrawMs,
    worstFrameMs: Math.max(previous?.worstFrameMs ?? 0, message.maxFrameMs),
    worstDrawMs: Math.max(previous?.worstDrawMs ?? 0, message.maxDrawMs),
  };
}

let instance: Patchscope | undefined;

/** Starts the extension; returns the API tests use. */
export function activate(context: vscode.ExtensionContext): PatchscopeApi {
  instance = new Patchscope(context);
  context.subscriptions.push(instance);
  return instance.api();
}

/** Everything is disposed through `context.subscriptions`. */
export function deactivate(): void {
  instance = undefined;
}
