// The one median every benchmark and the extension's render summary use (src/engine/statistics.ts).
import { strict as assert } from 'node:assert';
import { median } from '../../src/engine/statistics';

describe('median', () => {
  it('takes the middle of an odd count, whatever the order', () => {
    assert.equal(median([9, 1, 5]), 5);
    assert.equal(median([3]), 3);
  });

  it('averages the two middle values of an even count', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([10, 20]), 15);
  });

  it('sorts numerically, not as text, and leaves its input alone', () => {
    const values = [100, 9, 25];
    assert.equal(median(values), 25);
    assert.deepEqual(values, [100, 9, 25]);
  });

  it('gives 0 for an empty list', () => {
    assert.equal(median([]), 0);
  });
});
