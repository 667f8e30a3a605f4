// The preview page: receives the host's messages, plays the renders, draws the spectrogram and transport,
// and reports timings back. Every listener, timer and animation frame goes through one Lifecycle.

import type { PatchErrorData } from '../engine/patch-error';
import {
  chunkBytes,
  epochNow,
  MessageType,
  type AudioState,
  type ChunkMessage,
  type FromWebview,
  type MessageHandler,
  type PatchDescriptor,
  type PersistedPreviewState,
  type PlayerStateSnapshot,
  type PreviewSettings,
  type ReplyMessage,
  type ToWebview,
  type WebviewCommand,
} from '../shared/protocol';
import { AckGate } from './ack-gate';
import { AudioOutput } from './audio-output';
import { leadTimeFor } from './chunk-scheduler';
import { buildLayout, icon, type PreviewElements, type StatName } from './layout';
import { LevelMeter } from './level-meter';
import { Lifecycle } from './lifecycle';
import { PlayheadView } from './playhead-view';
import { Player, type Region } from './player';
import { attachPointerSelection } from './pointer-selection';
import { SpectrogramModels } from './spectrogram-models';
import { SpectrogramView, type PlotState } from './spectrogram-view';
import { readTheme, type ThemeColors } from './theme';
import { TimelineView } from './timeline-view';
import { formatClock, timeToX, visibleWindow, xToTime } from './timeline-math';
import { createHandler, readPersistedState, type VsCodeApi } from './vscode-api';

/** Milliseconds of spectrogram computing allowed per animation frame. */
const COMPUTE_BUDGET_MS = 2;

/**
 * Least time between updates of the level meter and of the figures read as text (clock, stats): the eye needs no
 * more, and every change on screen costs a composited frame on the thread that, in code-server, the webview
 * shares with the workbench and its messages (see bench/RESULTS.md, keystroke to sound).
 */
const METER_INTERVAL_MS = 1000 / 30;
const TEXT_INTERVAL_MS = 1000 / 15;
/** How often the player is pumped and the transport refreshed. */
const TICK_MS = 20;
/** How often playback status goes to the host. */
const STATUS_MS = 500;

interface RenderFigures {
  rtf?: number;
  chunkFrames?: number;
  sampleRate?: number;
  capture?: string;
  firstChunkMs?: number;
  firstSoundMs?: number;
  progress?: number;
}

/** The preview application. */
export class PreviewApp {
  private readonly lifecycle = new Lifecycle();
  private readonly ui: PreviewElements;
  private readonly handler: MessageHandler<FromWebview, ToWebview>;
  private readonly output: AudioOutput | undefined;
  private readonly player: Player | undefined;
  private readonly spectrogram: SpectrogramView;
  private readonly timeline: TimelineView;
  private readonly playhead: PlayheadView;
  private readonly meter: LevelMeter;
  private readonly models = new SpectrogramModels();
  /** Chunk acknowledgements, held while enough audio waits ahead of the playhead (bounds the panel's memory). */
  private readonly acks = new AckGate((renderId, bytes) => this.post({ type: MessageType.ChunkReceived, renderId, bytes }));
  private readonly editAt = new Map<number, number>();
  private theme: ThemeColors;
  private settings: PreviewSettings | undefined;
  private patch: PatchDescriptor | undefined;
  private trusted = true;
  private initialized = false;
  private error: PatchErrorData | undefined;
  private rendering = false;
  private figures: RenderFigures = {};
  private dragRegion: Region | undefined;
  private persisted: PersistedPreviewState;
  private frameTimes: number[] = [];
  private drawTimes: number[] = [];
  private lastStatusKey = '';
  private shownTexts = new Map<HTMLElement, string>();
  /** Something changed that the next frame must draw. */
  private dirty = true;
  /** The meter keeps drawing until its bars have fallen (ms). */
  private meterActiveUntil = 0;
  private meterDrawnAt = -Infinity;
  private textsShownAt = -Infinity;

