import * as assert from 'node:assert/strict';
import { ChunkPacer } from '../../src/extension/chunk-pacer';
import { chunkBytes, MessageType, type ChunkMessage, type ToWebview } from '../../src/shared/protocol';

const WINDOW = 64 * 1024;
const QUEUE_LIMIT = 128 * 1024;

function chunk(renderId: number, startFrame: number, frames: number): ChunkMessage {
  return { type: MessageType.Chunk, renderId, startFrame, frames, sampleRate: 48000, channels: [new ArrayBuffer(frames * 4)], postedAt: 0 };
}

/** A pacer whose posts land in `sent`; `open` false makes posting fail, as when the preview is not ready. */
function setup(): { pacer: ChunkPacer; sent: ToWebview[]; state: { open: boolean } } {
  const sent: ToWebview[] = [];
  const state = { open: true };
  const pacer = new ChunkPacer((message) => {
    if (!state.open) return false;
    sent.push(message);
    return true;
  }, WINDOW, QUEUE_LIMIT);
  return { pacer, sent, state };
}

/** Acknowledges every posted chunk not acknowledged yet, in order, as the webview would. */
function acknowledgeAll(pacer: ChunkPacer, sent: ToWebview[], from: number): number {
  let index = from;
  while (index < sent.length) {
    const message = sent[index++];
    if (message.type === MessageType.Chunk) pacer.acknowledge(chunkBytes(message));
  }
  return index;
}

function end(renderId: number): ToWebview {
  return { type: MessageType.RenderEnd, renderId, summary: { capture: 'script-processor', chunks: 10, rtf: 0.01, probeRtf: 0.01, firstChunkMs: 5, totalMs: 50, medianChunkFrames: 4096 } };
}

