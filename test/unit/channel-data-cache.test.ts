// AudioBuffer.getChannelData() returns each channel's array again (src/engine/channel-data-cache.ts), and what the
// arrays show stays as node-web-audio-api has it: a node that acquires a buffer keeps the memory that the arrays
// handed out before see, and the buffer's later arrays are over a copy the node does not hear.
import { strict as assert } from 'node:assert';
import { loadWebAudio } from '../../src/engine/patch-loader';

const SAMPLE_RATE = 8000;

/** The globals a patch sees (set by loadWebAudio). */
function patchGlobals(): { AudioBufferSourceNode: typeof AudioBufferSourceNode; ConvolverNode: typeof ConvolverNode } {
  return globalThis as unknown as { AudioBufferSourceNode: typeof AudioBufferSourceNode; ConvolverNode: typeof ConvolverNode };
}

describe('AudioBuffer channel arrays', () => {
  before(async () => {
    await loadWebAudio();
  });

  it('are returned again, one per channel, and keep the argument checks', async () => {
    const web = await loadWebAudio();
    const buffer = new web.AudioBuffer({ length: 16, numberOfChannels: 2, sampleRate: SAMPLE_RATE });
    const left = buffer.getChannelData(0);
    assert.equal(buffer.getChannelData(0), left);
    assert.notEqual(buffer.getChannelData(1), left);
    left[3] = 0.5;
    assert.equal(buffer.getChannelData(0)[3], 0.5);
    const copied = new Float32Array(16);
    buffer.copyFromChannel(copied, 0);
    assert.equal(copied[3], 0.5, 'the array is the buffer\'s memory');
    assert.throws(() => buffer.getChannelData(2));
    assert.throws(() => buffer.getChannelData(-1));
    assert.throws(() => (buffer.getChannelData as () => Float32Array)());
    assert.throws(() => web.AudioBuffer.prototype.getChannelData.call({}, 0), TypeError);
  });

  for (const acquire of ['option', 'attribute'] as const) {
    it(`are dropped when a source node acquires the buffer by its ${acquire}`, async () => {
      const web = await loadWebAudio();
      const { AudioBufferSourceNode: SourceNode } = patchGlobals();
      const ctx = new web.OfflineAudioContext(1, 128, SAMPLE_RATE);
      const buffer = ctx.createBuffer(1, 128, SAMPLE_RATE);
      const before = buffer.getChannelData(0);
      before[0] = 0.5;
      const source = acquire === 'option' ? new SourceNode(ctx, { buffer }) : ctx.createBufferSource();
      if (acquire === 'attribute') source.buffer = buffer;
      assert.ok(source instanceof SourceNode);
      const after = buffer.getChannelData(0);
      assert.notEqual(after, before, 'a new array after the acquisition');
      assert.equal(buffer.getChannelData(0), after);
      assert.equal(after[0], 0.5, 'the copy holds what was written before');
      after[1] = 0.25; // into the buffer's copy: the node does not hear it
      before[2] = 0.125; // into the memory the node keeps: heard
      source.connect(ctx.destination);
      source.start();
      const rendered = (await ctx.startRendering()).getChannelData(0);
      assert.deepEqual([rendered[0], rendered[1], rendered[2]], [0.5, 0, 0.125]);
    });
  }

  it('are dropped when a convolver acquires the buffer, by option or attribute', async () => {
    const web = await loadWebAudio();
    const { ConvolverNode: Convolver } = patchGlobals();
    const ctx = new web.OfflineAudioContext(1, 128, SAMPLE_RATE);
    const first = ctx.createBuffer(1, 32, SAMPLE_RATE);
    const firstBefore = first.getChannelData(0);
    const convolver = new Convolver(ctx, { buffer: first, disableNormalization: true });
    assert.notEqual(first.getChannelData(0), firstBefore);
    const second = ctx.createBuffer(1, 32, SAMPLE_RATE);
    const secondBefore = second.getChannelData(0);
    convolver.buffer = second;
    assert.notEqual(second.getChannelData(0), secondBefore);
    assert.ok(ctx.createConvolver() instanceof Convolver);
  });
});