  constructor(
    private readonly api: VsCodeApi,
    host: HTMLElement,
  ) {
    this.ui = buildLayout(host);
    this.theme = readTheme();
    this.persisted = readPersistedState(api);
    this.spectrogram = new SpectrogramView(this.ui.spectrogram);
    this.timeline = new TimelineView(this.ui.timeline);
    this.playhead = new PlayheadView(this.ui.playhead);
    this.meter = new LevelMeter(this.ui.meter);
    this.handler = createHandler(api, (message) => this.receive(message));

    try {
      const output = new AudioOutput();
      this.output = output;
      this.player = new Player(
        output.context,
        (channels) => output.destinationFor(channels),
        {
          now: epochNow,
          onFirstSound: (renderId, receivedAt, soundAt, when) => this.reportFirstSound(renderId, receivedAt, soundAt, when),
          onNeedRender: () => this.post({ type: MessageType.RenderNow }),
        },
        { leadTime: leadTimeFor(output.context.baseLatency) },
      );
    } catch (error) {
      this.log('error', `Web Audio is not available in this webview: ${String(error)}`);
    }

    this.restorePersisted();
    this.wire();
    this.lifecycle.listen(window, 'message', (event: MessageEvent) => {
      const data = event.data as ToWebview | ReplyMessage | undefined;
      if (data && typeof data === 'object' && typeof data.type === 'string') void this.handler.handleMessage(data);
    });
    this.refreshOverlay();
    this.refreshTransport();
    // The handshake: the host posts nothing until this arrives.
    this.post({ type: MessageType.Ready });
  }

  /** Removes every listener, timer and frame callback and closes the audio context. */
  dispose(): void {
    this.lifecycle.dispose();
    this.player?.dispose();
    this.output?.dispose();
    this.handler.dispose();
  }

  // ------------------------------------------------------------------ messages

  private receive(message: Exclude<ToWebview, ReplyMessage>): unknown {
    const player = this.player;
    switch (message.type) {
      case MessageType.Init:
        this.initialized = true;
        this.trusted = message.trusted;
        this.applySettings(message.settings);
        this.setPatch(message.patch);
        break;
      case MessageType.Settings:
        this.applySettings(message.settings);
        break;
      case MessageType.Patch:
        this.setPatch(message.patch);
        break;
      case MessageType.Trust:
        this.trusted = message.trusted;
        break;
      case MessageType.RenderStart:
        this.rendering = true;
        this.editAt.set(message.renderId, message.editAt);
        this.figures = { ...this.figures, progress: 0, firstChunkMs: undefined, firstSoundMs: undefined };
        player?.renderStarted(message.renderId);
        break;
      case MessageType.RenderInfo:
        player?.renderInfo(message.renderId, message.info);
        this.figures.sampleRate = message.info.sampleRate;
        if (this.settings) this.models.create(message.renderId, this.settings.spectrogram, message.info.sampleRate, message.info.frames);
        break;
      case MessageType.Chunk:
        this.onChunk(message);
        break;
      case MessageType.RenderProgress:
        this.figures = {
          ...this.figures,
          rtf: message.rtf,
          chunkFrames: message.chunkFrames,
          capture: message.capture ?? this.figures.capture,
          progress: message.framesTotal > 0 ? message.framesDone / message.framesTotal : undefined,
        };
        break;
      case MessageType.RenderEnd:
        this.rendering = false;
        player?.renderEnded(message.renderId);
        this.models.get(message.renderId)?.end();
        this.figures = { ...this.figures, rtf: message.summary.rtf, capture: message.summary.capture, progress: 1, chunkFrames: message.summary.medianChunkFrames };
        break;
      case MessageType.RenderError:
        this.rendering = false;
        player?.renderFailed(message.renderId);
        this.models.get(message.renderId)?.end();
        this.showError(message.error);
        break;
      case MessageType.RenderCancelled:
        if (player?.newestRenderId === message.renderId) this.rendering = false;
        player?.renderCancelled(message.renderId);
        this.models.get(message.renderId)?.end();
        break;
      case MessageType.Transport:
        this.transport(message.action);
        break;
      case MessageType.GetPlayerState:
        return this.snapshot();
    }
    // Which renders the player holds may have changed: their models stay, the others go, and a superseded
    // render's held acknowledgements go back to the host.
    this.models.retain(player?.heldRenders ?? []);
    this.releaseAcks();
    this.refreshTransport();
    this.refreshOverlay();
    this.invalidate();
    return undefined;
  }