describe('ChunkPacer', () => {
  it('holds audio beyond the window until the webview acknowledges it, and keeps the order', () => {
    const { pacer, sent } = setup();
    pacer.begin(1);
    for (let i = 0; i < 10; i++) pacer.push(chunk(1, i * 4096, 4096)); // 16 KiB each
    pacer.push({ type: MessageType.RenderEnd, renderId: 1, summary: { capture: 'script-processor', chunks: 10, rtf: 0.01, probeRtf: 0.01, firstChunkMs: 5, totalMs: 50, medianChunkFrames: 4096 } });
    assert.equal(sent.length, 4, 'four 16 KiB chunks fill the 64 KiB window');
    assert.equal(pacer.unacknowledgedBytes, WINDOW);
    assert.equal(pacer.queued, 7);

    let acknowledged = 0;
    while (pacer.queued > 0) {
      const before = sent.length;
      acknowledged = acknowledgeAll(pacer, sent, acknowledged);
      assert.ok(sent.length > before, 'each acknowledgement lets more through');
      assert.ok(pacer.unacknowledgedBytes <= WINDOW);
    }
    const frames = sent.filter((m): m is ChunkMessage => m.type === MessageType.Chunk).map((m) => m.startFrame);
    assert.deepEqual(frames, Array.from({ length: 10 }, (_, i) => i * 4096));
    assert.equal(sent.at(-1)?.type, MessageType.RenderEnd, 'the end comes after every chunk');
  });

  it('posts the first chunk of a new render at once, dropping what the old render had queued', () => {
    const { pacer, sent } = setup();
    pacer.begin(1);
    for (let i = 0; i < 10; i++) pacer.push(chunk(1, i * 4096, 4096));
    assert.equal(pacer.queued, 6);
    pacer.begin(2);
    assert.equal(pacer.queued, 0, 'the old render waits no more');
    pacer.push(chunk(2, 0, 2048));
    assert.deepEqual(
      sent.slice(-2).map((m) => (m.type === MessageType.Chunk ? [m.renderId, m.startFrame] : [m.type, 'renderId' in m ? m.renderId : undefined])),
      [[MessageType.RenderCancelled, 1], [2, 0]],
      'the old render is told cancelled, and the new render is not held behind the window the old one filled',
    );
    pacer.push(chunk(2, 2048, 4096));
    assert.equal(sent.length, 6, "the new render's next chunk waits for the window");
    pacer.acknowledge(WINDOW);
    assert.equal(sent.length, 7);
  });

  it('posts a completed render as cancelled when a new render drops its end, so the webview stops waiting for it', () => {
    const { pacer, sent } = setup();
    pacer.begin(1);
    for (let i = 0; i < 10; i++) pacer.push(chunk(1, i * 4096, 4096));
    pacer.push(end(1));
    assert.equal(pacer.queued, 7, 'the render completed on the host; six chunks and its end wait here');
    pacer.begin(2);
    const ends = sent.filter((m) => m.type === MessageType.RenderEnd || m.type === MessageType.RenderCancelled);
    assert.deepEqual(ends, [{ type: MessageType.RenderCancelled, renderId: 1 }], 'render 1 ends as cancelled, once');
    pacer.clear();
    assert.deepEqual(sent.at(-1), { type: MessageType.RenderCancelled, renderId: 2 }, 'a render cleared before its end is cancelled');
    pacer.clear();
    pacer.begin(3);
    assert.equal(sent.filter((m) => m.type === MessageType.RenderCancelled).length, 2, 'each render ends once');
  });

  it('posts nothing more for a render whose end went out, and nothing to a replaced webview', () => {
    const { pacer, sent } = setup();
    pacer.begin(1);
    pacer.push(chunk(1, 0, 4096));
    pacer.push(end(1));
    pacer.begin(2);
    pacer.push({ type: MessageType.RenderError, renderId: 2, error: { kind: 'compile', message: 'Unexpected token', file: '/p/a.synth.js' } });
    pacer.clear();
    pacer.begin(3);
    pacer.push(chunk(3, 0, 4096));
    pacer.reset();
    pacer.begin(4);
    assert.deepEqual(
      sent.map((m) => m.type),
      [MessageType.Chunk, MessageType.RenderEnd, MessageType.RenderError, MessageType.Chunk],
      'no RenderCancelled: each render’s end was posted, or its webview is gone',
    );
  });

  it('sends a message that is not audio at once when no audio waits before it', () => {
    const { pacer, sent } = setup();
    pacer.begin(3);
    pacer.push({ type: MessageType.RenderError, renderId: 3, error: { kind: 'compile', message: 'Unexpected token', file: '/p/a.synth.js', line: 2, column: 5 } });
    assert.equal(sent.length, 1);
    assert.equal(pacer.queued, 0);
  });

  it('lets one chunk larger than the window through when nothing is in flight', () => {
    const { pacer, sent } = setup();
    pacer.begin(1);
    pacer.push(chunk(1, 0, 1024));
    pacer.push(chunk(1, 1024, 48000)); // 188 KiB, three windows
    assert.equal(sent.length, 1);
    pacer.acknowledge(4096);
    assert.equal(sent.length, 2, 'a chunk larger than the window goes once the pipe is empty');
  });

  it('forgets the bytes in flight when the webview is replaced, and drops what a closed preview cannot take', () => {
    const { pacer, sent, state } = setup();
    pacer.begin(1);
    for (let i = 0; i < 6; i++) pacer.push(chunk(1, i * 4096, 4096));
    assert.equal(pacer.unacknowledgedBytes, WINDOW);
    pacer.reset();
    assert.equal(pacer.unacknowledgedBytes, 0);
    assert.equal(pacer.queued, 0);
    state.open = false;
    pacer.begin(2);
    pacer.push(chunk(2, 0, 4096));
    pacer.push(chunk(2, 4096, 4096));
    assert.equal(pacer.unacknowledgedBytes, 0, 'nothing counted in flight that was never posted');
    assert.equal(pacer.queued, 0);
    assert.equal(sent.length, 4);
  });

  it('asks the render to wait while more than the queue limit waits here, and lets it go as the webview takes audio', async () => {
    const { pacer, sent } = setup();
    pacer.begin(1);
    for (let i = 0; i < 20; i++) pacer.push(chunk(1, i * 4096, 4096)); // 16 KiB each: 4 posted, 256 KiB queued
    assert.equal(pacer.queuedAudioBytes, 16 * 16 * 1024);
    let released = false;
    const waiting = pacer.whenRoom().then(() => (released = true));
    // The webview takes one chunk at a time; each acknowledgement lets one more go out of the queue.
    for (let taken = 0; taken < 20 && !released; taken++) {
      pacer.acknowledge(16 * 1024);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waiting;
    assert.equal(sent.length, 4 + 9, 'released when the ninth chunk left the queue: 7 chunks (112 KiB) still wait');
    assert.equal(pacer.queuedAudioBytes, 7 * 16 * 1024);
    await pacer.whenRoom();
  });

  it('lets a waiting render go when its queue is dropped (a new render, a closed preview)', async () => {
    const { pacer } = setup();
    pacer.begin(1);
    for (let i = 0; i < 20; i++) pacer.push(chunk(1, i * 4096, 4096));
    const first = pacer.whenRoom();
    pacer.begin(2);
    await first;
    for (let i = 0; i < 20; i++) pacer.push(chunk(2, i * 4096, 4096));
    const second = pacer.whenRoom();
    pacer.reset();
    await second;
    assert.equal(pacer.queuedAudioBytes, 0);
  });
});
