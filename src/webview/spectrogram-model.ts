// The live spectrogram's pixels: the engine's streaming STFT over the render's mono mix, sampled onto the
// engine's frequency scale and coloured by the engine's colour map, one RGBA column per STFT frame, in tiles.
// No DOM: computing is paced by the caller's time budget, drawing is the view's job.

import { colormap, DEFAULT_DB_RANGE, levelIndex, type ColormapName, type DbRange } from '../engine/colormap';
import { FrequencyScale, type FrequencyScaleKind } from '../engine/spectrogram-scale';
import { mixToMono, StreamingStft } from '../engine/stft';

/** Columns per tile. */
export const TILE_COLUMNS = 512;

/** Most columns one render gets (the hop grows for long renders to stay under it). */
export const MAX_COLUMNS = 16384;

/**
 * Most samples waiting to be computed. The panel computes in animation frames, which stop while it is hidden
 * while audio keeps arriving; beyond this (4 MiB of mono, 22 s at 48 kHz) `push` computes the excess at once.
 */
export const MAX_QUEUED_SAMPLES = 1 << 20;

/** Display rows of the model (the view scales them to its height). */
export const MODEL_ROWS = 256;

/** Settings of a spectrogram. */
export interface SpectrogramConfig {
  fftSize: number;
  scale: FrequencyScaleKind;
  colorMap: ColormapName;
  dbRange?: DbRange;
}

/** A block of TILE_COLUMNS columns; `pixels` is RGBA, TILE_COLUMNS wide, MODEL_ROWS high, top row first. */
export interface SpectrogramTile {
  index: number;
  pixels: Uint8ClampedArray<ArrayBuffer>;
  /** The same bytes as packed RGBA words. */
  words: Uint32Array;
  /** Columns filled so far. */
  filled: number;
  /** First column changed since the view last took it (TILE_COLUMNS when clean). */
  dirtyFrom: number;
}

/** Samples between columns: fftSize / 8, larger when the render is long. */
export function chooseHop(fftSize: number, totalFrames: number | undefined): number {
  const base = Math.max(16, fftSize / 8);
  if (totalFrames === undefined) return base;
  return Math.max(base, Math.ceil(totalFrames / MAX_COLUMNS));
}

/** Colour table as packed RGBA words in the platform's byte order. */
function packedTable(name: ColormapName): Uint32Array {
  const { rgb } = colormap(name);
  const table = new Uint32Array(256);
  const bytes = new Uint8Array(table.buffer);
  for (let i = 0; i < 256; i++) {
    bytes[i * 4] = rgb[i * 3];
    bytes[i * 4 + 1] = rgb[i * 3 + 1];
    bytes[i * 4 + 2] = rgb[i * 3 + 2];
    bytes[i * 4 + 3] = 255;
  }
  return table;
}

/** Spectrogram of one render, fed with its chunks and computed a budget at a time. */
export class SpectrogramModel {
  readonly hop: number;
  readonly rows = MODEL_ROWS;
  readonly scale: FrequencyScale;
  private readonly stft: StreamingStft;
  private readonly table: Uint32Array;
  private readonly range: DbRange;
  private readonly rowLevels = new Float32Array(MODEL_ROWS);
  private readonly pieces: Float32Array[] = [];
  private readonly tileList: SpectrogramTile[] = [];
  private inputEnded = false;
  private interrupted = false;
  private columnCount = 0;
  private queuedSamples = 0;
  /** The first column computed (0 unless the model starts after dropped audio). */
  private readonly firstColumn: number;
  /** Samples of the input to skip so the first column is centred on a multiple of the hop. */
  private skipSamples: number;

  /**
   * `startFrame` is the frame of the first sample pushed: 0, or later when the start of the render's audio was
   * dropped (columns before it stay empty, and the first column's window has no audio before `startFrame`).
   */
  constructor(
    readonly config: SpectrogramConfig,
    readonly sampleRate: number,
    readonly totalFrames: number | undefined,
    startFrame = 0,
    private readonly maxQueuedSamples = MAX_QUEUED_SAMPLES,
  ) {
    this.hop = chooseHop(config.fftSize, totalFrames);
    this.firstColumn = Math.ceil(startFrame / this.hop);
    this.columnCount = this.firstColumn;
    this.skipSamples = this.firstColumn * this.hop - startFrame;
    this.stft = new StreamingStft({ fftSize: config.fftSize, hop: this.hop });
    this.scale = new FrequencyScale({ kind: config.scale, rows: MODEL_ROWS, sampleRate, fftSize: config.fftSize });
    this.table = packedTable(config.colorMap);
    this.range = config.dbRange ?? DEFAULT_DB_RANGE;
  }