  private onChunk(message: ChunkMessage): void {
    const receivedAt = epochNow();
    const channels = message.channels.map((buffer) => new Float32Array(buffer));
    const bytes = chunkBytes(message);
    const player = this.player;
    const wasNew = player !== undefined && player.newestRenderId === message.renderId && player.render?.renderId !== message.renderId;
    try {
      player?.chunk(message.renderId, message.startFrame, message.sampleRate, channels);
    } catch (error) {
      this.acks.received(message.renderId, bytes, () => false);
      this.log('error', String(error));
      return;
    }
    // Acknowledged once handled, so the host's pacing also waits for a busy preview; and only while little audio
    // waits ahead of the playhead, so a long render is not held in the panel whole (see PlayerLimits).
    this.acks.received(message.renderId, bytes, (renderId) => player?.holdsAcknowledgement(renderId) ?? false);
    this.models.get(message.renderId)?.push(channels);
    if (wasNew || message.startFrame === 0) {
      const editAt = this.editAt.get(message.renderId);
      if (editAt !== undefined) this.figures.firstChunkMs = receivedAt - editAt;
      // The patch compiled and built: its earlier error is gone.
      this.showError(undefined);
    }
  }

  private reportFirstSound(renderId: number, firstChunkReceivedAt: number, firstSoundAt: number, when: number): void {
    const editAt = this.editAt.get(renderId);
    if (editAt !== undefined) this.figures.firstSoundMs = firstSoundAt - editAt;
    this.post({ type: MessageType.RenderTimings, renderId, firstChunkReceivedAt, firstSoundAt, firstSourceWhen: when });
  }

  private post(message: FromWebview): void {
    this.handler.sendEvent(message);
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.post({ type: MessageType.Log, level, message });
  }

  // ------------------------------------------------------------------ state

  private applySettings(settings: PreviewSettings): void {
    const previous = this.settings?.spectrogram;
    this.settings = settings;
    const changed =
      previous &&
      (previous.fftSize !== settings.spectrogram.fftSize || previous.scale !== settings.spectrogram.scale || previous.colorMap !== settings.spectrogram.colorMap);
    if (changed) this.rebuildModels();
    this.ui.renderNow.classList.toggle('emphasis', settings.autoRender !== 'onType');
  }

  /** Recomputes the spectrograms of every render the player holds (FFT size, scale or colour map changed). */
  private rebuildModels(): void {
    const settings = this.settings;
    if (!settings) return;
    this.models.rebuild(settings.spectrogram, this.player?.heldRenders ?? []);
    this.spectrogram.setModel(undefined);
  }

  /** Acknowledges the chunks the player no longer needs held back. */
  private releaseAcks(): void {
    const player = this.player;
    this.acks.release((renderId) => player?.holdsAcknowledgement(renderId) ?? false);
  }

  private setPatch(patch: PatchDescriptor | undefined): void {
    // Another patch's error says nothing about this one.
    if (patch?.path !== this.patch?.path) this.showError(undefined);
    this.patch = patch;
    this.setText(this.ui.patchName, patch?.name ?? 'No patch');
    this.ui.patchName.title = patch?.path ?? '';
    this.persist({ patchPath: patch?.path });
  }

