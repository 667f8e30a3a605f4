// Draws a SpectrogramModel on a canvas: tiles blitted into the visible time window, the Hz axis, the part
// not rendered yet and the loop region (the playhead is a DOM element, see playhead-view.ts). The spectrogram
// itself is kept in a layer at device resolution that is only repainted where something changed (new columns,
// a scroll of whole pixels, a new size or theme), and the canvas is left alone when a frame would draw the
// same picture again. Keeps no listeners or timers of its own.

import type { Region } from './player';
import { TILE_COLUMNS, type SpectrogramModel, type SpectrogramTile } from './spectrogram-model';
import { fitCanvas, type ThemeColors } from './theme';
import { timeToX, type TimeWindow } from './timeline-math';

/** Width of the frequency axis on the left, shared with the timeline so both line up. */
export const AXIS_GUTTER = 44;

/** What one frame shows. */
export interface PlotState {
  window: TimeWindow;
  duration: number;
  /** Playhead in seconds. */
  position: number;
  /** Seconds of audio received. */
  rendered: number;
  /** Loop region to shade (also while it is being dragged). */
  region: Region | undefined;
  /** Whether the region is active (looping) or just a selection. */
  regionActive: boolean;
}

interface TileSurface {
  canvas: OffscreenCanvas;
  context: OffscreenCanvasRenderingContext2D;
  image: ImageData;
}

/** What the plot layer shows; a change of any field but the scroll position repaints it whole. */
interface LayerSetup {
  model: SpectrogramModel | undefined;
  ghost: SpectrogramModel | undefined;
  width: number;
  height: number;
  pixelsPerSecond: number;
  theme: ThemeColors;
}

/** Seconds the model has columns for. */
function coveredSeconds(model: SpectrogramModel | undefined): number {
  return model ? model.columns * model.secondsPerColumn : 0;
}

/** Canvas rendering of the live spectrogram. */
export class SpectrogramView {
  private model: SpectrogramModel | undefined;
  private ghost: SpectrogramModel | undefined;
  private readonly surfaces = new WeakMap<SpectrogramTile, TileSurface>();
  private width = 0;
  private height = 0;
  private ratio = 1;
  private hatch: CanvasPattern | null = null;
  private hatchColor = '';
  private layer: OffscreenCanvas | undefined;
  private layerSetup: LayerSetup | undefined;
  /** Device-pixel x of the layer's left edge on the time axis (window start * device pixels per second). */
  private layerOrigin = 0;
  /** Seconds of the model painted into the layer. */
  private layerCovered = 0;
  private axis: OffscreenCanvas | undefined;
  private axisKey = '';
  /** Set when updateLayer painted something since the canvas was last drawn. */
  private layerChanged = true;
  private drawnKey = '';
  private drawnTheme: ThemeColors | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Left edge and width of the plot area in CSS pixels. */
  get plotBox(): { left: number; width: number } {
    return { left: AXIS_GUTTER, width: Math.max(1, this.width - AXIS_GUTTER) };
  }

  /** Shows a render's spectrogram; the previous one stays faintly visible where the new one has no columns yet. */
  setModel(model: SpectrogramModel | undefined): void {
    if (model === this.model) return;
    if (this.model && model) this.ghost = this.model;
    else if (!model) this.ghost = undefined;
    this.model = model;
  }

  /** Drops the faint previous spectrogram (the new render is complete). */
  dropGhost(): void {
    this.ghost = undefined;
  }

  /** Re-measures the canvas (after a resize). */
  resize(): void {
    [this.width, this.height] = fitCanvas(this.canvas);
    this.ratio = this.canvas.width / this.width;
    this.drawnKey = '';
  }

  /** Quantises a window so that scrolling moves the picture by whole device pixels. */
  snapWindow(window: TimeWindow): TimeWindow {
    const devicePerSecond = ((this.width - AXIS_GUTTER) * this.ratio) / (window.end - window.start);
    if (!(devicePerSecond > 0) || window.start === 0) return window;
    const start = Math.round(window.start * devicePerSecond) / devicePerSecond;
    return { start, end: start + (window.end - window.start) };
  }

  /** Draws one frame, unless the canvas already shows that picture. */
  draw(state: PlotState, theme: ThemeColors): void {
    if (this.width === 0) this.resize();
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const { width, height } = this;
    const plotLeft = AXIS_GUTTER;
    const plotWidth = Math.max(1, width - plotLeft);
    const window = state.window;

    const layer = this.updateLayer(window, plotWidth, height, theme);
    const renderedX = timeToX(Math.max(state.rendered, coveredSeconds(this.model)), window, plotLeft, plotWidth);
    const endX = timeToX(state.duration, window, plotLeft, plotWidth);
    const region = state.region ? `${state.region.start},${state.region.end},${state.regionActive}` : '';
    const key = `${window.start},${window.end},${Math.round(renderedX * this.ratio)},${Math.round(endX * this.ratio)},${region},${width}x${height}`;
    if (!this.layerChanged && key === this.drawnKey && theme === this.drawnTheme) return;
    this.layerChanged = false;
    this.drawnKey = key;
    this.drawnTheme = theme;
    context.drawImage(layer, plotLeft, 0, plotWidth, height);
    context.drawImage(this.axisLayer(theme, height), 0, 0, AXIS_GUTTER, height);

    context.save();
    context.beginPath();
    context.rect(plotLeft, 0, plotWidth, height);
    context.clip();
    // Not rendered yet: hatched.
    if (endX > renderedX + 0.5) {
      context.fillStyle = this.hatchPattern(context, theme);
      context.fillRect(renderedX, 0, endX - renderedX, height);
    }
    this.drawRegion(context, state, theme, plotLeft, plotWidth, height);
    context.restore();
  }

