// Draws the frames of a spectrogram video straight into yuv420p buffers (BT.709 limited range), so ffmpeg
// encodes them without a colour conversion.
//
// Two modes: 'scroll' shows the last few seconds moving right to left under a playhead at the right edge
// of the plot; 'static' lays the whole track across the plot and fills it in behind a moving cursor. Frame k
// shows time k / fps and only audio up to about that time, so frames can be drawn while the audio streams in.
//
// The spectrogram is drawn one pixel column at a time into a canvas as STFT frames arrive (each column is
// converted to colour once); a frame is a copy of a prepared background, the visible part of the canvas,
// and a few overlays. No buffer is allocated per frame. No Node imports: pure drawing code.
import { COLORMAP_SIZE, colormap, type ColormapName, type DbRange } from './colormap';
import { CAP_HEIGHT, CELL_HEIGHT, drawText, textWidth, type Plane } from './pixel-font';
import { FrequencyScale, type FrequencyScaleKind } from './spectrogram-scale';
import type { Hertz, Seconds } from './units';
import { rgbToYuv, yuv420FrameBytes, type Yuv } from './yuv420';

/** How the spectrogram moves in the video. */
export type SpectrogramVideoMode = 'scroll' | 'static';

/** Every video mode, default first. */
export const SPECTROGRAM_VIDEO_MODES: readonly SpectrogramVideoMode[] = ['scroll', 'static'];

/** Settings of a frame rasteriser. */
export interface FrameRasteriserOptions {
  /** Frame size in pixels (both even, at least 320 x 180). */
  width: number;
  height: number;
  fps: number;
  mode: SpectrogramVideoMode;
  sampleRate: Hertz;
  /** Length of the audio (the static mode spreads it over the plot). */
  duration: Seconds;
  /** FFT length of the STFT feeding `addSpectrum`. */
  fftSize: number;
  scale: FrequencyScaleKind;
  colormap: ColormapName;
  /** Fixed level range of the colours. */
  dbRange: DbRange;
  /** Draw a waveform strip under the spectrogram. */
  waveform: boolean;
  /** Shown at the top left (the patch's name). */
  title: string;
  /** Shown after the title in grey (e.g. sample rate and settings). */
  subtitle?: string;
  /** Scroll speed of the 'scroll' mode (default 120 px/s at 1280 wide, in proportion otherwise). */
  scrollPixelsPerSecond?: number;
}

/** A rectangle in frame pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the parts of a frame are. */
export interface FrameLayout {
  /** The spectrogram; its top row is the highest frequency. */
  plot: Rect;
  /** The waveform strip, when enabled. */
  waveform: Rect | null;
  colourBar: Rect;
  /** Top of the time labels. */
  timeLabelsY: number;
  /** Integer scale of the label font (title uses one more). */
  textScale: number;
}

/** Grey levels (luma) of the decorations. */
export const FRAME_INK = {
  title: 235,
  label: 176,
  muted: 118,
  tick: 92,
  playhead: 235,
  waveform: 190,
  waveformAxis: 58,
} as const;
const INK = FRAME_INK;
/** Frame background (a very dark blue-grey). */
const BACKGROUND_RGB: [number, number, number] = [14, 15, 20];
/** Background of the waveform strip. */
const WAVEFORM_RGB: [number, number, number] = [8, 9, 12];
/** Candidate time-axis steps in seconds. */
const TIME_STEPS: readonly Seconds[] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

function even(value: number): number {
  return Math.round(value / 2) * 2;
}

/** Smallest time step whose labels are at least `minPixels` apart at `pixelsPerSecond`. */
function timeStep(pixelsPerSecond: number, minPixels: number): Seconds {
  for (const step of TIME_STEPS) if (step * pixelsPerSecond >= minPixels) return step;
  return TIME_STEPS[TIME_STEPS.length - 1];
}