  private showError(error: PatchErrorData | undefined): void {
    this.error = error;
    this.ui.errorBanner.hidden = !error;
    if (!error) return;
    const kind = error.kind === 'compile' ? 'Compile error' : error.kind === 'validation' ? 'Invalid patch' : error.kind === 'timeout' ? 'Timeout' : error.kind === 'memory' ? 'Out of memory' : 'Runtime error';
    this.ui.errorKind.textContent = `${kind}: `;
    this.ui.errorMessage.textContent = error.message;
    const base = error.file.split(/[\\/]/).pop() ?? error.file;
    this.ui.errorLocation.textContent = error.line !== undefined ? `${base}:${error.line}:${error.column ?? 1}` : base;
    this.ui.errorLocation.title = error.file;
  }

  private persist(change: Partial<PersistedPreviewState>): void {
    this.persisted = { ...this.persisted, ...change };
    this.api.setState(this.persisted);
  }

  private restorePersisted(): void {
    const { gainDb, loop, region } = this.persisted;
    if (gainDb !== undefined) {
      this.ui.gain.value = String(gainDb);
      this.setGain(gainDb);
    }
    if (loop) this.player?.setLoop(true);
    if (region) this.player?.setLoopRegion(region);
  }

  private snapshot(): PlayerStateSnapshot {
    const player = this.player;
    return {
      state: player?.state ?? 'idle',
      audioState: this.audioState(),
      contextSampleRate: this.output?.context.sampleRate ?? 0,
      contextTime: this.output?.context.currentTime ?? 0,
      renderId: player?.render?.renderId,
      positionSeconds: player?.positionSeconds ?? 0,
      bufferedSeconds: player?.bufferedSeconds ?? 0,
      loop: player?.looping ?? false,
      loopRegion: player?.loopRegion,
      gainDb: Number(this.ui.gain.value),
      scheduled: player ? [...player.scheduler.scheduled] : [],
      underruns: player?.scheduler.underruns ?? 0,
      errorShown: this.error?.message,
      spectrogramColumns: (player?.render && this.models.get(player.render.renderId)?.columns) ?? 0,
    };
  }

  private audioState(): AudioState {
    if (!this.output) return 'unavailable';
    const state = this.output.context.state as string;
    return state === 'running' ? 'running' : state === 'closed' ? 'closed' : 'suspended';
  }

  // ------------------------------------------------------------------ input

