import * as assert from 'node:assert/strict';
import {
  COLORMAP_NAMES,
  COLORMAP_SIZE,
  DEFAULT_DB_RANGE,
  colormap,
  entryLuminance,
  levelIndex,
} from '../../src/engine/colormap';
import { FREQUENCY_SCALES, FrequencyScale, formatHertz, hertzToMel, melToHertz } from '../../src/engine/spectrogram-scale';

const sampleRate = 48000;
const fftSize = 4096;

describe('spectrogram-scale', () => {
  it('maps rows to strictly rising frequencies, and back', () => {
    for (const kind of FREQUENCY_SCALES) {
      const scale = new FrequencyScale({ kind, rows: 600, sampleRate, fftSize });
      for (let row = 1; row < scale.rows; row++) {
        assert.ok(scale.rowFrequency(row) > scale.rowFrequency(row - 1), `${kind}: row ${row}`);
      }
      for (const position of [0, 0.1, 0.5, 0.93, 1]) {
        assert.ok(Math.abs(scale.positionOf(scale.frequencyAt(position)) - position) < 1e-9, `${kind} at ${position}`);
      }
      assert.equal(scale.frequencyAt(1), sampleRate / 2);
      assert.equal(scale.rowOf(scale.rowFrequency(123)), 123);
      assert.equal(scale.rowOf(sampleRate), -1);
    }
    const log = new FrequencyScale({ kind: 'log', rows: 600, sampleRate, fftSize });
    assert.equal(log.frequencyAt(0), 20);
    // Each decade takes the same height on a log axis.
    const decade = log.positionOf(1000) - log.positionOf(100);
    assert.ok(Math.abs(log.positionOf(10000) - log.positionOf(1000) - decade) < 1e-12);
    assert.ok(Math.abs(melToHertz(hertzToMel(1234.5)) - 1234.5) < 1e-9);
    assert.ok(Math.abs(hertzToMel(1000) - 1000) < 0.1, 'mel(1 kHz) is about 1000');
  });

  it('labels the log axis 20, 50, 100, 200, 500, 1k, 2k, 5k, 10k, 20k', () => {
    const scale = new FrequencyScale({ kind: 'log', rows: 600, sampleRate, fftSize });
    const ticks = scale.ticks(20);
    assert.deepEqual(
      ticks.map((t) => t.label),
      ['20', '50', '100', '200', '500', '1k', '2k', '5k', '10k', '20k'],
    );
    for (const tick of ticks) assert.ok(Math.abs(scale.frequencyAt(tick.position / scale.rows) - tick.frequency) < 1e-6);
  });

  it('thins labels to keep them apart, and uses even 1-2-5 steps on a linear axis', () => {
    for (const kind of FREQUENCY_SCALES) {
      const scale = new FrequencyScale({ kind, rows: 300, sampleRate, fftSize });
      const ticks = scale.ticks(28);
      assert.ok(ticks.length >= 3, `${kind}: ${ticks.length} ticks`);
      for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i].position - ticks[i - 1].position >= 28, `${kind} spacing`);
    }
    const linear = new FrequencyScale({ kind: 'linear', rows: 600, sampleRate, fftSize });
    const ticks = linear.ticks(40);
    const step = ticks[1].frequency - ticks[0].frequency;
    assert.ok([1000, 2000, 5000].includes(step), `step ${step}`);
    assert.ok(ticks.every((t) => t.frequency % step === 0));
  });

  it('formats Hz labels', () => {
    assert.deepEqual(
      [20, 500, 1000, 1500, 2000, 10000, 20000].map(formatHertz),
      ['20', '500', '1k', '1.5k', '2k', '10k', '20k'],
    );
  });

  it('samples a spectrum: a lone hot bin lights the row of its frequency', () => {
    for (const kind of FREQUENCY_SCALES) {
      const scale = new FrequencyScale({ kind, rows: 500, sampleRate, fftSize });
      for (const bin of [12, 100, 700, 1500]) {
        const frame = new Float32Array(fftSize / 2 + 1).fill(-120);
        frame[bin] = 0;
        const rows = new Float32Array(scale.rows);
        scale.sample(frame, rows);
        const loudest = rows.indexOf(Math.max(...rows));
        const expected = scale.rowOf((bin * sampleRate) / fftSize);
        assert.ok(Math.abs(loudest - expected) <= 1, `${kind} bin ${bin}: row ${loudest}, expected ${expected}`);
      }
    }
  });
});

describe('colormap', () => {
  it('builds 256-entry maps that get brighter from first to last entry', () => {
    for (const name of COLORMAP_NAMES) {
      const map = colormap(name);
      assert.equal(map.rgb.length, COLORMAP_SIZE * 3);
      let previous = -1;
      for (let i = 0; i < COLORMAP_SIZE; i++) {
        const luminance = entryLuminance(map, i);
        assert.ok(luminance >= previous - 1e-3, `${name}: entry ${i} is darker than entry ${i - 1}`);
        previous = Math.max(previous, luminance);
      }
      assert.ok(entryLuminance(map, 0) < 0.05, `${name} starts dark`);
      assert.ok(entryLuminance(map, 255) > 0.6, `${name} ends bright`);
    }
    assert.deepEqual([...colormap('grayscale').rgb.subarray(0, 3)], [0, 0, 0]);
    assert.deepEqual([...colormap('grayscale').rgb.subarray(765)], [255, 255, 255]);
  });

  it('has no jumps: neighbouring entries are close', () => {
    for (const name of COLORMAP_NAMES) {
      const { rgb } = colormap(name);
      for (let i = 3; i < rgb.length; i++) assert.ok(Math.abs(rgb[i] - rgb[i - 3]) <= 8, `${name} entry ${Math.floor(i / 3)}`);
    }
  });

  it('maps levels linearly over the fixed dB range, clamped', () => {
    const range = DEFAULT_DB_RANGE;
    assert.equal(levelIndex(-100, range), 0);
    assert.equal(levelIndex(-200, range), 0);
    assert.equal(levelIndex(Number.NaN, range), 0);
    assert.equal(levelIndex(0, range), 255);
    assert.equal(levelIndex(12, range), 255);
    assert.equal(levelIndex(-50, range), 128);
    assert.equal(levelIndex(-60, { min: -60, max: -20 }), 0);
    for (let db = -100; db < 0; db += 0.5) assert.ok(levelIndex(db + 0.5, range) >= levelIndex(db, range));
  });

  it('rejects an unknown map', () => {
    assert.throws(() => colormap('rainbow' as never), /unknown colour map/);
  });
});
