// The capture's queue of rendered blocks: what is taken is exactly what was pushed, in order, however the takes
// cut the blocks.
import { strict as assert } from 'node:assert';
import { BlockQueue } from '../../src/engine/capture/capture';

/** A block of `frames` frames on `channels` channels whose samples count up from `start` (channel c adds c * 0.5). */
function block(start: number, frames: number, channels: number): Float32Array[] {
  return Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => start + i + c * 0.5));
}

describe('BlockQueue', () => {
  it('returns every frame once, in order, for takes that cut blocks anywhere', () => {
    const queue = new BlockQueue(2);
    let pushed = 0;
    for (const frames of [128, 2048, 100, 8192, 1, 300]) {
      queue.push(block(pushed, frames, 2));
      pushed += frames;
    }
    const takenFrames: number[][] = [[], []];
    let taken = 0;
    for (const to of [50, 50, 128, 1000, 2176, 2200, 10000, pushed + 99]) {
      const blocks = to % 2 === 0 ? queue.takeBlocksUntil(to) : [queue.takeUntil(to)];
      for (const b of blocks) for (let c = 0; c < 2; c++) takenFrames[c].push(...b[c]);
      taken = Math.max(taken, Math.min(to, pushed));
      assert.equal(takenFrames[0].length, taken, `after the take up to ${to}`);
    }
    assert.deepEqual(takenFrames[0], Array.from({ length: pushed }, (_, i) => i));
    assert.deepEqual(takenFrames[1], Array.from({ length: pushed }, (_, i) => i + 0.5));
    assert.equal(queue.end, pushed);
  });

  it('joins blocks into arrays of their own, and hands a single whole block over as it is', () => {
    const queue = new BlockQueue(1);
    const first = block(0, 64, 1);
    queue.push(first);
    queue.push(block(64, 64, 1));
    const whole = queue.takeUntil(64);
    assert.equal(whole[0], first[0], 'a whole block is not copied');
    queue.push(block(128, 64, 1));
    const part = queue.takeUntil(100);
    const rest = queue.takeUntil(192);
    for (const joined of [part, rest]) {
      assert.equal(joined[0].byteOffset, 0);
      assert.equal(joined[0].byteLength, joined[0].buffer.byteLength, 'owns its whole buffer (transferable)');
    }
    assert.deepEqual([...part[0], ...rest[0]], Array.from({ length: 128 }, (_, i) => 64 + i));
  });
});
