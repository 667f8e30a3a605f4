import * as assert from 'node:assert/strict';
import { createSeededRandom } from '../../src/engine/seeded-random';

function draw(seed: number, count: number): number[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, () => random());
}

describe('createSeededRandom', () => {
  it('gives the same sequence for the same seed', () => {
    assert.deepEqual(draw(1234, 1000), draw(1234, 1000));
  });

  it('gives unrelated sequences for neighbouring seeds', () => {
    const first = draw(1, 1000);
    const second = draw(2, 1000);
    const equal = first.filter((value, index) => value === second[index]).length;
    assert.ok(equal < 5, `${equal} of 1000 values coincide between seeds 1 and 2`);
  });

  it('returns values in [0, 1) on a 2^-32 grid, like Math.random', () => {
    for (const value of draw(0, 10000)) {
      assert.ok(value >= 0 && value < 1, `value ${value} out of [0, 1)`);
      assert.ok(Number.isInteger(value * 2 ** 32), `value ${value} is not a multiple of 2^-32`);
    }
  });

  it('is uniform: chi-square over 32 bins is below the 0.1 % critical value', () => {
    const bins = new Array<number>(32).fill(0);
    const count = 200000;
    for (const value of draw(7, count)) bins[Math.floor(value * bins.length)] += 1;
    const expected = count / bins.length;
    const chiSquare = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // Critical value of chi-square with 31 degrees of freedom at p = 0.001.
    assert.ok(chiSquare < 61.1, `chi-square ${chiSquare.toFixed(1)} too high: bins ${bins.join(',')}`);
  });

  it('has no noticeable correlation between successive values', () => {
    const values = draw(99, 100000);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    let covariance = 0;
    let variance = 0;
    for (let i = 0; i < values.length; i++) {
      const centred = values[i] - mean;
      variance += centred * centred;
      if (i > 0) covariance += centred * (values[i - 1] - mean);
    }
    const correlation = covariance / variance;
    assert.ok(Math.abs(correlation) < 0.015, `lag-1 correlation ${correlation}`);
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  });

  it('reduces the seed to an unsigned 32-bit integer', () => {
    assert.deepEqual(draw(5, 50), draw(5 + 2 ** 32, 50));
    assert.deepEqual(draw(5, 50), draw(5.75, 50));
    assert.deepEqual(draw(-1, 50), draw(2 ** 32 - 1, 50));
  });

  it('still works from its source text alone, as when injected into an AudioWorkletGlobalScope', () => {
    // The engine injects `(${createSeededRandom.toString()})(seed)` into worklet modules: no outside references.
    const rebuilt = new Function(`return (${createSeededRandom.toString()})(42);`)() as () => number;
    const direct = createSeededRandom(42);
    for (let i = 0; i < 100; i++) assert.equal(rebuilt(), direct());
  });

  it('rejects a seed that is not a finite number', () => {
    assert.throws(() => createSeededRandom(Number.NaN), RangeError);
    assert.throws(() => createSeededRandom(Number.POSITIVE_INFINITY), RangeError);
  });
});
