import { BlockQueue, type Capture, type CaptureSizing } from './capture';
import { RENDER_QUANTUM, type Frames } from '../units';
import { resetRaisedThreadPriorities } from '../thread-priority';

/** Frames the shared ring holds; the processor waits for the reader when it is full. */
const RING_FRAMES: Frames = 1 << 15;

/** Header slots (BigInt64): frames written, frames read, frame count at which to wake the reader. */
const WRITTEN = 0;
const READ = 1;
const WAKE = 2;
const HEADER_BYTES = 24;
const SIGNAL_BYTES = 8;

/**
 * The processor: copies each render quantum of its input into a shared single-producer ring. When the ring is
 * half full it wakes the reader; when full it waits for it (the render thread waits with it, so nothing is lost).
 */
const CAPTURE_PROCESSOR_SOURCE = `
class PatchscopeCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { buffer, channels, capacity } = options.processorOptions;
    this.header = new BigInt64Array(buffer, 0, 3);
    this.woken = 0;
    this.signal = new Int32Array(buffer, ${HEADER_BYTES}, 1);
    this.data = new Float32Array(buffer, ${HEADER_BYTES + SIGNAL_BYTES}, channels * capacity);
    this.channels = channels;
    this.capacity = capacity;
    this.position = 0;
  }
  process(inputs) {
    const input = inputs[0];
    const frames = input.length > 0 ? input[0].length : 128;
    while (this.position + frames - Number(Atomics.load(this.header, ${READ})) > this.capacity) {
      Atomics.add(this.signal, 0, 1);
      Atomics.notify(this.signal, 0);
      const read = Atomics.load(this.header, ${READ});
      Atomics.wait(this.header, ${READ}, read, 50);
    }
    const offset = this.position % this.capacity;
    for (let c = 0; c < this.channels; c++) {
      const base = c * this.capacity + offset;
      const samples = input[c];
      if (samples) this.data.set(samples, base);
      else this.data.fill(0, base, base + frames);
    }
    this.position += frames;
    Atomics.store(this.header, ${WRITTEN}, BigInt(this.position));
    const wake = Number(Atomics.load(this.header, ${WAKE}));
    const wakeDue = wake > this.woken && this.position >= wake;
    if (wakeDue) this.woken = wake;
    if (wakeDue || this.position - Number(Atomics.load(this.header, ${READ})) >= this.capacity / 2) {
      Atomics.add(this.signal, 0, 1);
      Atomics.notify(this.signal, 0);
    }
    return true;
  }
}
registerProcessor('patchscope-capture', PatchscopeCaptureProcessor);
`;

/** The reference capture: an AudioWorkletNode writing every quantum into a SharedArrayBuffer ring. */
export class WorkletCapture implements Capture {
  readonly kind = 'worklet' as const;
  readonly align = RENDER_QUANTUM;
  private readonly buffer: SharedArrayBuffer;
  private readonly header: BigInt64Array;
  private readonly signal: Int32Array;
  private readonly ring: Float32Array;
  private readonly queue: BlockQueue;
  private node: AudioWorkletNode | undefined;
  private draining = false;
  private listener: ((framesCaptured: Frames) => void) | undefined;

  constructor(
    private readonly sizing: CaptureSizing,
    private readonly WorkletNode: typeof AudioWorkletNode,
  ) {
    this.buffer = new SharedArrayBuffer(HEADER_BYTES + SIGNAL_BYTES + sizing.channels * RING_FRAMES * 4);
    this.header = new BigInt64Array(this.buffer, 0, 3);
    this.signal = new Int32Array(this.buffer, HEADER_BYTES, 1);
    this.ring = new Float32Array(this.buffer, HEADER_BYTES + SIGNAL_BYTES, sizing.channels * RING_FRAMES);
    this.queue = new BlockQueue(sizing.channels);
  }

  contextLength(renderFrames: Frames): Frames {
    return renderFrames;
  }

  async attach(ctx: OfflineAudioContext, bus: AudioNode, destination: AudioNode): Promise<void> {
    const url = URL.createObjectURL(new Blob([CAPTURE_PROCESSOR_SOURCE], { type: 'text/javascript' }));
    try {
      await ctx.audioWorklet.addModule(url);
      resetRaisedThreadPriorities();
      setTimeout(resetRaisedThreadPriorities, 5);
    } finally {
      URL.revokeObjectURL(url);
    }
    this.node = new this.WorkletNode(ctx, 'patchscope-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: this.sizing.channels,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: { buffer: this.buffer, channels: this.sizing.channels, capacity: RING_FRAMES },
    });
    bus.connect(this.node);
    this.node.connect(destination);
    this.draining = true;
    void this.drainWhenSignalled();
  }

  /** Moves everything written so far from the shared ring into the queue and frees the ring. */
  private drain(): void {
    const written = Number(Atomics.load(this.header, WRITTEN));
    let read = this.queue.end;
    while (read < written) {
      const offset = read % RING_FRAMES;
      const length = Math.min(written - read, RING_FRAMES - offset);
      const block: Float32Array[] = [];
      for (let c = 0; c < this.sizing.channels; c++) block.push(this.ring.slice(c * RING_FRAMES + offset, c * RING_FRAMES + offset + length));
      this.queue.push(block);
      read += length;
    }
    Atomics.store(this.header, READ, BigInt(read));
    Atomics.notify(this.header, READ);
    if (read > 0) this.listener?.(read);
  }

  private async drainWhenSignalled(): Promise<void> {
    while (this.draining) {
      const seen = Atomics.load(this.signal, 0);
      const waited = Atomics.waitAsync(this.signal, 0, seen, 100);
      if (waited.async) await waited.value;
      if (this.draining) this.drain();
    }
  }

  async take(frame: Frames): Promise<Float32Array[][]> {
    this.drain();
    // The render thread waits for the processor every quantum, so a suspended context has written up to `frame`.
    if (this.queue.end < frame) throw new Error(`worklet capture is behind: ${this.queue.end} of ${frame} frames written`);
    return this.queue.takeBlocksUntil(frame);
  }

  framesCaptured(): Frames {
    return Number(Atomics.load(this.header, WRITTEN));
  }

  listen(listener: (framesCaptured: Frames) => void): void {
    this.listener = listener;
  }

  wakeAt(frame: Frames): void {
    Atomics.store(this.header, WAKE, BigInt(frame));
  }

  dispose(): void {
    this.draining = false;
    this.listener = undefined;
    this.node?.disconnect();
    this.node?.port.close();
    this.node = undefined;
  }
}
