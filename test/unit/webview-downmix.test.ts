import * as assert from 'node:assert/strict';
import { hasSpeakerLayout, stereoDownmix } from '../../src/webview/downmix';

describe('stereo down-mix of channel counts without a speaker layout', () => {
  it('leaves mono, stereo, quad and 5.1 to Web Audio’s speaker rules', () => {
    for (const channels of [1, 2, 4, 6]) {
      assert.equal(hasSpeakerLayout(channels), true);
      assert.equal(stereoDownmix(channels), undefined, `${channels} channels`);
    }
  });

  it('sends every channel of any other count to one side, alternating, as the mean of each side', () => {
    for (const channels of [3, 5, 7, 8, 9, 16, 31, 32]) {
      const gains = stereoDownmix(channels);
      assert.ok(gains, `${channels} channels`);
      assert.equal(gains.length, channels);
      gains.forEach((gain, channel) => {
        assert.ok((gain.left > 0) !== (gain.right > 0), `channel ${channel} of ${channels} is heard on exactly one side`);
        assert.equal(gain.left > 0, channel % 2 === 0, `channel ${channel} of ${channels} on the ${channel % 2 === 0 ? 'left' : 'right'}`);
      });
      const left = gains.reduce((sum, gain) => sum + gain.left, 0);
      const right = gains.reduce((sum, gain) => sum + gain.right, 0);
      assert.ok(Math.abs(left - 1) < 1e-12 && Math.abs(right - 1) < 1e-12, 'each side is a mean: a full-scale signal on every channel stays full scale');
    }
    assert.deepEqual(stereoDownmix(3), [
      { left: 0.5, right: 0 },
      { left: 0, right: 1 },
      { left: 0.5, right: 0 },
    ]);
  });
});