  /** Columns computed so far. */
  get columns(): number {
    return this.columnCount;
  }

  /** Columns the whole render will have, when its length is known. */
  get expectedColumns(): number | undefined {
    return this.totalFrames === undefined ? undefined : Math.ceil(this.totalFrames / this.hop);
  }

  /** Seconds between columns. */
  get secondsPerColumn(): number {
    return this.hop / this.sampleRate;
  }

  /** Samples pushed and not yet computed. */
  get queued(): number {
    return this.queuedSamples;
  }

  /** True when every column is computed. */
  get done(): boolean {
    return this.inputEnded && this.stft.finished && this.pieces.length === 0 && this.columnCount - this.firstColumn >= this.stft.totalFrames;
  }

  /** True while input waits to be computed. */
  get hasWork(): boolean {
    return this.pieces.length > 0 || this.interrupted || (this.inputEnded && !this.done);
  }

  /** The tiles (created as columns arrive). */
  get tiles(): readonly SpectrogramTile[] {
    return this.tileList;
  }

  /** Queues a chunk (its channels are mixed to mono now; the FFTs run in `compute`, or here beyond the queue's bound). */
  push(channels: readonly Float32Array[]): void {
    if (this.inputEnded || channels.length === 0 || channels[0].length === 0) return;
    let mono = mixToMono(channels);
    if (this.skipSamples > 0) {
      const skipped = Math.min(this.skipSamples, mono.length);
      this.skipSamples -= skipped;
      mono = mono.subarray(skipped);
      if (mono.length === 0) return;
    }
    this.pieces.push(mono);
    this.queuedSamples += mono.length;
    if (this.queuedSamples > this.maxQueuedSamples) this.computeWhile(() => this.queuedSamples > this.maxQueuedSamples);
  }

  /** No more chunks: the last columns (reaching into the padding) can be computed. */
  end(): void {
    this.inputEnded = true;
  }

  /** Computes columns until `budgetMs` has passed on `clock` (or the work runs out); returns columns computed. */
  compute(budgetMs: number, clock: () => number): number {
    const deadline = clock() + budgetMs;
    // Check the clock every few columns: reading it costs more than one column at small FFT sizes.
    return this.computeWhile((computed) => (computed & 3) !== 0 || clock() < deadline);
  }

  /** Computes columns while `more(columnsComputed)` holds after each one (or until the work runs out). */
  private computeWhile(more: (computed: number) => boolean): number {
    let computed = 0;
    this.interrupted = false;
    for (;;) {
      const frame = this.stft.next();
      if (frame) {
        this.writeColumn(frame);
        computed++;
        if (!more(computed)) {
          this.interrupted = true;
          break;
        }
        continue;
      }
      const piece = this.pieces.shift();
      if (piece) {
        this.stft.feed(piece);
        this.queuedSamples -= piece.length;
        continue;
      }
      if (this.inputEnded && !this.stft.finished) {
        this.stft.finish();
        continue;
      }
      break;
    }
    return computed;
  }

  /** Colour of a row (0 = bottom) at a column, or undefined before it is computed. */
  pixelAt(column: number, row: number): [number, number, number] | undefined {
    if (column >= this.columnCount || column < this.firstColumn) return undefined;
    const tile = this.tileList[Math.floor(column / TILE_COLUMNS)];
    const x = column % TILE_COLUMNS;
    const y = MODEL_ROWS - 1 - row;
    const offset = (y * TILE_COLUMNS + x) * 4;
    return [tile.pixels[offset], tile.pixels[offset + 1], tile.pixels[offset + 2]];
  }

  private writeColumn(frameDb: Float32Array): void {
    const column = this.columnCount++;
    const tileIndex = Math.floor(column / TILE_COLUMNS);
    let tile = this.tileList[tileIndex];
    if (!tile) {
      const pixels = new Uint8ClampedArray(TILE_COLUMNS * MODEL_ROWS * 4);
      tile = { index: tileIndex, pixels, words: new Uint32Array(pixels.buffer), filled: 0, dirtyFrom: TILE_COLUMNS };
      this.tileList[tileIndex] = tile;
    }
    const x = column - tileIndex * TILE_COLUMNS;
    this.scale.sample(frameDb, this.rowLevels);
    const words = tile.words;
    const levels = this.rowLevels;
    for (let row = 0; row < MODEL_ROWS; row++) {
      words[(MODEL_ROWS - 1 - row) * TILE_COLUMNS + x] = this.table[levelIndex(levels[row], this.range)];
    }
    tile.filled = x + 1;
    if (x < tile.dirtyFrom) tile.dirtyFrom = x;
  }
}
