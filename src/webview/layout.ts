// Builds the preview's DOM once and returns the elements the app updates. Text from the host (names,
// messages) is only ever set through textContent.

import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';

type Attributes = Record<string, string | boolean>;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

/** A codicon glyph. */
export function icon(name: string, extraClass = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${extraClass}`.trim(), 'aria-hidden': 'true' });
}

/** A toolbar button from vscode-elements. */
function toolbarButton(iconName: string, label: string, text = '', toggleable = false): HTMLElement {
  const button = document.createElement('vscode-toolbar-button');
  button.setAttribute('icon', iconName);
  button.setAttribute('label', label);
  button.setAttribute('title', label);
  if (toggleable) button.setAttribute('toggleable', '');
  if (text) button.append(h('span', { class: 'button-text' }, text));
  return button;
}

/** Every element the app touches. */
export interface PreviewElements {
  root: HTMLElement;
  patchName: HTMLElement;
  renderBadge: HTMLElement;
  renderNow: HTMLElement;
  wav: HTMLElement;
  mp4: HTMLElement;
  parity: HTMLElement;
  errorBanner: HTMLElement;
  errorKind: HTMLElement;
  errorMessage: HTMLElement;
  errorLocation: HTMLAnchorElement;
  play: HTMLElement;
  stop: HTMLElement;
  loop: HTMLElement;
  clearRegion: HTMLElement;
  clock: HTMLElement;
  duration: HTMLElement;
  buffering: HTMLElement;
  gain: HTMLInputElement;
  gainValue: HTMLElement;
  meter: HTMLCanvasElement;
  timeline: HTMLCanvasElement;
  spectrogram: HTMLCanvasElement;
  playhead: HTMLElement;
  overlay: HTMLElement;
  overlayIcon: HTMLElement;
  overlayTitle: HTMLElement;
  overlayText: HTMLElement;
  overlayAction: HTMLElement;
  stats: Record<StatName, HTMLElement>;
}

/** The figures in the status strip. */
export type StatName = 'rtf' | 'chunk' | 'capture' | 'firstChunk' | 'firstSound' | 'buffered' | 'frame';

const STAT_LABELS: Record<StatName, string> = {
  rtf: 'RTF',
  chunk: 'Chunk',
  capture: 'Capture',
  firstChunk: 'Edit → chunk',
  firstSound: 'Edit → sound',
  buffered: 'Buffered',
  frame: 'Draw',
};

const STAT_TITLES: Record<StatName, string> = {
  rtf: 'Real-time factor of the render: render time / audio time (below 1 is faster than real time)',
  chunk: 'Current chunk length of the streamed render',
  capture: 'How the streamed render takes audio out of the offline context',
  firstChunk: 'From the edit to the first chunk posted to this panel',
  firstSound: 'From the edit to the first AudioBufferSourceNode started',
  buffered: 'Audio received and not yet played',
  frame: 'Longest time spent drawing the timeline, spectrogram and meter in one of the last 30 frames',
};

/** Builds the page inside `host`. */
export function buildLayout(host: HTMLElement): PreviewElements {
  const patchName = h('span', { class: 'patch-name' }, 'No patch');
  const renderBadge = document.createElement('vscode-badge');
  renderBadge.className = 'render-badge';
  const renderNow = toolbarButton('refresh', 'Render now');
  const wav = toolbarButton('export', 'Render to WAV', 'WAV');
  const mp4 = toolbarButton('device-camera-video', 'Render to MP4', 'MP4');
  const parity = toolbarButton('beaker', 'Run Parity Test', 'Parity');
  const header = h(
    'header',
    { class: 'header' },
    icon('pulse', 'title-icon'),
    patchName,
    renderBadge,
    h('span', { class: 'spacer' }),
    renderNow,
    h('span', { class: 'toolbar-separator' }),
    wav,
    mp4,
    parity,
  );

  const errorKind = h('span', { class: 'error-kind' });
  const errorMessage = h('span', { class: 'error-message' });
  const errorLocation = h('a', { class: 'error-location', href: '#' });
  const errorBanner = h(
    'div',
    { class: 'banner banner-error', role: 'alert', hidden: true },
    icon('error'),
    h('div', { class: 'banner-body' }, h('div', {}, errorKind, errorMessage), errorLocation, h('div', { class: 'banner-note' }, 'The last good render keeps playing.')),
  );

  const play = toolbarButton('play', 'Play (Space)');
  const stop = toolbarButton('debug-stop', 'Stop');
  const loop = toolbarButton('sync', 'Loop (L)', '', true);
  const clearRegion = toolbarButton('close', 'Clear loop region (Esc)');
  clearRegion.hidden = true;
  const clock = h('span', { class: 'clock-now' }, '0:00.000');
  const duration = h('span', { class: 'clock-total' }, ' / 0:00.000');
  const ring = document.createElement('vscode-progress-ring');
  ring.className = 'buffering-ring';
  const buffering = h('span', { class: 'buffering', hidden: true }, ring, 'Buffering…');
  const gain = h('input', { class: 'gain', type: 'range', min: '-40', max: '6', step: '0.5', value: '0', 'aria-label': 'Output gain' }) as HTMLInputElement;
  const gainValue = h('span', { class: 'gain-value' }, '0.0 dB');
  const meter = h('canvas', { class: 'meter', 'aria-label': 'Output level' });
  const transport = h(
    'div',
    { class: 'transport' },
    play,
    stop,
    loop,
    clearRegion,
    h('span', { class: 'clock' }, clock, duration),
    buffering,
    h('span', { class: 'spacer' }),
    h('label', { class: 'gain-label', title: 'Output gain' }, icon('unmute'), gain),
    gainValue,
    meter,
  );

  const timeline = h('canvas', { class: 'timeline', 'aria-label': 'Timeline: click to seek, drag to select a loop region' });
  const spectrogram = h('canvas', { class: 'spectrogram', 'aria-label': 'Spectrogram: click to seek, drag to select a loop region' });
  const overlayIcon = h('span', { class: 'overlay-icon' });
  const overlayTitle = h('div', { class: 'overlay-title' });
  const overlayText = h('div', { class: 'overlay-text' });
  const overlayAction = document.createElement('vscode-button');
  overlayAction.className = 'overlay-action';
  const overlay = h('div', { class: 'overlay', hidden: true }, h('div', { class: 'overlay-card' }, overlayIcon, overlayTitle, overlayText, overlayAction));
  const playhead = h('div', { class: 'playhead', hidden: true, 'aria-hidden': 'true' });
  const plot = h('div', { class: 'plot' }, timeline, h('div', { class: 'spectrogram-wrap' }, spectrogram, overlay), playhead);

  const stats = {} as Record<StatName, HTMLElement>;
  const statsBar = h('footer', { class: 'stats' });
  for (const name of Object.keys(STAT_LABELS) as StatName[]) {
    stats[name] = h('span', { class: 'stat-value' }, '–');
    statsBar.append(h('span', { class: 'stat', title: STAT_TITLES[name] }, h('span', { class: 'stat-label' }, STAT_LABELS[name]), stats[name]));
  }

  host.replaceChildren(header, errorBanner, transport, plot, statsBar);
  return {
    root: host,
    patchName,
    renderBadge,
    renderNow,
    wav,
    mp4,
    parity,
    errorBanner,
    errorKind,
    errorMessage,
    errorLocation,
    play,
    stop,
    loop,
    clearRegion,
    clock,
    duration,
    buffering,
    gain,
    gainValue,
    meter,
    timeline,
    spectrogram,
    playhead,
    overlay,
    overlayIcon,
    overlayTitle,
    overlayText,
    overlayAction,
    stats,
  };
}
