import * as vscode from 'vscode';
import {
  MessageHandler,
  MessageType,
  type FromWebview,
  type PatchDescriptor,
  type PlayerStateSnapshot,
  type PreviewSettings,
  type ReplyMessage,
  type ToWebview,
} from '../shared/protocol';
import { Disposable } from './disposable';
import { webviewHtml } from './webview-html';
import { parseFromWebview, parsePersistedState } from '../shared/validate';
import { isPatchPath } from '../engine/patch-files';

/** What the panel needs to know when it opens or is revived. */
export interface PreviewContext {
  settings(): PreviewSettings;
  trusted(): boolean;
  patch(): PatchDescriptor | undefined;
  /** A panel revived after a reload followed this patch. */
  restorePatch(patchPath: string): void;
}

/**
 * The single preview panel: creates or reveals it, revives it after a reload, owns its message handler,
 * and posts nothing until the webview said `Ready`.
 */
export class PreviewPanel extends Disposable {
  /** View type of the panel (and of its serializer). */
  static readonly viewType = 'patchscope.preview';

  private panel: vscode.WebviewPanel | undefined;
  private handler: MessageHandler<ToWebview, FromWebview> | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;

  private readonly readyEmitter = this._register(new vscode.EventEmitter<void>());
  private readonly closeEmitter = this._register(new vscode.EventEmitter<void>());
  private readonly messageEmitter = this._register(new vscode.EventEmitter<Exclude<FromWebview, ReplyMessage>>());

  /** Fires when a (new or revived) webview finished its handshake. */
  readonly onDidBecomeReady = this.readyEmitter.event;
  /** Fires when the panel is closed. */
  readonly onDidClose = this.closeEmitter.event;
  /** Every message from the webview except replies. */
  readonly onDidReceiveMessage = this.messageEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly context: PreviewContext,
  ) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(PreviewPanel.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          // Saved by the webview, so checked: only a plain absolute path to a patch file is followed.
          const { patchPath } = parsePersistedState(state);
          if (patchPath !== undefined && isPatchPath(patchPath)) this.context.restorePatch(patchPath);
          this.attach(panel);
        },
      }),
    );
  }

  /** True while a panel is open and its webview has said `Ready`. */
  get isReady(): boolean {
    return this.ready;
  }

  /** True while a panel is open. */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens the panel beside the editor, or reveals it. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PreviewPanel.viewType,
      'Patchscope',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { ...this.webviewOptions(), retainContextWhenHidden: true },
    );
    this.attach(panel);
  }

  /** Closes the panel. */
  close(): void {
    this.panel?.dispose();
  }

  /** Posts a message; dropped unless the webview is ready (it asks for everything it needs in its handshake). */
  post(message: ToWebview): boolean {
    if (!this.ready || !this.handler) return false;
    this.handler.sendEvent(message);
    return true;
  }

  /** Asks the webview for the player's state. */
  async playerState(): Promise<PlayerStateSnapshot | undefined> {
    if (!this.ready || !this.handler) return undefined;
    return this.handler.sendRequest({ type: MessageType.GetPlayerState });
  }

  /** Updates the panel title to the followed patch. */
  setTitle(patch: PatchDescriptor | undefined): void {
    if (this.panel) this.panel.title = patch ? `Patchscope: ${patch.name}` : 'Patchscope';
  }

  private webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
        vscode.Uri.joinPath(this.extensionUri, 'node_modules', '@vscode', 'codicons', 'dist'),
      ],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'preview-icon.svg');
    this.setTitle(this.context.patch());
    const handler = new MessageHandler<ToWebview, FromWebview>(
      (message) => void panel.webview.postMessage(message),
      (message) => this.receive(message),
    );
    this.handler = handler;
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        // The webview is untrusted input: only well-formed messages reach the handler.
        const message = parseFromWebview(raw);
        if (message) void handler.handleMessage(message);
      }),
      panel.onDidDispose(() => this.detach(panel)),
    );
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri);
  }

  private receive(message: Exclude<FromWebview, ReplyMessage>): void {
    if (message.type === MessageType.Ready) {
      this.ready = true;
      this.handler?.sendEvent({
        type: MessageType.Init,
        settings: this.context.settings(),
        trusted: this.context.trusted(),
        patch: this.context.patch(),
      });
      this.readyEmitter.fire();
      return;
    }
    this.messageEmitter.fire(message);
  }

  private detach(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panel = undefined;
    this.ready = false;
    this.handler?.dispose();
    this.handler = undefined;
    for (const disposable of this.panelDisposables.splice(0)) disposable.dispose();
    this.closeEmitter.fire();
  }

  /**
   * Lets go of the panel without closing it: on a window reload the panel must stay open for the serializer to
   * revive it; VS Code disposes the webviews of a stopped extension host itself.
   */
  override dispose(): void {
    this.handler?.dispose();
    for (const disposable of this.panelDisposables.splice(0)) disposable.dispose();
    this.panel = undefined;
    this.ready = false;
    super.dispose();
  }
}
