// The received audio of one render, as it arrives. No DOM: the player and tests use it directly.

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

/** The chunks of one render, contiguous from frame 0. */
export class RenderBuffer {
  private readonly chunks: StoredChunk[] = [];
  private available = 0;
  private total: number | undefined;
  private rate: number | undefined;
  private ended: RenderEnd | undefined;
  private channelCount = 0;

  constructor(readonly renderId: number) {}

  /** Frames received so far (always contiguous from 0). */
  get framesAvailable(): number {
    return this.available;
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

  /** Number of chunks received. */
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
   * The samples from `frame`, at most `maxFrames`, without crossing a chunk boundary (so live chunks are
   * scheduled exactly as they arrived). Undefined when `frame` has not arrived yet.
   */
  read(frame: number, maxFrames: number): AudioSpan | undefined {
    if (frame < 0 || frame >= this.available || maxFrames <= 0) return undefined;
    const chunk = this.chunks[this.chunkIndexAt(frame)];
    const offset = frame - chunk.startFrame;
    const frames = Math.min(chunk.frames - offset, maxFrames);
    if (offset === 0 && frames === chunk.frames) return { startFrame: frame, frames, channels: chunk.channels };
    return { startFrame: frame, frames, channels: chunk.channels.map((channel) => channel.subarray(offset, offset + frames)) };
  }

  /** Every stored chunk from index `from` on (for the spectrogram, which follows the chunks in order). */
  chunksFrom(from: number): readonly StoredChunk[] {
    return this.chunks.slice(from);
  }

  /** The stored chunk at an index. */
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
