// Keeps the host-to-webview message path short. A render produces audio much faster than real time (a 30 s
// patch is 5.8 MB in a tenth of a second), and that path is slow in a remote workbench: about 9 MB/s in
// code-server, with every message queued behind the ones before it. Posting a whole render at once left the
// next edit's first chunk waiting behind the previous render's audio. So the render's messages wait here, and
// go out while the audio the webview has not yet acknowledged stays under a window of bytes.

import {
  chunkBytes,
  MessageType,
  type RenderCancelledMessage,
  type RenderEndMessage,
  type RenderErrorMessage,
  type ToWebview,
} from '../shared/protocol';

/** Default window: about 0.7 s of stereo 48 kHz audio; drains in about 30 ms at code-server's rate. */
export const DEFAULT_WINDOW_BYTES = 256 * 1024;

/**
 * Audio queued here beyond which the render is asked to wait (see `whenRoom`): a render runs far faster than the
 * path to the webview, and without a bound an hour-long patch would queue its whole output (1.4 GB of stereo) in
 * the extension host. 8 MiB is about 22 s of stereo 48 kHz audio, many times the window.
 */
export const DEFAULT_QUEUE_LIMIT_BYTES = 8 * 1024 * 1024;

/** Messages after which the webview expects nothing more of a render. */
function endsRender(message: ToWebview): message is RenderEndMessage | RenderErrorMessage | RenderCancelledMessage {
  return message.type === MessageType.RenderEnd || message.type === MessageType.RenderError || message.type === MessageType.RenderCancelled;
}

/**
 * An ordered queue of one render's messages to the webview. Chunks are sent while the unacknowledged bytes
 * stay within the window; the first chunk of a render goes at once whatever is in flight, so a new render never
 * waits for an old one's audio. Other messages keep their place behind the chunks queued before them. Every
 * render begun here ends in the webview: when its end would be dropped, `RenderCancelled` goes instead.
 */
export class ChunkPacer {
  private queue: ToWebview[] = [];
  private queuedBytes = 0;
  private inFlightBytes = 0;
  private renderId: number | undefined;
  private renderBytesSent = 0;
  /** True once the current render's end (complete, failed or cancelled) was posted. */
  private renderEndSent = false;
  private roomWaiters: (() => void)[] = [];

  constructor(
    private readonly send: (message: ToWebview) => boolean,
    private readonly windowBytes = DEFAULT_WINDOW_BYTES,
    private readonly queueLimitBytes = DEFAULT_QUEUE_LIMIT_BYTES,
  ) {}

  /** Bytes of audio waiting here to be posted. */
  get queuedAudioBytes(): number {
    return this.queuedBytes;
  }

  /**
   * Resolves once the audio waiting here is under the queue limit (at once if it is), or when the queue is
   * dropped: the live render returns it from its chunk callback, so the render worker waits instead of this
   * process holding the render's audio.
   */
  whenRoom(): Promise<void> {
    if (this.queuedBytes < this.queueLimitBytes) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Bytes posted and not yet acknowledged by the webview. */
  get unacknowledgedBytes(): number {
    return this.inFlightBytes;
  }

  /** Messages waiting to be posted. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Starts a new render: the messages of the previous one that were not posted yet are dropped, and if its end
   * was among them (it completed on the host while its audio still waited here), it is posted as cancelled.
   */
  begin(renderId: number): void {
    this.endCurrent();
    this.renderId = renderId;
    this.renderBytesSent = 0;
    this.renderEndSent = false;
  }

  /** Drops whatever waits and posts the current render as cancelled unless its end was posted. */
  clear(): void {
    this.endCurrent();
    this.renderId = undefined;
  }

  private endCurrent(): void {
    this.drop();
    const renderId = this.renderId;
    // Dropping the render's end would leave the webview waiting for the rest of it for ever.
    if (renderId === undefined || this.renderEndSent) return;
    this.renderEndSent = true;
    this.send({ type: MessageType.RenderCancelled, renderId });
  }

  private drop(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    if (this.queuedBytes >= this.queueLimitBytes) return;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /** Forgets the queue and the bytes in flight: the webview that should receive and acknowledge them is gone (closed or reloaded). */
  reset(): void {
    this.drop();
    this.renderId = undefined;
    this.inFlightBytes = 0;
  }

  /** Queues a message of the current render and posts what the window allows. */
  push(message: ToWebview): void {
    this.queue.push(message);
    if (message.type === MessageType.Chunk) this.queuedBytes += chunkBytes(message);
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
        this.queuedBytes -= bytes;
        this.wakeRoomWaiters();
        if (!this.send(message)) continue;
        this.inFlightBytes += bytes;
        if (message.renderId === this.renderId) this.renderBytesSent += bytes;
        continue;
      }
      this.queue.shift();
      if (endsRender(message) && message.renderId === this.renderId) this.renderEndSent = true;
      this.send(message);
    }
  }
}