/** m:ss, h:mm:ss past an hour, with tenths when asked. */
export function formatTime(seconds: Seconds, tenths: boolean): string {
  const rounded = tenths ? Math.round(seconds * 10) / 10 : Math.round(seconds);
  const hours = Math.floor(rounded / 3600);
  const minutes = Math.floor((rounded % 3600) / 60);
  const secs = rounded % 60;
  const secText = tenths ? secs.toFixed(1).padStart(4, '0') : String(Math.floor(secs)).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secText}` : `${minutes}:${secText}`;
}

/** Where the spectrogram's pixel columns are drawn: a luma plane and two half-size chroma planes. */
interface Surface {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  /** Index of the surface's (0, 0) in each plane. */
  yOrigin: number;
  cOrigin: number;
  yStride: number;
  cStride: number;
}

/** Draws spectrogram video frames into reused yuv420p buffers. */
export class FrameRasteriser {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly mode: SpectrogramVideoMode;
  /** Bytes of one yuv420p frame. */
  readonly frameBytes: number;
  /** The STFT hop (in samples) this rasteriser expects its spectra at. */
  readonly hop: number;
  readonly layout: FrameLayout;
  readonly frequencyScale: FrequencyScale;

  private readonly options: FrameRasteriserOptions;
  private readonly lutY = new Uint8Array(COLORMAP_SIZE);
  private readonly lutU = new Uint8Array(COLORMAP_SIZE);
  private readonly lutV = new Uint8Array(COLORMAP_SIZE);
  /** Luma of a grid line drawn over luma v. */
  private readonly gridY = new Uint8Array(256);
  private readonly background: Yuv;
  private readonly waveBackground: number;
  /** Display rows (0 = top) that carry a frequency grid line. */
  private readonly gridRows: Uint8Array;
  private readonly composite: Uint8Array;
  private readonly compositeSurface: Surface;
  private readonly canvas: Surface;
  private readonly canvasWidth: number;
  private readonly waveCanvas: Uint8Array | null;
  private readonly rowLevels: Float32Array;
  private readonly columnIndex: Uint8Array;
  private readonly previousIndex: Uint8Array;
  private readonly emptyIndex: Uint8Array;
  private readonly levelScale: number;
  /** Seconds per pixel column. */
  private readonly columnSeconds: Seconds;
  /** Audio samples per pixel column. */
  private readonly samplesPerColumn: number;
  /** Pixel columns per video frame in the scroll mode. */
  private readonly columnsPerFrame: number;
  private readonly timeStep: Seconds;
  private readonly timeTenths: boolean;

  /** Canvas x of column j is j - canvasStart (scroll mode). */
  private canvasStart: number;
  /** Spectra received so far. */
  private spectra = 0;
  /** Next column to draw (scroll mode). */
  private nextColumn = 0;
  /** Column being pooled, its maximum levels per row and whether it has any frame yet (static mode). */
  private poolColumn = 0;
  private readonly pool: Float32Array;
  private poolEmpty = true;
  /** Waveform column being measured, its extent, and the sample index where it ends. */
  private waveColumn = 0;
  private waveMin = Infinity;
  private waveMax = -Infinity;
  private waveEnd: number;
  private samples = 0;
  private lastFrame = -1;
  private ended = false;

  constructor(options: FrameRasteriserOptions) {
    const { width, height, fps, sampleRate, duration } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width % 2 || height % 2 || width < 320 || height < 180) {
      throw new Error(`video size must be even and at least 320x180, got ${width}x${height}`);
    }
    if (!(fps > 0 && fps <= 240)) throw new Error(`video frame rate must be in (0, 240], got ${fps}`);
    if (!(duration > 0)) throw new Error(`audio duration must be positive, got ${duration}`);
    if (!(options.dbRange.max > options.dbRange.min)) throw new Error('dB range: max must be above min');
    this.options = options;
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.mode = options.mode;
    this.frameBytes = yuv420FrameBytes(width, height);
    this.layout = computeLayout(options);
    const { plot } = this.layout;

    const map = colormap(options.colormap);
    for (let i = 0; i < COLORMAP_SIZE; i++) {
      const { y, u, v } = rgbToYuv(map.rgb[i * 3], map.rgb[i * 3 + 1], map.rgb[i * 3 + 2]);
      this.lutY[i] = y;
      this.lutU[i] = u;
      this.lutV[i] = v;
    }
    for (let v = 0; v < 256; v++) this.gridY[v] = Math.round(v + (200 - v) * (v < 200 ? 0.16 : 0));
    this.background = rgbToYuv(...BACKGROUND_RGB);
    this.waveBackground = rgbToYuv(...WAVEFORM_RGB).y;
    this.levelScale = (COLORMAP_SIZE - 1) / (options.dbRange.max - options.dbRange.min);

    this.frequencyScale = new FrequencyScale({
      kind: options.scale,
      rows: plot.height,
      sampleRate,
      fftSize: options.fftSize,
    });
    this.gridRows = new Uint8Array(plot.height);
    for (const tick of this.frequencyScale.ticks(this.minTickSpacing())) {
      const row = plot.height - 1 - Math.min(plot.height - 1, Math.floor(tick.position));
      this.gridRows[row] = 1;
    }
    this.rowLevels = new Float32Array(plot.height);
    this.columnIndex = new Uint8Array(plot.height);
    this.previousIndex = new Uint8Array(plot.height);
    this.emptyIndex = new Uint8Array(plot.height);
    this.pool = new Float32Array(plot.height).fill(-Infinity);

    const pixelsPerSecond = options.scrollPixelsPerSecond ?? (120 * width) / 1280;
    if (this.mode === 'scroll') {
      // An even column count per frame keeps the 2x2 chroma blocks aligned as the picture shifts.
      this.columnsPerFrame = Math.max(2, even(pixelsPerSecond / fps));
      this.columnSeconds = 1 / (fps * this.columnsPerFrame);
      this.hop = Math.max(1, Math.round(sampleRate * this.columnSeconds));
      const lookahead = Math.ceil((options.fftSize / 2 + sampleRate / fps) / this.hop) + 2 * this.columnsPerFrame;
      this.canvasWidth = plot.width + even(Math.max(256, 4 * lookahead));
      this.canvasStart = 1 - plot.width;
      this.timeStep = timeStep(1 / this.columnSeconds, 90 * this.layout.textScale / 2);
    } else {
      this.columnsPerFrame = 0;
      this.columnSeconds = duration / plot.width;
      // At least one STFT frame per column; long tracks pool many frames into each column.
      const defaultHop = Math.round(sampleRate / pixelsPerSecond);
      this.hop = Math.max(1, Math.min(defaultHop, Math.floor(sampleRate * this.columnSeconds)));
      this.canvasWidth = plot.width;
      this.canvasStart = 0;
      this.timeStep = timeStep(plot.width / duration, 90 * this.layout.textScale / 2);
    }
    this.timeTenths = this.timeStep < 1;
    this.samplesPerColumn = sampleRate * this.columnSeconds;
    this.waveEnd = this.waveColumnEnd(0);

    const chromaRows = plot.height / 2;
    this.canvas = {
      y: new Uint8Array(this.canvasWidth * plot.height),
      u: new Uint8Array((this.canvasWidth / 2) * chromaRows),
      v: new Uint8Array((this.canvasWidth / 2) * chromaRows),
      yOrigin: 0,
      cOrigin: 0,
      yStride: this.canvasWidth,
      cStride: this.canvasWidth / 2,
    };
    this.waveCanvas = this.layout.waveform ? new Uint8Array(this.canvasWidth * this.layout.waveform.height) : null;
    for (let x = 0; x < this.canvasWidth; x++) this.drawEmptyColumn(x);

    this.composite = new Uint8Array(this.frameBytes);
    const uPlane = this.composite.subarray(width * height, width * height + (width / 2) * (height / 2));
    const vPlane = this.composite.subarray(width * height + (width / 2) * (height / 2));
    this.compositeSurface = {
      y: this.composite.subarray(0, width * height),
      u: uPlane,
      v: vPlane,
      yOrigin: plot.y * width + plot.x,
      cOrigin: (plot.y / 2) * (width / 2) + plot.x / 2,
      yStride: width,
      cStride: width / 2,
    };
    this.drawBackground();
  }

  /** STFT frames needed before video frame k can be drawn (fewer are fine once the input ended). */
  spectraNeeded(frameIndex: number): number {
    if (this.mode === 'scroll') return this.spectrumOfColumn(frameIndex * this.columnsPerFrame) + 1;
    const time = frameIndex / this.fps;
    return Math.floor((time * this.options.sampleRate) / this.hop) + 1;
  }

  /** Mono samples needed before video frame k can be drawn (fewer are fine once the input ended). */
  samplesNeeded(frameIndex: number): number {
    if (this.mode === 'scroll') return this.waveColumnEnd(frameIndex * this.columnsPerFrame);
    return Math.ceil((frameIndex / this.fps) * this.options.sampleRate);
  }

  /** Takes the next STFT frame of dB magnitudes (hop `this.hop`, frame i centred at i * hop). */
  addSpectrum(frameDb: Float32Array): void {
    const index = this.spectra++;
    if (this.mode === 'scroll') {
      let levelsReady = false;
      while (this.spectrumOfColumn(this.nextColumn) === index) {
        if (!levelsReady) {
          this.frequencyScale.sample(frameDb, this.rowLevels);
          this.toColumnIndex(this.rowLevels);
          levelsReady = true;
        }
        const column = this.nextColumn++;
        this.ensureColumnFits(column);
        const x = column - this.canvasStart;
        if (x >= 0) this.drawColumn(this.canvas, x, this.columnIndex, this.isTimeGridColumn(column));
      }
      return;
    }
    const column = Math.min(
      this.layout.plot.width - 1,
      Math.floor((index * this.hop) / this.options.sampleRate / this.columnSeconds),
    );
    while (column > this.poolColumn) this.closePoolColumn();
    this.frequencyScale.sample(frameDb, this.rowLevels);
    const pool = this.pool;
    const levels = this.rowLevels;
    for (let row = 0; row < pool.length; row++) if (levels[row] > pool[row]) pool[row] = levels[row];
    this.poolEmpty = false;
  }

  /** Takes the next mono samples (for the waveform strip and the readiness count). */
  addSamples(mono: Float32Array): void {
    if (!this.waveCanvas) {
      this.samples += mono.length;
      return;
    }
    let min = this.waveMin;
    let max = this.waveMax;
    let position = this.samples;
    let end = this.waveEnd;
    for (let i = 0; i < mono.length; i++, position++) {
      if (position >= end) {
        this.waveMin = min;
        this.waveMax = max;
        this.closeWaveColumn();
        min = Infinity;
        max = -Infinity;
        end = this.waveEnd;
      }
      const sample = mono[i];
      if (sample < min) min = sample;
      if (sample > max) max = sample;
    }
    this.waveMin = min;
    this.waveMax = max;
    this.samples = position;
  }

  /** Marks the end of the input: the last partial columns are drawn and every later frame is ready. */
  endOfInput(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waveCanvas && this.waveMax >= this.waveMin) this.closeWaveColumn();
    if (this.mode === 'static' && !this.poolEmpty) this.closePoolColumn();
  }

  /** Draws video frame k (time k / fps) into `target` (at least `frameBytes` long). Frames go in order. */
  render(frameIndex: number, target: Uint8Array): void {
    if (frameIndex < this.lastFrame) throw new Error('FrameRasteriser.render: frames must be drawn in order');
    if (target.length < this.frameBytes) throw new Error('FrameRasteriser.render: target buffer too small');
    this.lastFrame = frameIndex;
    const time = frameIndex / this.fps;
    const { plot } = this.layout;
    target.set(this.composite);
    let cursorX: number;
    if (this.mode === 'scroll') {
      const newest = frameIndex * this.columnsPerFrame;
      let first = newest - plot.width + 1 - this.canvasStart;
      if (first + plot.width > this.canvasWidth) {
        this.shiftCanvas(first);
        first = 0;
      }
      this.copyCanvas(target, first, plot.width);
      this.drawScrollingTimeAxis(target, newest);
      cursorX = plot.x + plot.width - 2;
    } else {
      const column = Math.min(plot.width - 1, Math.floor(time / this.columnSeconds));
      if (!this.poolEmpty && this.poolColumn <= column) this.drawPoolColumn();
      if (this.waveCanvas && this.waveColumn <= column && this.waveMax >= this.waveMin) this.drawWaveColumn();
      this.copyCanvas(target, 0, Math.min(plot.width, even(column + 1.5)));
      cursorX = plot.x + Math.min(plot.width - 2, column & ~1);
    }
    this.drawCursor(target, cursorX);
    this.drawClock(target, time);
  }

  // ---- columns ----

  private minTickSpacing(): number {
    return (CELL_HEIGHT + 4) * this.layout.textScale;
  }

  /** STFT frame nearest to the time of scroll column j. */
  private spectrumOfColumn(column: number): number {
    return Math.round((column * this.columnSeconds * this.options.sampleRate) / this.hop);
  }

  /** Sample index where waveform column j ends (scroll columns are centred on their time). */
  private waveColumnEnd(column: number): number {
    const offset = this.mode === 'scroll' ? 0.5 : 1;
    return Math.max(1, Math.round((column + offset) * this.samplesPerColumn));
  }

  /** Whether column j is the column nearest to a time-axis tick. */
  private isTimeGridColumn(column: number): boolean {
    const columnsPerStep = this.timeStep / this.columnSeconds;
    return column >= 0 && Math.round(Math.round(column / columnsPerStep) * columnsPerStep) === column;
  }

  /** Converts row levels (row 0 = bottom) into colour indices in display order (index 0 = top). */
  private toColumnIndex(levels: Float32Array): void {
    const out = this.columnIndex;
    const rows = levels.length;
    const min = this.options.dbRange.min;
    const scale = this.levelScale;
    const top = COLORMAP_SIZE - 1;
    for (let row = 0; row < rows; row++) {
      const t = (levels[row] - min) * scale;
      out[rows - 1 - row] = t > 0 ? (t < top ? Math.round(t) : top) : 0;
    }
  }

  private closePoolColumn(): void {
    this.drawPoolColumn();
    this.pool.fill(-Infinity);
    this.poolEmpty = true;
    this.poolColumn++;
  }

  /** Draws the pooled column; a column that got no STFT frame repeats the one before it. */
  private drawPoolColumn(): void {
    if (!this.poolEmpty) this.toColumnIndex(this.pool);
    const column = this.poolColumn;
    this.drawColumn(this.canvas, column, this.columnIndex, this.isTimeGridColumn(column));
  }

  private closeWaveColumn(): void {
    this.drawWaveColumn();
    this.waveColumn++;
    this.waveEnd = this.waveColumnEnd(this.waveColumn);
  }

  private drawWaveColumn(): void {
    const column = this.waveColumn;
    if (this.mode === 'scroll') this.ensureColumnFits(column);
    else if (column >= this.layout.plot.width) return;
    const x = column - this.canvasStart;
    if (x >= 0) this.drawWaveform(x, this.waveMin, this.waveMax);
  }

  /** Makes room for scroll column j by dropping columns no drawn frame can need any more. */
  private ensureColumnFits(column: number): void {
    if (column - this.canvasStart < this.canvasWidth) return;
    const visibleStart = Math.max(0, this.lastFrame) * this.columnsPerFrame - this.layout.plot.width + 1;
    const drop = visibleStart - this.canvasStart;
    if (drop <= 0 || column - this.canvasStart - drop >= this.canvasWidth) {
      throw new Error('FrameRasteriser: spectra arrived too far ahead of the drawn frames');
    }
    this.shiftCanvas(drop);
  }

  /** Moves the canvas left by an even number of columns and blanks the columns that come free. */
  private shiftCanvas(columns: number): void {
    const width = this.canvasWidth;
    const move = Math.min(columns, width);
    const rows = this.layout.plot.height;
    const { y, u, v } = this.canvas;
    for (let row = 0; row < rows; row++) y.copyWithin(row * width, row * width + move, (row + 1) * width);
    const chromaWidth = width / 2;
    for (let row = 0; row < rows / 2; row++) {
      u.copyWithin(row * chromaWidth, row * chromaWidth + move / 2, (row + 1) * chromaWidth);
      v.copyWithin(row * chromaWidth, row * chromaWidth + move / 2, (row + 1) * chromaWidth);
    }
    if (this.waveCanvas && this.layout.waveform) {
      for (let row = 0; row < this.layout.waveform.height; row++) {
        this.waveCanvas.copyWithin(row * width, row * width + move, (row + 1) * width);
      }
    }
    this.canvasStart += columns;
    for (let x = width - move; x < width; x++) this.drawEmptyColumn(x);
  }

  private drawEmptyColumn(x: number): void {
    this.drawColumn(this.canvas, x, this.emptyIndex, false);
    if (this.waveCanvas) this.drawWaveform(x, Infinity, -Infinity);
  }

  /**
   * Writes one pixel column of colour indices at x. Chroma is averaged over 2x2 blocks, so an odd column
   * completes the block its even neighbour (drawn just before) started.
   */
  private drawColumn(surface: Surface, x: number, index: Uint8Array, timeGrid: boolean): void {
    const { lutY, lutU, lutV, gridY, gridRows } = this;
    const rows = index.length;
    const yPlane = surface.y;
    const yStride = surface.yStride;
    let o = surface.yOrigin + x;
    for (let row = 0; row < rows; row++, o += yStride) {
      const luma = lutY[index[row]];
      yPlane[o] = timeGrid || gridRows[row] ? gridY[luma] : luma;
    }
    const left = x & 1 ? this.previousIndex : index;
    const uPlane = surface.u;
    const vPlane = surface.v;
    const cStride = surface.cStride;
    let c = surface.cOrigin + (x >> 1);
    for (let row = 0; row < rows; row += 2, c += cStride) {
      const a = left[row];
      const b = index[row];
      const d = left[row + 1];
      const e = index[row + 1];
      uPlane[c] = (lutU[a] + lutU[b] + lutU[d] + lutU[e] + 2) >> 2;
      vPlane[c] = (lutV[a] + lutV[b] + lutV[d] + lutV[e] + 2) >> 2;
    }
    if ((x & 1) === 0) this.previousIndex.set(index);
  }

  /** Draws one waveform column (a bar from min to max; min > max draws an empty column). */
  private drawWaveform(x: number, min: number, max: number): void {
    const canvas = this.waveCanvas;
    const strip = this.layout.waveform;
    if (!canvas || !strip) return;
    const rows = strip.height;
    const width = this.canvasWidth;
    const background = this.waveBackground;
    const centre = rows >> 1;
    const toRow = (value: number): number =>
      Math.min(rows - 1, Math.max(0, Math.round(centre - value * (centre - 1))));
    const top = max >= min ? toRow(max) : rows;
    const bottom = max >= min ? toRow(min) : -1;
    for (let row = 0; row < rows; row++) {
      const inBar = row >= top && row <= bottom;
      canvas[row * width + x] = inBar ? INK.waveform : row === centre ? INK.waveformAxis : background;
    }
  }

  // ---- frame composition ----

  /** Copies `count` columns of the canvas from canvas x `first` (even) into the plot of `target`. */
  private copyCanvas(target: Uint8Array, first: number, count: number): void {
    if (count <= 0) return;
    const { width, height } = this;
    const { plot, waveform } = this.layout;
    const canvasWidth = this.canvasWidth;
    const { y, u, v } = this.canvas;
    for (let row = 0; row < plot.height; row++) {
      const from = row * canvasWidth + first;
      target.set(y.subarray(from, from + count), (plot.y + row) * width + plot.x);
    }
    const chromaWidth = width / 2;
    const uOffset = width * height;
    const vOffset = uOffset + chromaWidth * (height / 2);
    const half = count >> 1;
    for (let row = 0; row < plot.height / 2; row++) {
      const from = row * (canvasWidth / 2) + first / 2;
      const to = (plot.y / 2 + row) * chromaWidth + plot.x / 2;
      target.set(u.subarray(from, from + half), uOffset + to);
      target.set(v.subarray(from, from + half), vOffset + to);
    }
    if (this.waveCanvas && waveform) {
      for (let row = 0; row < waveform.height; row++) {
        const from = row * canvasWidth + first;
        target.set(this.waveCanvas.subarray(from, from + count), (waveform.y + row) * width + waveform.x);
      }
    }
  }

  private lumaPlane(target: Uint8Array): Plane {
    return { data: target, width: this.width, height: this.height, stride: this.width };
  }

  private drawCursor(target: Uint8Array, x: number): void {
    const { plot, waveform } = this.layout;
    const { width, height } = this;
    const top = plot.y;
    const bottom = (waveform ? waveform.y + waveform.height : plot.y + plot.height) - 1;
    for (let y = top; y <= bottom; y++) {
      target[y * width + x] = INK.playhead;
      target[y * width + x + 1] = INK.playhead;
    }
    const chromaWidth = width / 2;
    const uOffset = width * height;
    const vOffset = uOffset + chromaWidth * (height / 2);
    for (let y = top >> 1; y <= bottom >> 1; y++) {
      target[uOffset + y * chromaWidth + (x >> 1)] = 128;
      target[vOffset + y * chromaWidth + (x >> 1)] = 128;
    }
    // A small marker above the line.
    const s = this.layout.textScale;
    for (let row = 0; row < 3 * s; row++) {
      const half = 3 * s - row;
      const y = top - 3 * s - 2 + row;
      target.fill(INK.playhead, y * width + x + 1 - half, y * width + x + 1 + half);
    }
  }

  private drawClock(target: Uint8Array, time: Seconds): void {
    const s = this.layout.textScale;
    const { plot } = this.layout;
    const total = formatTime(this.options.duration, true);
    const now = formatTime(Math.min(time, this.options.duration), true);
    const plane = this.lumaPlane(target);
    const totalText = ` / ${total}`;
    const right = plot.x + plot.width;
    const totalWidth = textWidth(totalText, s) + s;
    const y = this.titleBaseline() - CAP_HEIGHT * s;
    drawText(plane, right - totalWidth + s, y, totalText, s, INK.muted);
    drawText(plane, right - totalWidth - textWidth(now, s), y, now, s, INK.title);
  }

  private drawScrollingTimeAxis(target: Uint8Array, newest: number): void {
    const { plot } = this.layout;
    const plane = this.lumaPlane(target);
    const firstColumn = newest - plot.width + 1;
    const columnsPerSecond = 1 / this.columnSeconds;
    const firstTick = Math.max(0, Math.ceil((firstColumn / columnsPerSecond) / this.timeStep));
    const lastTick = Math.floor(newest / columnsPerSecond / this.timeStep);
    const axisTop = this.axisTop();
    // Labels slide out under the left edge of the plot and come in whole at the playhead.
    const clip = { left: plot.x, right: this.width };
    for (let tick = firstTick; tick <= lastTick; tick++) {
      const time = tick * this.timeStep;
      const x = plot.x + Math.round(time * columnsPerSecond) - firstColumn;
      this.drawTimeTick(plane, x, axisTop, formatTime(time, this.timeTenths), clip);
    }
  }

  private drawTimeTick(plane: Plane, x: number, axisTop: number, label: string, clip: { left: number; right: number }): void {
    const s = this.layout.textScale;
    for (let y = axisTop; y < axisTop + 3 * s; y++) plane.data.fill(INK.tick, y * plane.stride + x, y * plane.stride + x + s);
    drawText(plane, x - Math.floor(textWidth(label, s) / 2), this.layout.timeLabelsY, label, s, INK.label, clip);
  }

  private axisTop(): number {
    const { plot, waveform } = this.layout;
    return (waveform ? waveform.y + waveform.height : plot.y + plot.height) + this.layout.textScale;
  }

  private titleBaseline(): number {
    return this.layout.plot.y - 13 * this.layout.textScale;
  }

  /** Draws everything that does not change from frame to frame into the composite. */
  private drawBackground(): void {
    const { width, height, composite, background } = this;
    const { plot, waveform, colourBar, textScale: s } = this.layout;
    const chromaSize = (width / 2) * (height / 2);
    composite.fill(background.y, 0, width * height);
    composite.fill(background.u, width * height, width * height + chromaSize);
    composite.fill(background.v, width * height + chromaSize);
    for (let x = 0; x < plot.width; x++) {
      this.drawColumn(this.compositeSurface, x, this.emptyIndex, this.mode === 'static' && this.isTimeGridColumn(x));
    }
    const plane = this.lumaPlane(composite);
    if (waveform) {
      const strip = rgbToYuv(...WAVEFORM_RGB);
      for (let y = waveform.y; y < waveform.y + waveform.height; y++) {
        composite.fill(y === waveform.y + (waveform.height >> 1) ? INK.waveformAxis : strip.y, y * width + waveform.x, y * width + waveform.x + waveform.width);
      }
    }

    // Title and subtitle share a baseline above the plot.
    const baseline = this.titleBaseline();
    const titleScale = s + 1;
    const title = this.options.title;
    drawText(plane, plot.x, baseline - CAP_HEIGHT * titleScale, title, titleScale, INK.title);
    if (this.options.subtitle) {
      const x = plot.x + textWidth(title, titleScale) + 8 * s;
      drawText(plane, x, baseline - CAP_HEIGHT * s, this.options.subtitle, s, INK.muted);
    }

    // Frequency axis: ticks and labels to the left of the plot, unit on top.
    const labelRight = plot.x - 4 * s;
    for (const tick of this.frequencyScale.ticks(this.minTickSpacing())) {
      const y = plot.y + plot.height - 1 - Math.min(plot.height - 1, Math.floor(tick.position));
      for (let x = plot.x - 3 * s; x < plot.x - s; x++) for (let t = 0; t < s; t++) composite[(y - t) * width + x] = INK.tick;
      const labelY = Math.min(plot.y + plot.height - CAP_HEIGHT * s, Math.max(plot.y, y - Math.floor((CAP_HEIGHT * s) / 2)));
      drawText(plane, labelRight - s - textWidth(tick.label, s), labelY, tick.label, s, INK.label);
    }
    const unitsY = plot.y - (CAP_HEIGHT + 4) * s;
    drawText(plane, labelRight - s - textWidth('Hz', s), unitsY, 'Hz', s, INK.muted);

    // Colour bar with its dB labels.
    const map = colormap(this.options.colormap);
    const { min, max } = this.options.dbRange;
    for (let row = 0; row < colourBar.height; row++) {
      const entry = Math.round((1 - row / (colourBar.height - 1)) * (COLORMAP_SIZE - 1));
      const colour = rgbToYuv(map.rgb[entry * 3], map.rgb[entry * 3 + 1], map.rgb[entry * 3 + 2]);
      const y = colourBar.y + row;
      composite.fill(colour.y, y * width + colourBar.x, y * width + colourBar.x + colourBar.width);
      const cy = y >> 1;
      const c = width * height + cy * (width / 2) + colourBar.x / 2;
      composite.fill(colour.u, c, c + colourBar.width / 2);
      composite.fill(colour.v, c + chromaSize, c + chromaSize + colourBar.width / 2);
    }
    const step = niceDbStep(max - min, colourBar.height / ((CELL_HEIGHT + 6) * s));
    for (let level = Math.ceil(min / step) * step; level <= max; level += step) {
      const y = colourBar.y + Math.round(((max - level) / (max - min)) * (colourBar.height - 1));
      const labelY = Math.min(colourBar.y + colourBar.height - CAP_HEIGHT * s, Math.max(colourBar.y, y - Math.floor((CAP_HEIGHT * s) / 2)));
      const x = colourBar.x + colourBar.width + 3 * s;
      drawText(plane, x, labelY, String(Math.round(level)), s, INK.label);
    }
    drawText(plane, colourBar.x, unitsY, 'dB', s, INK.muted);

    if (this.mode === 'static') {
      const duration = this.options.duration;
      const axisTop = this.axisTop();
      const clip = { left: 0, right: width };
      for (let time = 0; time <= duration + 1e-9; time += this.timeStep) {
        const x = plot.x + Math.min(plot.width - 1, Math.round(time / this.columnSeconds));
        this.drawTimeTick(plane, x, axisTop, formatTime(time, this.timeTenths), clip);
      }
    }
  }
}

function niceDbStep(range: number, maxLabels: number): number {
  for (const step of [1, 2, 5, 10, 20, 30, 40, 50, 100]) if (range / step <= maxLabels) return step;
  return 100;
}

/** Places the plot, the waveform strip, the colour bar and the labels for a frame size. */
export function computeLayout(options: Pick<FrameRasteriserOptions, 'width' | 'height' | 'waveform'>): FrameLayout {
  const { width, height } = options;
  const s = Math.max(1, Math.round(height / 360));
  const pad = 10 * s;
  const titleHeight = CELL_HEIGHT * (s + 1);
  const top = even(pad + titleHeight + 13 * s);
  const left = even(pad + textWidth('20k', s) + 7 * s);
  const barWidth = even(5 * s);
  const right = even(pad + textWidth('-100', s) + 3 * s + barWidth + 8 * s);
  const bottom = even(pad + CAP_HEIGHT * s + 6 * s);
  const plotWidth = width - left - right;
  const available = height - top - bottom;
  let plotHeight = even(available);
  let waveform: Rect | null = null;
  if (options.waveform) {
    const stripHeight = even(available * 0.14);
    const gap = even(4 * s);
    plotHeight = even(available - stripHeight - gap);
    waveform = { x: left, y: top + plotHeight + gap, width: plotWidth, height: stripHeight };
  }
  const plot: Rect = { x: left, y: top, width: plotWidth, height: plotHeight };
  const colourBar: Rect = { x: left + plotWidth + 8 * s, y: top, width: barWidth, height: plotHeight };
  const axisBottom = waveform ? waveform.y + waveform.height : top + plotHeight;
  return { plot, waveform, colourBar, timeLabelsY: axisBottom + 6 * s, textScale: s };
}
