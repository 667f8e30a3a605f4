import { strict as assert } from 'node:assert';
import { BLOCK_RENDER_BUDGET_MS, SCRIPT_PROCESSOR_BLOCK_SIZES, scriptProcessorBlockFor, scriptProcessorBlockForChunk } from '../../src/engine/capture/script-processor-capture';
import { AdaptiveChunkEmitter, chunkForRtf, planSuspendFrames, resolveChunkPolicy } from '../../src/engine/chunk-planner';

describe('chunk planner', () => {
  const rate = 48000;

  it('places fixed chunks on their boundaries, aligned up to the capture block', () => {
    const policy = resolveChunkPolicy({ chunk: 0.0123 }, rate);
    assert.deepEqual(policy, { mode: 'fixed', chunkFrames: 590 });
    const points = planSuspendFrames(policy, 5000, rate, 128);
    assert.deepEqual(points, [640, 1280, 1792, 2432, 3072, 3584, 4224, 4736]);
    for (const p of points) assert.equal(p % 128, 0);
  });

  it('keeps every point inside the render and strictly increasing', () => {
    for (const chunk of [0.0123, 0.25, 1.7, 'auto' as const]) {
      const points = planSuspendFrames(resolveChunkPolicy({ chunk }, rate), 1_000_000, rate, 2048);
      for (let i = 0; i < points.length; i++) {
        assert.ok(points[i] > 0 && points[i] < 1_000_000);
        if (i > 0) assert.ok(points[i] > points[i - 1]);
        assert.equal(points[i] % 2048, 0);
      }
    }
  });

  it('ramps up by doubling from the smallest chunk when the speed is unknown', () => {
    const policy = resolveChunkPolicy({ chunk: 'auto', minChunk: 1024 / rate, maxChunk: 8192 / rate }, rate);
    const points = planSuspendFrames(policy, 40_000, rate, 1024);
    assert.deepEqual(points.slice(0, 5), [1024, 3072, 7168, 15360, 23552]);
  });

  it('plans a grid at half the ideal chunk once the speed is known', () => {
    const policy = resolveChunkPolicy({ chunk: 'auto', targetLatency: 0.05, minChunk: 0.02, maxChunk: 4, knownRtf: 0.1 }, rate);
    assert.equal(policy.mode, 'auto');
    if (policy.mode !== 'auto') return;
    const ideal = chunkForRtf(policy, 0.1, rate);
    assert.equal(ideal, 24000);
    const points = planSuspendFrames(policy, 240_000, rate, 128);
    const steady = points.slice(-3);
    assert.equal(steady[2] - steady[1], Math.ceil(12000 / 128) * 128);
  });

  it('plans a grid at the largest chunk for a patch that renders it in under half the target latency', () => {
    // RTF 0.005: the ideal chunk is 10 s, so half of it is still above the 4 s largest chunk.
    const policy = resolveChunkPolicy({ chunk: 'auto', targetLatency: 0.05, minChunk: 0.02, maxChunk: 4, knownRtf: 0.005 }, rate);
    const points = planSuspendFrames(policy, 60 * rate, rate, 2048);
    const steps = points.slice(1).map((point, i) => point - points[i]);
    assert.equal(Math.max(...steps), Math.ceil((4 * rate) / 2048) * 2048);
    assert.equal(steps.slice(-5).every((step) => step === Math.ceil((4 * rate) / 2048) * 2048), true);
  });

  it('clamps the ideal chunk to the bounds', () => {
    const policy = resolveChunkPolicy({ chunk: 'auto', minChunk: 0.02, maxChunk: 4 }, rate);
    if (policy.mode !== 'auto') throw new Error('auto expected');
    assert.equal(chunkForRtf(policy, 1e-6, rate), 4 * rate);
    assert.equal(chunkForRtf(policy, 100, rate), 0.02 * rate);
  });

  it('rejects a non-positive chunk', () => {
    assert.throws(() => resolveChunkPolicy({ chunk: 0 }, rate), /positive/);
    assert.throws(() => resolveChunkPolicy({ chunk: Number.NaN }, rate), /positive/);
  });

  it('emits the probe at once, then waits until the pending audio reaches the target', () => {
    const policy = resolveChunkPolicy({ chunk: 'auto', targetLatency: 0.05, minChunk: 0.02, maxChunk: 4 }, rate);
    const emitter = new AdaptiveChunkEmitter(policy, rate);
    assert.equal(emitter.shouldEmit(1024, 0, 2048), true);
    // 1024 frames in 2 ms: RTF ~0.094, target ~ 0.05 / 0.094 s = 25600 frames.
    emitter.observe(1024, 2);
    const target = emitter.targetChunkFrames;
    assert.ok(target > 20000 && target < 30000, `target ${target}`);
    assert.equal(emitter.shouldEmit(2048, 1, 2048), false);
    assert.equal(emitter.shouldEmit(target, 1, 2048), true);
    assert.equal(emitter.shouldEmit(10, 1, undefined), true, 'the last point always emits');
  });

  it('shrinks the target when the patch gets slower', () => {
    const policy = resolveChunkPolicy({ chunk: 'auto', targetLatency: 0.05, minChunk: 0.02, maxChunk: 4 }, rate);
    const emitter = new AdaptiveChunkEmitter(policy, rate);
    emitter.observe(4800, 1);
    const fast = emitter.targetChunkFrames;
    emitter.observe(4800, 50);
    emitter.observe(4800, 50);
    assert.ok(emitter.targetChunkFrames < fast / 4, `${emitter.targetChunkFrames} vs ${fast}`);
  });
});

describe('capture block sizing', () => {
  it('uses the smallest block until the speed is known, then the largest that renders within the budget', () => {
    assert.equal(scriptProcessorBlockFor(undefined, 48000), SCRIPT_PROCESSOR_BLOCK_SIZES[0]);
    assert.equal(scriptProcessorBlockFor(0, 48000), SCRIPT_PROCESSOR_BLOCK_SIZES[0]);
    // 8192 frames at 48 kHz are 171 ms of audio: 0.17 ms to render at RTF 0.001, 2.6 ms at 0.015.
    assert.equal(scriptProcessorBlockFor(0.001, 48000), 8192);
    assert.equal(scriptProcessorBlockFor(0.015, 48000), 4096);
    assert.equal(scriptProcessorBlockFor(0.05, 48000), 2048);
    // The same speed at 96 kHz: blocks are half as long in time, so a larger one fits.
    assert.equal(scriptProcessorBlockFor(0.015, 96000), 8192);
    for (const rtf of [0.001, 0.005, 0.015, 0.03]) {
      const block = scriptProcessorBlockFor(rtf, 48000);
      assert.ok(block === SCRIPT_PROCESSOR_BLOCK_SIZES[0] || (block / 48000) * rtf * 1000 <= BLOCK_RENDER_BUDGET_MS);
    }
  });

  it('gives fixed chunks the largest block that fits in one, and the smallest to chunks shorter than every block', () => {
    assert.equal(scriptProcessorBlockForChunk(4 * 48000), 8192);
    assert.equal(scriptProcessorBlockForChunk(8192), 8192);
    assert.equal(scriptProcessorBlockForChunk(8191), 4096);
    assert.equal(scriptProcessorBlockForChunk(5000), 4096);
    assert.equal(scriptProcessorBlockForChunk(3000), 2048);
    assert.equal(scriptProcessorBlockForChunk(1000), SCRIPT_PROCESSOR_BLOCK_SIZES[0]);
  });
});
