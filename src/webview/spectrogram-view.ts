// Draws a SpectrogramModel on a canvas: tiles blitted into the visible time window, the Hz axis, the part
// not rendered yet, the loop region and the playhead. Keeps no listeners or timers of its own.

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

/** Canvas rendering of the live spectrogram. */
export class SpectrogramView {
  private model: SpectrogramModel | undefined;
  private ghost: SpectrogramModel | undefined;
  private readonly surfaces = new WeakMap<SpectrogramTile, TileSurface>();
  private width = 0;
  private height = 0;
  private hatch: CanvasPattern | null = null;
  private hatchColor = '';

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
  }

  /** Draws one frame. */
  draw(state: PlotState, theme: ThemeColors): void {
    if (this.width === 0) this.resize();
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const { width, height } = this;
    const plotLeft = AXIS_GUTTER;
    const plotWidth = Math.max(1, width - plotLeft);
    const top = 0;
    const plotHeight = height;
    context.clearRect(0, 0, width, height);
    context.fillStyle = theme.plotBackground;
    context.fillRect(plotLeft, top, plotWidth, plotHeight);

    context.save();
    context.beginPath();
    context.rect(plotLeft, top, plotWidth, plotHeight);
    context.clip();
    context.imageSmoothingEnabled = true;
    const model = this.model;
    const coveredUntil = model ? model.columns * model.secondsPerColumn : 0;
    if (this.ghost && this.ghost !== model) {
      context.globalAlpha = 0.3;
      this.drawTiles(context, this.ghost, state.window, plotLeft, plotWidth, top, plotHeight, coveredUntil);
      context.globalAlpha = 1;
    }
    if (model) this.drawTiles(context, model, state.window, plotLeft, plotWidth, top, plotHeight, 0);

    // Not rendered yet: hatched.
    const renderedX = timeToX(Math.max(state.rendered, coveredUntil), state.window, plotLeft, plotWidth);
    const endX = timeToX(state.duration, state.window, plotLeft, plotWidth);
    if (endX > renderedX + 0.5) {
      context.fillStyle = this.hatchPattern(context, theme);
      context.fillRect(renderedX, top, endX - renderedX, plotHeight);
    }
    this.drawRegion(context, state, theme, plotLeft, plotWidth, top, plotHeight);
    if (model) this.drawFrequencyGrid(context, model, theme, plotLeft, plotWidth, top, plotHeight);
    const playheadX = timeToX(state.position, state.window, plotLeft, plotWidth);
    context.fillStyle = theme.playhead;
    context.fillRect(Math.round(playheadX) - 0.75, top, 1.5, plotHeight);
    context.restore();

    this.drawAxis(context, model, theme, top, plotHeight);
  }

  private drawTiles(
    context: CanvasRenderingContext2D,
    model: SpectrogramModel,
    window: TimeWindow,
    left: number,
    width: number,
    top: number,
    height: number,
    fromTime: number,
  ): void {
    const secondsPerColumn = model.secondsPerColumn;
    const pixelsPerSecond = width / (window.end - window.start);
    for (const tile of model.tiles) {
      if (!tile || tile.filled === 0) continue;
      const firstColumn = tile.index * TILE_COLUMNS;
      // Column c is centred on c * hop: it spans half a hop either side.
      const tileStart = (firstColumn - 0.5) * secondsPerColumn;
      const tileEnd = tileStart + tile.filled * secondsPerColumn;
      if (tileEnd <= Math.max(window.start, fromTime) || tileStart >= window.end) continue;
      const surface = this.surfaceOf(tile, model.rows);
      let sourceX = 0;
      let drawStart = tileStart;
      if (fromTime > tileStart) {
        sourceX = (fromTime - tileStart) / secondsPerColumn;
        drawStart = fromTime;
      }
      const sourceWidth = tile.filled - sourceX;
      if (sourceWidth <= 0) continue;
      const x = left + (drawStart - window.start) * pixelsPerSecond;
      const drawWidth = sourceWidth * secondsPerColumn * pixelsPerSecond;
      context.drawImage(surface.canvas, sourceX, 0, sourceWidth, model.rows, x, top, drawWidth, height);
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

  private drawRegion(context: CanvasRenderingContext2D, state: PlotState, theme: ThemeColors, left: number, width: number, top: number, height: number): void {
    const region = state.region;
    if (!region) return;
    const x0 = timeToX(region.start, state.window, left, width);
    const x1 = timeToX(region.end, state.window, left, width);
    context.globalAlpha = state.regionActive ? 0.28 : 0.18;
    context.fillStyle = theme.loopFill;
    context.fillRect(x0, top, x1 - x0, height);
    context.globalAlpha = 1;
    context.fillStyle = theme.loopEdge;
    context.fillRect(Math.round(x0) - 0.5, top, 1, height);
    context.fillRect(Math.round(x1) - 0.5, top, 1, height);
  }

  private drawFrequencyGrid(context: CanvasRenderingContext2D, model: SpectrogramModel, theme: ThemeColors, left: number, width: number, top: number, height: number): void {
    context.fillStyle = theme.grid;
    const rowsPerPixel = model.rows / height;
    for (const tick of model.scale.ticks(22 * rowsPerPixel)) {
      const y = Math.round(top + height - (tick.position / model.rows) * height) + 0.5;
      context.fillRect(left, y, width, 1);
    }
  }

  private drawAxis(context: CanvasRenderingContext2D, model: SpectrogramModel | undefined, theme: ThemeColors, top: number, height: number): void {
    context.fillStyle = theme.background;
    context.fillRect(0, top, AXIS_GUTTER, height);
    context.fillStyle = theme.border;
    context.fillRect(AXIS_GUTTER - 1, top, 1, height);
    if (!model) return;
    context.font = `${Math.max(9, theme.fontSize - 2)}px ${theme.fontFamily}`;
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    context.fillStyle = theme.muted;
    const rowsPerPixel = model.rows / height;
    for (const tick of model.scale.ticks(22 * rowsPerPixel)) {
      const y = top + height - (tick.position / model.rows) * height;
      if (y < top + 6 || y > top + height - 6) continue;
      context.fillText(tick.label, AXIS_GUTTER - 6, y);
    }
    context.save();
    context.translate(9, top + height / 2);
    context.rotate(-Math.PI / 2);
    context.textAlign = 'center';
    context.fillText('Hz', 0, 0);
    context.restore();
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
