// Keeps the host-to-webview message path short. A render produces audio much faster than real time (a 30 s
// patch is 5.8 MB in a tenth of a second), and that path is slow in a remote workbench: about 9 MB/s in
// code-server, with every message queued behind the ones before it. Posting a whole render at once left the
// next edit's first chunk waiting behind the previous render's audio. So the render's messages wait here, and
// go out while the audio the webview has not yet acknowledged stays under a window of bytes.

import { MessageType, type ChunkMessage, type ToWebview } from '../shared/protocol';

/** Default window: about 0.7 s of stereo 48 kHz audio; drains in about 30 ms at code-server's rate. */
export const DEFAULT_WINDOW_BYTES = 256 * 1024;

/** Bytes of audio a chunk message carries. */
export function chunkBytes(message: ChunkMessage): number {
  return message.channels.reduce((sum, buffer) => sum + buffer.byteLength, 0);
}

/**
 * An ordered queue of one render's messages to the webview. Chunks are sent while the unacknowledged bytes
 * stay within the window; the first chunk of a render goes at once whatever is in flight, so a new render never
 * waits for an old one's audio. Other messages keep their place behind the chunks queued before them.
 */
export class ChunkPacer {
  private queue: ToWebview[] = [];
  private inFlightBytes = 0;
  private renderId: number | undefined;
  private renderBytesSent = 0;

  constructor(
    private readonly send: (message: ToWebview) => boolean,
    private readonly windowBytes = DEFAULT_WINDOW_BYTES,
  ) {}

  /** Bytes posted and not yet acknowledged by the webview. */
  get unacknowledgedBytes(): number {
    return this.inFlightBytes;
  }

  /** Messages waiting to be posted. */
  get queued(): number {
    return this.queue.length;
  }

  /** Starts a new render: the messages of the previous one that were not posted yet are dropped. */
  begin(renderId: number): void {
    this.queue = [];
    this.renderId = renderId;
    this.renderBytesSent = 0;
  }

  /** Drops whatever waits, as when a render is cancelled. */
  clear(): void {
    this.queue = [];
    this.renderId = undefined;
  }

  /** Forgets the bytes in flight: the webview that should acknowledge them is gone (closed or reloaded). */
  reset(): void {
    this.clear();
    this.inFlightBytes = 0;
  }

  /** Queues a message of the current render and posts what the window allows. */
  push(message: ToWebview): void {
    this.queue.push(message);
    this.pump();
  }

  /** The webview received `bytes` of audio: more may go. */
  acknowledge(bytes: number): void {
    this.inFlightBytes = Math.max(0, this.inFlightBytes - bytes);
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const message = this.queue[0];
      if (message.type === MessageType.Chunk) {
        const bytes = chunkBytes(message);
        const firstOfRender = message.renderId === this.renderId && this.renderBytesSent === 0;
        if (!firstOfRender && this.inFlightBytes + bytes > this.windowBytes && this.inFlightBytes > 0) return;
        this.queue.shift();
        if (!this.send(message)) continue;
        this.inFlightBytes += bytes;
        if (message.renderId === this.renderId) this.renderBytesSent += bytes;
        continue;
      }
      this.queue.shift();
      this.send(message);
    }
  }
}
