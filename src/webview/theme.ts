// Colours and fonts of the current VS Code theme, read from the `--vscode-*` variables VS Code sets on the page.

/** Theme values the canvases use. */
export interface ThemeColors {
  kind: 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  background: string;
  plotBackground: string;
  border: string;
  grid: string;
  playhead: string;
  loopFill: string;
  loopEdge: string;
  pendingHatch: string;
  meterLow: string;
  meterMid: string;
  meterHigh: string;
  meterTrack: string;
  fontFamily: string;
  fontSize: number;
}

function themeKind(body: HTMLElement): ThemeColors['kind'] {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

/** Reads the theme now (call again when body's class changes). */
export function readTheme(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const kind = themeKind(document.body);
  const dark = kind === 'dark' || kind === 'high-contrast';
  const foreground = read('--vscode-foreground', dark ? '#cccccc' : '#3b3b3b');
  return {
    kind,
    foreground,
    muted: read('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    background: read('--vscode-editor-background', dark ? '#1f1f1f' : '#ffffff'),
    plotBackground: read('--vscode-editorWidget-background', dark ? '#202020' : '#f8f8f8'),
    border: read('--vscode-contrastBorder', '') || read('--vscode-panel-border', dark ? '#2b2b2b' : '#e5e5e5'),
    grid: dark ? 'rgba(255,255,255,0.10)' : 'rgba(0,0,0,0.10)',
    playhead: read('--vscode-editorCursor-foreground', dark ? '#aeafad' : '#000000'),
    loopFill: read('--vscode-editor-selectionBackground', dark ? '#264f78' : '#add6ff'),
    loopEdge: read('--vscode-focusBorder', '#0078d4'),
    pendingHatch: dark ? 'rgba(255,255,255,0.05)' : 'rgba(0,0,0,0.05)',
    meterLow: read('--vscode-charts-green', '#89d185'),
    meterMid: read('--vscode-charts-yellow', '#cca700'),
    meterHigh: read('--vscode-charts-red', '#f14c4c'),
    meterTrack: read('--vscode-input-background', dark ? '#313131' : '#ffffff'),
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(read('--vscode-font-size', '13')) || 13,
  };
}

/** Sizes a canvas's backing store to its CSS box at the device pixel ratio; returns [width, height] in CSS pixels. */
export function fitCanvas(canvas: HTMLCanvasElement): [number, number] {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, canvas.clientWidth);
  const height = Math.max(1, canvas.clientHeight);
  const pixelWidth = Math.round(width * ratio);
  const pixelHeight = Math.round(height * ratio);
  if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
    canvas.width = pixelWidth;
    canvas.height = pixelHeight;
  }
  const context = canvas.getContext('2d');
  context?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return [width, height];
}