  /** Brings the plot layer up to date and returns it. */
  private updateLayer(window: TimeWindow, plotWidth: number, height: number, theme: ThemeColors): OffscreenCanvas {
    const deviceWidth = Math.max(1, Math.round(plotWidth * this.ratio));
    const deviceHeight = Math.max(1, Math.round(height * this.ratio));
    const pixelsPerSecond = deviceWidth / (window.end - window.start);
    const origin = Math.round(window.start * pixelsPerSecond);
    const setup: LayerSetup = { model: this.model, ghost: this.ghost, width: deviceWidth, height: deviceHeight, pixelsPerSecond, theme };
    const previous = this.layerSetup;
    let layer = this.layer;
    if (!layer || layer.width !== deviceWidth || layer.height !== deviceHeight) {
      layer = new OffscreenCanvas(deviceWidth, deviceHeight);
      this.layer = layer;
    }
    const context = layer.getContext('2d');
    if (!context) return layer;
    const covered = coveredSeconds(this.model);
    const same =
      previous !== undefined &&
      previous.model === setup.model &&
      previous.ghost === setup.ghost &&
      previous.width === deviceWidth &&
      previous.height === deviceHeight &&
      previous.pixelsPerSecond === pixelsPerSecond &&
      previous.theme === theme;
    if (!same || Math.abs(origin - this.layerOrigin) >= deviceWidth) {
      this.layerChanged = true;
      this.layerSetup = setup;
      this.layerOrigin = origin;
      this.paintStrip(context, 0, deviceWidth, setup);
    } else {
      const shift = origin - this.layerOrigin;
      if (shift !== 0) {
        this.layerChanged = true;
        // Scroll by whole pixels: move what is there, paint only the uncovered strip.
        context.globalCompositeOperation = 'copy';
        context.drawImage(layer, -shift, 0);
        context.globalCompositeOperation = 'source-over';
        this.layerOrigin = origin;
        if (shift > 0) this.paintStrip(context, deviceWidth - shift, deviceWidth, setup);
        else this.paintStrip(context, 0, -shift, setup);
      }
      if (covered > this.layerCovered) {
        this.layerChanged = true;
        // New columns: repaint from where the painted ones ended (one pixel back, for the smoothing seam).
        const from = Math.floor(this.layerCovered * pixelsPerSecond - origin) - 1;
        const to = Math.ceil(covered * pixelsPerSecond - origin) + 1;
        this.paintStrip(context, Math.max(0, from), Math.min(deviceWidth, to), setup);
      }
    }
    this.layerCovered = covered;
    return layer;
  }

  /** Repaints device columns [x0, x1) of the layer: background, the faint previous render, the render, grid. */
  private paintStrip(context: OffscreenCanvasRenderingContext2D, x0: number, x1: number, setup: LayerSetup): void {
    if (x1 <= x0) return;
    const { model, ghost, height, pixelsPerSecond, theme } = setup;
    const origin = this.layerOrigin;
    context.save();
    context.beginPath();
    context.rect(x0, 0, x1 - x0, height);
    context.clip();
    context.fillStyle = theme.plotBackground;
    context.fillRect(x0, 0, x1 - x0, height);
    context.imageSmoothingEnabled = true;
    const covered = coveredSeconds(model);
    if (ghost && ghost !== model) {
      context.globalAlpha = 0.3;
      this.paintTiles(context, ghost, origin, pixelsPerSecond, height, covered);
      context.globalAlpha = 1;
    }
    if (model) {
      this.paintTiles(context, model, origin, pixelsPerSecond, height, 0);
      context.fillStyle = theme.grid;
      const rowsPerPixel = model.rows / height;
      for (const tick of model.scale.ticks(22 * this.ratio * rowsPerPixel)) {
        const y = Math.round(height - (tick.position / model.rows) * height);
        context.fillRect(x0, y, x1 - x0, Math.max(1, Math.round(this.ratio)));
      }
    }
    context.restore();
  }

