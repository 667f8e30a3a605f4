import * as assert from 'node:assert/strict';
import { RenderBuffer } from '../../src/webview/render-buffer';
import { sineChunk } from './clock-context';

describe('RenderBuffer', () => {
  it('keeps chunks contiguous and reads within one chunk', () => {
    const buffer = new RenderBuffer(7);
    buffer.add(0, 48000, sineChunk(0, 100, 48000));
    buffer.add(100, 48000, sineChunk(100, 50, 48000));
    assert.equal(buffer.framesAvailable, 150);
    const span = buffer.read(90, 1000);
    assert.ok(span);
    assert.equal(span.startFrame, 90);
    assert.equal(span.frames, 10, 'stops at the chunk boundary');
    assert.deepEqual(span.channels[1], sineChunk(0, 100, 48000)[1].subarray(90));
    assert.equal(buffer.read(100, 20)?.frames, 20);
    assert.equal(buffer.read(150, 10), undefined);
  });

  it('rejects a chunk that does not start where the last ended', () => {
    const buffer = new RenderBuffer(1);
    buffer.add(0, 48000, sineChunk(0, 64, 48000));
    assert.throws(() => buffer.add(128, 48000, sineChunk(128, 64, 48000)), /starts at frame 128, expected 64/);
  });

  it('knows when it is growing, complete, cancelled', () => {
    const buffer = new RenderBuffer(1);
    assert.equal(buffer.growing, true);
    buffer.add(0, 44100, sineChunk(0, 10, 44100));
    buffer.finish('cancelled');
    assert.equal(buffer.growing, false);
    assert.equal(buffer.complete, false);
    buffer.finish('complete');
    assert.equal(buffer.end, 'cancelled', 'the first end wins');
  });

  it('drops whole chunks before a frame, keeps the newest, and reads nothing dropped', () => {
    const buffer = new RenderBuffer(1);
    for (let start = 0; start < 400; start += 100) buffer.add(start, 48000, sineChunk(start, 100, 48000));
    assert.equal(buffer.dropBefore(150), 100, 'only the chunk that ends by frame 150');
    assert.equal(buffer.firstFrame, 100);
    assert.equal(buffer.framesKept, 300);
    assert.equal(buffer.read(99, 10), undefined);
    assert.equal(buffer.read(100, 10)?.startFrame, 100);
    assert.equal(buffer.dropBefore(10_000), 200, 'the newest chunk stays');
    assert.equal(buffer.firstFrame, 300);
    assert.equal(buffer.chunkCount, 1);
    buffer.add(400, 48000, sineChunk(400, 100, 48000));
    assert.equal(buffer.framesAvailable, 500);
    assert.deepEqual(buffer.read(450, 10)?.channels[0], sineChunk(400, 100, 48000)[0].subarray(50, 60));
  });
});
