import { releaseScriptProcessor } from '../context-release';
import { BlockQueue, type Capture, type CaptureSizing } from './capture';
import { RENDER_QUANTUM, type Frames } from '../units';

/**
 * Buffer size of the ScriptProcessorNode: each block costs a JavaScript callback and a copy, so larger is
 * cheaper, but the first chunk can be no shorter than one block (2048 frames is 43 ms at 48 kHz).
 */
export const SCRIPT_PROCESSOR_BUFFER_SIZE: Frames = 2048;

/**
 * Block sizes a suspend-driven render may use, smallest first: each a multiple of the previous and at most
 * SCRIPT_PROCESSOR_BUFFER_SIZE_WITHOUT_SUSPENDS, which every context's length is padded to.
 */
export const SCRIPT_PROCESSOR_BLOCK_SIZES: readonly Frames[] = [2048, 4096, 8192];

/**
 * Longest a block may take to render for the capture to use it. The first chunk is at least one block, so a
 * larger block delays it by up to this; in exchange, each block saves a call into JavaScript and node-web-audio-api's
 * event plumbing, which costs the same whatever the block's length (27 s of four saws through a filter, one-shot
 * 39 ms: with a ScriptProcessorNode that does nothing, 59 ms with 2048-frame blocks and 48 ms with 8192).
 */
export const BLOCK_RENDER_BUDGET_MS = 2;

/**
 * The ScriptProcessor block for a suspend-driven render of a patch rendering at `rtf` (wall time / audio time):
 * the largest that renders within BLOCK_RENDER_BUDGET_MS, and the smallest when the speed is not known yet.
 */
export function scriptProcessorBlockFor(rtf: number | undefined, sampleRate: number): Frames {
  let chosen = SCRIPT_PROCESSOR_BLOCK_SIZES[0];
  if (rtf === undefined || !(rtf > 0)) return chosen;
  for (const size of SCRIPT_PROCESSOR_BLOCK_SIZES) if ((size / sampleRate) * rtf * 1000 <= BLOCK_RENDER_BUDGET_MS) chosen = size;
  return chosen;
}

/**
 * The ScriptProcessor block for a suspend-driven render in fixed chunks of `chunkFrames`: the largest that fits in
 * a chunk (no chunk waits for a block that reaches past its end), the smallest for chunks shorter than that. A
 * 4 s chunk (a render to WAV) gets 8192-frame blocks: a quarter of the callbacks of 2048-frame ones.
 */
export function scriptProcessorBlockForChunk(chunkFrames: Frames): Frames {
  let chosen = SCRIPT_PROCESSOR_BLOCK_SIZES[0];
  for (const size of SCRIPT_PROCESSOR_BLOCK_SIZES) if (size <= chunkFrames) chosen = size;
  return chosen;
}

/**
 * Buffer size when the render has no suspend points (a graph with an AudioWorklet): chunks there are cut as
 * blocks arrive, and each block's callback competes for the CPU with the render and worklet threads. Measured
 * on 04-crushed-groove (2 cores, 3 runs each, twice): streamed / one-shot 1.18x and 1.21x with 2048-frame
 * blocks, 1.02x and 0.92x with 8192, the first chunk unchanged (about 110 ms, most of it the worklet's start-up).
 */
export const SCRIPT_PROCESSOR_BUFFER_SIZE_WITHOUT_SUSPENDS: Frames = 8192;

/**
 * A ScriptProcessorNode capture. node-web-audio-api delivers its events asynchronously (the render thread does
 * not wait for JavaScript), so a take waits for the events that cover the requested frames, and each event is
 * checked against its playbackTime: a missing or misplaced block fails the render, it is never filled in.
 */
export class ScriptProcessorCapture implements Capture {
  readonly kind = 'script-processor' as const;
  readonly align: Frames;
  private readonly queue: BlockQueue;
  private node: ScriptProcessorNode | undefined;
  private failure: Error | undefined;
  private waiter: { frame: Frames; resolve: () => void } | undefined;
  private listener: ((framesCaptured: Frames) => void) | undefined;

  constructor(
    private readonly sizing: CaptureSizing,
    readonly bufferSize: Frames = SCRIPT_PROCESSOR_BUFFER_SIZE,
  ) {
    this.align = bufferSize;
    this.queue = new BlockQueue(sizing.channels);
  }

  contextLength(renderFrames: Frames): Frames {
    // Blocks are delivered whole: pad so that the last one completes.
    return Math.ceil(renderFrames / this.bufferSize) * this.bufferSize;
  }

  async attach(ctx: OfflineAudioContext, bus: AudioNode, destination: AudioNode): Promise<void> {
    const { channels, sampleRate } = this.sizing;
    const node = ctx.createScriptProcessor(this.bufferSize, channels, 1);
    node.channelInterpretation = 'speakers';
    // playbackTime is when the processor's output would play: the input block's start + 2 blocks - 1 quantum.
    const lead = 2 * this.bufferSize - RENDER_QUANTUM;
    node.onaudioprocess = (event: AudioProcessingEvent) => {
      const frame = Math.round(event.playbackTime * sampleRate) - lead;
      if (frame !== this.queue.end) {
        this.failure ??= new Error(`script-processor capture lost audio: expected the block at frame ${this.queue.end}, got frame ${frame}`);
      } else {
        const input = event.inputBuffer;
        const block: Float32Array[] = [];
        for (let c = 0; c < channels; c++) block.push(input.getChannelData(c).slice());
        this.queue.push(block);
      }
      this.listener?.(this.queue.end);
      if (this.waiter && (this.queue.end >= this.waiter.frame || this.failure)) {
        const { resolve } = this.waiter;
        this.waiter = undefined;
        resolve();
      }
    };
    bus.connect(node);
    node.connect(destination);
    this.node = node;
  }

  async take(frame: Frames): Promise<Float32Array[][]> {
    if (this.queue.end < frame && !this.failure) {
      await new Promise<void>((resolve) => {
        this.waiter = { frame, resolve };
      });
    }
    if (this.failure) throw this.failure;
    return this.queue.takeBlocksUntil(frame);
  }

  framesCaptured(): Frames {
    return this.queue.end;
  }

  listen(listener: (framesCaptured: Frames) => void): void {
    this.listener = listener;
  }

  wakeAt(): void {
    // Every block already reaches the listener.
  }

  dispose(): void {
    this.listener = undefined;
    if (this.node) {
      this.node.onaudioprocess = null;
      this.node.disconnect();
      releaseScriptProcessor(this.node);
    }
    this.node = undefined;
    if (this.waiter) {
      this.failure ??= new Error('capture disposed');
      this.waiter.resolve();
    }
  }
}