  private paintTiles(
    context: OffscreenCanvasRenderingContext2D,
    model: SpectrogramModel,
    origin: number,
    pixelsPerSecond: number,
    height: number,
    fromTime: number,
  ): void {
    const secondsPerColumn = model.secondsPerColumn;
    for (const tile of model.tiles) {
      if (!tile || tile.filled === 0) continue;
      // Column c is centred on c * hop: it spans half a hop either side.
      const tileStart = (tile.index * TILE_COLUMNS - 0.5) * secondsPerColumn;
      const tileEnd = tileStart + tile.filled * secondsPerColumn;
      if (tileEnd <= fromTime) continue;
      const surface = this.surfaceOf(tile, model.rows);
      let sourceX = 0;
      let drawStart = tileStart;
      if (fromTime > tileStart) {
        sourceX = (fromTime - tileStart) / secondsPerColumn;
        drawStart = fromTime;
      }
      const sourceWidth = tile.filled - sourceX;
      if (sourceWidth <= 0) continue;
      const x = drawStart * pixelsPerSecond - origin;
      const drawWidth = sourceWidth * secondsPerColumn * pixelsPerSecond;
      if (x > context.canvas.width || x + drawWidth < 0) continue;
      context.drawImage(surface.canvas, sourceX, 0, sourceWidth, model.rows, x, 0, drawWidth, height);
    }
  }

  private surfaceOf(tile: SpectrogramTile, rows: number): TileSurface {
    let surface = this.surfaces.get(tile);
    if (!surface) {
      const canvas = new OffscreenCanvas(TILE_COLUMNS, rows);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d context for a spectrogram tile');
      surface = { canvas, context, image: new ImageData(tile.pixels, TILE_COLUMNS, rows) };
      this.surfaces.set(tile, surface);
    }
    if (tile.dirtyFrom < tile.filled) {
      surface.context.putImageData(surface.image, 0, 0, tile.dirtyFrom, 0, tile.filled - tile.dirtyFrom, rows);
      tile.dirtyFrom = TILE_COLUMNS;
    }
    return surface;
  }

  /** The frequency axis (labels on the editor background), cached per model, size and theme. */
  private axisLayer(theme: ThemeColors, height: number): OffscreenCanvas {
    const model = this.model ?? this.ghost;
    const deviceWidth = Math.round(AXIS_GUTTER * this.ratio);
    const deviceHeight = Math.max(1, Math.round(height * this.ratio));
    const key = `${deviceWidth}x${deviceHeight}|${model?.scale.kind}|${model?.sampleRate}|${model?.config.fftSize}|${theme.background}|${theme.muted}|${theme.fontSize}`;
    if (this.axis && key === this.axisKey) return this.axis;
    const axis = new OffscreenCanvas(deviceWidth, deviceHeight);
    const context = axis.getContext('2d');
    this.axis = axis;
    this.axisKey = key;
    if (!context) return axis;
    context.scale(this.ratio, this.ratio);
    context.fillStyle = theme.background;
    context.fillRect(0, 0, AXIS_GUTTER, height);
    context.fillStyle = theme.border;
    context.fillRect(AXIS_GUTTER - 1, 0, 1, height);
    if (!model) return axis;
    context.font = `${Math.max(9, theme.fontSize - 2)}px ${theme.fontFamily}`;
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    context.fillStyle = theme.muted;
    const rowsPerPixel = model.rows / height;
    for (const tick of model.scale.ticks(22 * rowsPerPixel)) {
      const y = height - (tick.position / model.rows) * height;
      if (y < 6 || y > height - 6) continue;
      context.fillText(tick.label, AXIS_GUTTER - 6, y);
    }
    context.save();
    context.translate(9, height / 2);
    context.rotate(-Math.PI / 2);
    context.textAlign = 'center';
    context.fillText('Hz', 0, 0);
    context.restore();
    return axis;
  }

  private drawRegion(context: CanvasRenderingContext2D, state: PlotState, theme: ThemeColors, left: number, width: number, height: number): void {
    const region = state.region;
    if (!region) return;
    const x0 = timeToX(region.start, state.window, left, width);
    const x1 = timeToX(region.end, state.window, left, width);
    context.globalAlpha = state.regionActive ? 0.28 : 0.18;
    context.fillStyle = theme.loopFill;
    context.fillRect(x0, 0, x1 - x0, height);
    context.globalAlpha = 1;
    context.fillStyle = theme.loopEdge;
    context.fillRect(Math.round(x0) - 0.5, 0, 1, height);
    context.fillRect(Math.round(x1) - 0.5, 0, 1, height);
  }

  private hatchPattern(context: CanvasRenderingContext2D, theme: ThemeColors): CanvasPattern | string {
    if (this.hatch && this.hatchColor === theme.pendingHatch) return this.hatch;
    const tile = new OffscreenCanvas(8, 8);
    const tileContext = tile.getContext('2d');
    if (!tileContext) return theme.pendingHatch;
    tileContext.strokeStyle = theme.pendingHatch;
    tileContext.lineWidth = 2;
    tileContext.beginPath();
    tileContext.moveTo(-2, 10);
    tileContext.lineTo(10, -2);
    tileContext.stroke();
    this.hatch = context.createPattern(tile, 'repeat');
    this.hatchColor = theme.pendingHatch;
    return this.hatch ?? theme.pendingHatch;
  }
}