  private wire(): void {
    const { ui, lifecycle } = this;
    const click = (element: HTMLElement, action: () => void): void => {
      lifecycle.listen(element, 'click', (event) => {
        event.preventDefault();
        action();
        this.refreshTransport();
      });
    };
    click(ui.play, () => this.transport('toggle'));
    lifecycle.listen(ui.root, 'click', () => this.invalidate());
    click(ui.stop, () => this.transport('stop'));
    click(ui.clearRegion, () => this.setRegion(undefined));
    lifecycle.listen(ui.loop, 'change', () => {
      const enabled = (ui.loop as HTMLElement & { checked: boolean }).checked;
      this.player?.setLoop(enabled);
      this.persist({ loop: enabled });
      this.refreshTransport();
    });
    click(ui.renderNow, () => this.post({ type: MessageType.RenderNow }));
    const command = (element: HTMLElement, name: WebviewCommand): void => click(element, () => this.post({ type: MessageType.RunCommand, command: name }));
    command(ui.wav, 'renderWav');
    command(ui.mp4, 'renderMp4');
    command(ui.parity, 'runParityTest');
    click(ui.errorLocation, () => {
      if (this.error) this.post({ type: MessageType.OpenLocation, file: this.error.file, line: this.error.line, column: this.error.column });
    });
    click(ui.overlayAction, () => this.overlayAction?.());
    lifecycle.listen(ui.gain, 'input', () => {
      const db = Number(ui.gain.value);
      this.setGain(db);
      this.persist({ gainDb: db });
    });
    lifecycle.listen(ui.gain, 'dblclick', () => {
      ui.gain.value = '0';
      this.setGain(0);
      this.persist({ gainDb: 0 });
    });

    // Any click may be the gesture the AudioContext waits for.
    lifecycle.listen(document, 'pointerdown', () => this.resumeAudio(), { capture: true });
    lifecycle.listen(document, 'keydown', (event: KeyboardEvent) => this.onKey(event));
    if (this.output) {
      lifecycle.listen(this.output.context, 'statechange', () => {
        // A first sound scheduled while suspended is heard from now.
        this.player?.audioStateChanged();
        this.refreshOverlay();
        this.refreshTransport();
      });
    }

    for (const element of [ui.spectrogram, ui.timeline]) {
      attachPointerSelection(lifecycle, element, {
        timeAt: (clientX) => {
          const rect = element.getBoundingClientRect();
          const { left, width } = this.spectrogram.plotBox;
          return xToTime(clientX - rect.left, this.currentWindow(), left, width);
        },
        onSeek: (seconds) => {
          this.player?.seek(seconds);
          this.refreshTransport();
          this.invalidate();
        },
        onRegion: (region, done) => {
          this.dragRegion = done ? undefined : region;
          if (done) this.setRegion(region);
          this.invalidate();
        },
      });
    }

    const resize = (): void => {
      this.spectrogram.resize();
      this.timeline.resize();
      this.meter.resize();
      this.invalidate();
    };
    lifecycle.observeResize(ui.spectrogram, resize);
    lifecycle.observeResize(ui.meter, resize);
    lifecycle.observeAttributes(document.body, () => {
      this.theme = readTheme();
      this.meter.resize();
      this.invalidate();
    });
    lifecycle.every(TICK_MS, () => this.tick());
    lifecycle.every(STATUS_MS, () => this.reportStatus());
    lifecycle.onFrame((now) => this.frame(now));
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
    if (event.key === ' ') {
      event.preventDefault();
      this.resumeAudio();
      this.transport('toggle');
    } else if (event.key === 'Escape') {
      this.setRegion(undefined);
    } else if (event.key === 'l' || event.key === 'L') {
      const enabled = !(this.player?.looping ?? false);
      this.player?.setLoop(enabled);
      this.persist({ loop: enabled });
    } else {
      return;
    }
    this.refreshTransport();
  }

  private transport(action: 'play' | 'pause' | 'toggle' | 'stop'): void {
    const player = this.player;
    if (!player) return;
    if (action === 'play') player.play();
    else if (action === 'pause') player.pause();
    else if (action === 'stop') player.stop();
    else player.toggle();
    this.refreshTransport();
    this.invalidate();
  }

  private setRegion(region: Region | undefined): void {
    this.player?.setLoopRegion(region);
    this.persist({ region: this.player?.loopRegion, loop: this.player?.looping });
    this.refreshTransport();
    this.invalidate();
  }

  private setGain(db: number): void {
    this.output?.setGainDb(db);
    this.setText(this.ui.gainValue, db <= -40 ? 'muted' : `${db > 0 ? '+' : ''}${db.toFixed(1)} dB`);
  }

  private resumeAudio(): void {
    if (this.output && this.output.context.state === 'suspended') void this.output.context.resume().then(() => this.refreshOverlay());
  }

  // ------------------------------------------------------------------ drawing

  private overlayAction: (() => void) | undefined;

  /** The card over the spectrogram: restricted mode, no patch, or sound waiting for a click. */
  private refreshOverlay(): void {
    const ui = this.ui;
    let card: { icon: string; title: string; text: string; action?: string; run?: () => void } | undefined;
    if (!this.output) {
      card = { icon: 'mute', title: 'No audio output', text: 'Web Audio is not available in this webview.' };
    } else if (this.initialized && !this.trusted) {
      card = {
        icon: 'workspace-untrusted',
        title: 'Restricted Mode',
        text: 'Patches are programs: Patchscope renders them only in a trusted workspace, so the preview stays silent.',
        action: 'Manage Workspace Trust',
        run: () => this.post({ type: MessageType.RunCommand, command: 'manageTrust' }),
      };
    } else if (this.initialized && !this.patch) {
      card = {
        icon: 'file-media',
        title: 'No patch',
        text: 'Open a *.synth.js, *.synth.mjs or *.synth.ts file to hear it as you type.',
        action: 'New Patch',
        run: () => this.post({ type: MessageType.RunCommand, command: 'newPatch' }),
      };
    } else if (this.audioState() === 'suspended') {
      card = { icon: 'unmute', title: 'Click to enable sound', text: 'The browser starts audio only after a click in this panel.', action: 'Enable sound', run: () => this.resumeAudio() };
    }
    ui.overlay.hidden = !card;
    ui.root.classList.toggle('has-overlay', card !== undefined);
    if (!card) return;
    ui.overlayIcon.replaceChildren(icon(card.icon));
    ui.overlayTitle.textContent = card.title;
    ui.overlayText.textContent = card.text;
    ui.overlayAction.hidden = !card.action;
    ui.overlayAction.textContent = card.action ?? '';
    this.overlayAction = card.run;
  }

