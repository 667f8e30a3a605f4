// The received audio of one render, as it arrives, less what the player dropped far behind the playhead. No DOM:
// the player and tests use it directly.

/** One received chunk. */
export interface StoredChunk {
  startFrame: number;
  frames: number;
  channels: Float32Array<ArrayBuffer>[];
}

/** A span of samples inside one stored chunk (views, not copies). */
export interface AudioSpan {
  startFrame: number;
  frames: number;
  channels: Float32Array<ArrayBuffer>[];
}

/** Why no more audio will come for a render. */
export type RenderEnd = 'complete' | 'cancelled' | 'failed';

/** The chunks of one render: contiguous from `firstFrame` (0 until the player drops old audio) to `framesAvailable`. */
export class RenderBuffer {
  private chunks: StoredChunk[] = [];
  private available = 0;
  private first = 0;
  private total: number | undefined;
  private rate: number | undefined;
  private ended: RenderEnd | undefined;
  private channelCount = 0;

  constructor(readonly renderId: number) {}

  /** Frames received so far: the end of the kept audio. */
  get framesAvailable(): number {
    return this.available;
  }

  /** First frame still kept (audio before it was dropped, see `dropBefore`). */
  get firstFrame(): number {
    return this.first;
  }

  /** Frames kept in memory. */
  get framesKept(): number {
    return this.available - this.first;
  }

  /** Length of the whole render once the patch was validated. */
  get totalFrames(): number | undefined {
    return this.total;
  }

  /** Sample rate of the render, known from its info or first chunk. */
  get sampleRate(): number | undefined {
    return this.rate;
  }

  /** Channels per chunk. */
  get channels(): number {
    return this.channelCount;
  }

  /** How the render ended, or undefined while audio may still arrive. */
  get end(): RenderEnd | undefined {
    return this.ended;
  }

  /** True when every frame of the patch is here. */
  get complete(): boolean {
    return this.ended === 'complete';
  }

  /** True while more audio may arrive. */
  get growing(): boolean {
    return this.ended === undefined;
  }

  /** Number of chunks kept. */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Sets the render's length and rate from the patch info. */
  setInfo(totalFrames: number, sampleRate: number, channels: number): void {
    this.total = totalFrames;
    this.rate = sampleRate;
    this.channelCount = channels;
  }

  /** Appends the next chunk; it must start where the previous one ended. */
  add(startFrame: number, sampleRate: number, channels: Float32Array<ArrayBuffer>[]): StoredChunk {
    if (startFrame !== this.available) {
      throw new Error(`render ${this.renderId}: chunk starts at frame ${startFrame}, expected ${this.available}`);
    }
    const frames = channels[0]?.length ?? 0;
    if (channels.some((channel) => channel.length !== frames)) throw new Error(`render ${this.renderId}: channels of a chunk differ in length`);
    this.rate ??= sampleRate;
    this.channelCount = channels.length;
    const chunk: StoredChunk = { startFrame, frames, channels };
    this.chunks.push(chunk);
    this.available += frames;
    return chunk;
  }

  /** Marks the end of the audio. */
  finish(how: RenderEnd): void {
    if (this.ended === undefined) this.ended = how;
    if (how === 'complete' && this.total === undefined) this.total = this.available;
  }

  /**
   * Drops the whole chunks that end at or before `frame` (the newest chunk is always kept, so the buffer still
   * knows its rate and channels); returns the frames dropped. Later reads before `firstFrame` find nothing.
   */
  dropBefore(frame: number): number {
    let count = 0;
    while (count < this.chunks.length - 1 && this.chunks[count].startFrame + this.chunks[count].frames <= frame) count++;
    if (count === 0) return 0;
    const before = this.first;
    this.chunks = this.chunks.slice(count);
    this.first = this.chunks[0].startFrame;
    return this.first - before;
  }

  /**
   * The samples from `frame`, at most `maxFrames`, without crossing a chunk boundary (so live chunks are
   * scheduled exactly as they arrived). Undefined when `frame` has not arrived yet or was dropped.
   */
  read(frame: number, maxFrames: number): AudioSpan | undefined {
    if (frame < this.first || frame >= this.available || maxFrames <= 0) return undefined;
    const chunk = this.chunks[this.chunkIndexAt(frame)];
    const offset = frame - chunk.startFrame;
    const frames = Math.min(chunk.frames - offset, maxFrames);
    if (offset === 0 && frames === chunk.frames) return { startFrame: frame, frames, channels: chunk.channels };
    return { startFrame: frame, frames, channels: chunk.channels.map((channel) => channel.subarray(offset, offset + frames)) };
  }

  /** Every kept chunk from index `from` on (index 0 is the chunk at `firstFrame`). */
  chunksFrom(from: number): readonly StoredChunk[] {
    return this.chunks.slice(from);
  }

  /** The kept chunk at an index (index 0 is the chunk at `firstFrame`). */
  chunkAt(index: number): StoredChunk | undefined {
    return this.chunks[index];
  }

  private chunkIndexAt(frame: number): number {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.chunks[mid].startFrame <= frame) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}
