import type { CaptureKind } from '../render-types';
import type { Frames } from '../units';

/** Takes rendered audio out of an offline context while it renders, a chunk at a time. */
export interface Capture {
  readonly kind: CaptureKind;
  /** Frames become available in blocks of this many: a take at a suspend point gets whole blocks. */
  readonly align: Frames;
  /** Length to give the context so that every frame of the render reaches the capture. */
  contextLength(renderFrames: Frames): Frames;
  /** Connects `bus` (the patch's output) through the capture to the context's real destination. Call before rendering. */
  attach(ctx: OfflineAudioContext, bus: AudioNode, destination: AudioNode): Promise<void>;
  /**
   * Waits until frames up to `frame` have been captured and returns those not taken yet, as blocks of one array
   * per channel (copies the caller owns). Call while the context is suspended at or after `frame`, or after it
   * finished.
   */
  take(frame: Frames): Promise<Float32Array[][]>;
  /** Frames that have reached the capture so far (grows while the context renders; a stall means a hung graph). */
  framesCaptured(): Frames;
  /**
   * Calls `listener` whenever new frames reach the capture, for renders driven by the capture instead of suspends.
   * `wakeAt` tells the capture the frame count at which the caller next wants to hear from it.
   */
  listen(listener: (framesCaptured: Frames) => void): void;
  /** Asks to be called back once this many frames have been captured (capture-driven renders). */
  wakeAt(frame: Frames): void;
  /** Releases threads and buffers. */
  dispose(): void;
}

/** Sizes a capture needs. */
export interface CaptureSizing {
  channels: number;
  sampleRate: number;
}

/**
 * Captured blocks waiting to be taken, in order. Unbounded on purpose: node-web-audio-api may skip a suspend
 * point (it registers suspends asynchronously), and then more audio than planned arrives before the next take.
 */
export class BlockQueue {
  private blocks: Float32Array[][] = [];
  private startFrame: Frames = 0;
  private endFrame: Frames = 0;

  constructor(readonly channels: number) {}

  /** Frames queued so far (absolute end frame). */
  get end(): Frames {
    return this.endFrame;
  }

  /** Appends one block (one array per channel, equal lengths). */
  push(block: Float32Array[]): void {
    this.blocks.push(block);
    this.endFrame += block[0]?.length ?? 0;
  }

  /** Appends blocks in order. */
  pushAll(blocks: Float32Array[][]): void {
    for (const block of blocks) this.push(block);
  }

  /**
   * Removes and returns the blocks up to `frame` (absolute) as they are, the last one cut short (as views) if
   * `frame` falls inside it: audio passes through two queues (the capture's, then the chunk hand-over's), and
   * joining it in both was one more copy of every sample.
   */
  takeBlocksUntil(frame: Frames): Float32Array[][] {
    const taken: Float32Array[][] = [];
    let remaining = Math.max(0, Math.min(frame, this.endFrame) - this.startFrame);
    this.startFrame += remaining;
    while (remaining > 0) {
      const block = this.blocks[0];
      const blockLength = block[0].length;
      if (blockLength <= remaining) {
        taken.push(block);
        this.blocks.shift();
        remaining -= blockLength;
      } else {
        const cut = remaining;
        taken.push(block.map((channel) => channel.subarray(0, cut)));
        this.blocks[0] = block.map((channel) => channel.subarray(cut));
        remaining = 0;
      }
    }
    return taken;
  }

  /**
   * Removes and returns frames up to `frame` (absolute), joined per channel into arrays of their own (which a
   * consumer may transfer): a single whole block is returned as it is.
   */
  takeUntil(frame: Frames): Float32Array[] {
    const blocks = this.takeBlocksUntil(frame);
    if (blocks.length === 1 && blocks[0].every((channel) => channel.byteOffset === 0 && channel.byteLength === channel.buffer.byteLength)) return blocks[0];
    const length = blocks.reduce((sum, block) => sum + block[0].length, 0);
    const out = Array.from({ length: this.channels }, () => new Float32Array(length));
    let filled = 0;
    for (const block of blocks) {
      for (let c = 0; c < this.channels; c++) out[c].set(block[c], filled);
      filled += block[0].length;
    }
    return out;
  }
}