  private refreshTransport(): void {
    const ui = this.ui;
    const player = this.player;
    const state = player?.state ?? 'idle';
    const playing = state === 'playing' || state === 'buffering';
    ui.play.setAttribute('icon', playing ? 'debug-pause' : 'play');
    ui.play.setAttribute('label', playing ? 'Pause (Space)' : 'Play (Space)');
    ui.play.title = playing ? 'Pause (Space)' : 'Play (Space)';
    (ui.loop as HTMLElement & { checked: boolean }).checked = player?.looping ?? false;
    ui.clearRegion.hidden = !player?.loopRegion;
    ui.buffering.hidden = state !== 'buffering';
    const badge = this.error ? 'Error' : this.rendering ? `Rendering ${Math.round((this.figures.progress ?? 0) * 100)}%` : player?.render ? 'Ready' : '';
    this.setText(ui.renderBadge, badge);
    ui.renderBadge.hidden = badge === '';
    ui.renderBadge.classList.toggle('error', this.error !== undefined);
    ui.root.dataset.state = state;
    // Nothing to act on without a patch, in Restricted Mode, or before the first render.
    const runnable = this.patch !== undefined && this.trusted;
    for (const button of [ui.wav, ui.mp4, ui.parity, ui.renderNow]) setEnabled(button, runnable);
    for (const button of [ui.play, ui.stop, ui.loop]) setEnabled(button, runnable && (player?.render !== undefined || this.rendering));
  }

  private tick(): void {
    this.player?.tick();
    this.releaseAcks();
    this.refreshTransport();
  }

  private currentWindow(): ReturnType<typeof visibleWindow> {
    const player = this.player;
    const duration = player?.durationSeconds ?? 0;
    return this.spectrogram.snapWindow(visibleWindow(duration, player?.positionSeconds ?? 0, this.spectrogram.plotBox.width));
  }

  /** The playhead's x in the plot (CSS pixels), or undefined when it is outside the visible window. */
  private playheadX(plot: PlotState): number | undefined {
    if (!(plot.duration > 0)) return undefined;
    const { left, width } = this.spectrogram.plotBox;
    const x = timeToX(plot.position, plot.window, left, width);
    return x >= left - 0.5 && x <= left + width + 0.5 ? x : undefined;
  }

  /** Asks for a redraw on the next frame. */
  private invalidate(): void {
    this.dirty = true;
  }

  private frame(now: number): void {
    const started = performance.now();
    const player = this.player;
    const renderId = player?.render?.renderId;
    const model = renderId !== undefined ? this.models.get(renderId) : undefined;
    const peaks = this.output?.peaks() ?? [0, 0];
    if (peaks[0] > 0 || peaks[1] > 0) this.meterActiveUntil = now + 3000;
    const state = player?.state;
    const busy = state === 'playing' || state === 'buffering' || model?.hasWork === true || now < this.meterActiveUntil;
    if (!busy && !this.dirty) return;
    this.dirty = false;
    if (model?.hasWork) model.compute(COMPUTE_BUDGET_MS, () => performance.now());
    this.spectrogram.setModel(model);
    if (model?.done && player?.render?.complete) this.spectrogram.dropGhost();

    const duration = player?.durationSeconds ?? 0;
    const position = player?.positionSeconds ?? 0;
    const region = this.dragRegion ?? player?.loopRegion;
    const plot: PlotState = {
      window: this.currentWindow(),
      duration,
      position,
      rendered: player?.renderedSeconds ?? 0,
      region,
      regionActive: this.dragRegion === undefined && (player?.looping ?? false),
    };
    const drawStarted = performance.now();
    this.timeline.draw(plot, this.theme);
    this.spectrogram.draw(plot, this.theme);
    this.playhead.place(this.playheadX(plot), this.theme.playhead);
    const settled = state !== 'playing' && state !== 'buffering';
    if (settled || now - this.meterDrawnAt >= METER_INTERVAL_MS) {
      this.meter.draw(peaks, now, this.theme);
      this.meterDrawnAt = now;
    }
    const drawn = performance.now();
    if (settled || now - this.textsShownAt >= TEXT_INTERVAL_MS) {
      this.setText(this.ui.clock, formatClock(position));
      this.setText(this.ui.duration, ` / ${formatClock(duration)}`);
      this.updateStats();
      this.textsShownAt = now;
    }
    this.drawTimes.push(drawn - drawStarted);
    this.frameTimes.push(performance.now() - started);
  }

  private updateStats(): void {
    const f = this.figures;
    const chunkMs = f.chunkFrames !== undefined && f.sampleRate ? (f.chunkFrames / f.sampleRate) * 1000 : undefined;
    const values: Record<StatName, string> = {
      rtf: f.rtf !== undefined ? f.rtf.toFixed(f.rtf < 0.1 ? 3 : 2) : '–',
      chunk: chunkMs !== undefined ? `${chunkMs.toFixed(0)} ms` : '–',
      capture: f.capture ?? '–',
      firstChunk: f.firstChunkMs !== undefined ? `${f.firstChunkMs.toFixed(0)} ms` : '–',
      firstSound: f.firstSoundMs !== undefined ? `${f.firstSoundMs.toFixed(0)} ms` : '–',
      buffered: this.player ? `${this.player.bufferedSeconds.toFixed(2)} s` : '–',
      frame: this.drawTimes.length ? `${Math.max(...this.drawTimes.slice(-30)).toFixed(1)} ms` : '–',
    };
    for (const name of Object.keys(values) as StatName[]) this.setText(this.ui.stats[name], values[name]);
  }

  private reportStatus(): void {
    const times = this.frameTimes;
    const draws = this.drawTimes;
    this.frameTimes = [];
    this.drawTimes = [];
    const player = this.player;
    const message = {
      type: MessageType.PlaybackStatus as const,
      state: player?.state ?? 'idle',
      audioState: this.audioState(),
      positionSeconds: player?.positionSeconds ?? 0,
      bufferedSeconds: player?.bufferedSeconds ?? 0,
      maxFrameMs: times.length ? Math.max(...times) : 0,
      meanFrameMs: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0,
      maxDrawMs: draws.length ? Math.max(...draws) : 0,
      frames: times.length,
    };
    const key = `${message.state}|${message.audioState}|${message.bufferedSeconds.toFixed(1)}`;
    if (key === this.lastStatusKey && message.state !== 'playing') return;
    this.lastStatusKey = key;
    this.post(message);
  }

  /** Sets text only when it changed (no layout work on unchanged frames). */
  private setText(element: HTMLElement, text: string): void {
    if (this.shownTexts.get(element) === text) return;
    this.shownTexts.set(element, text);
    element.textContent = text;
  }
}

/** Greys out a toolbar button and keeps it out of the tab order while it can do nothing. */
function setEnabled(element: HTMLElement, enabled: boolean): void {
  element.classList.toggle('disabled', !enabled);
  element.setAttribute('aria-disabled', String(!enabled));
  element.tabIndex = enabled ? 0 : -1;
}
