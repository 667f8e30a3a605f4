import * as assert from 'node:assert/strict';
import { amplitudeToDb, dbToAmplitude, MeterBallistics, meterFraction, peakOf } from '../../src/webview/meter-math';
import { decimalsOf, formatClock, formatTickLabel, FOLLOW_PIXELS_PER_SECOND, timeTicks, timeToX, visibleWindow, xToTime } from '../../src/webview/timeline-math';

describe('timeline arithmetic', () => {
  it('shows a short render whole and scrolls a long one with the playhead at a quarter', () => {
    assert.deepEqual(visibleWindow(3, 1.2, 800), { start: 0, end: 3 });
    const length = 800 / FOLLOW_PIXELS_PER_SECOND;
    const window = visibleWindow(60, 30, 800);
    assert.equal(window.end - window.start, length);
    assert.equal(window.start, 30 - length / 4);
    assert.deepEqual(visibleWindow(60, 59.9, 800), { start: 60 - length, end: 60 });
    assert.deepEqual(visibleWindow(60, 0.5, 800), { start: 0, end: length });
  });

  it('maps x and time both ways', () => {
    const window = { start: 2, end: 6 };
    assert.equal(timeToX(4, window, 40, 400), 240);
    assert.equal(xToTime(240, window, 40, 400), 4);
    assert.equal(xToTime(0, window, 40, 400), 2, 'clamped to the window');
  });

  it('places ticks on round steps at least the minimum spacing apart', () => {
    const ticks = timeTicks({ start: 0, end: 3 }, 860, 64);
    const step = ticks[1].time - ticks[0].time;
    assert.equal(step, 0.25);
    assert.ok((step / 3) * 860 >= 64);
    assert.deepEqual(
      ticks.slice(0, 3).map((t) => t.label),
      ['0.00s', '0.25s', '0.50s'],
    );
    assert.equal(ticks.at(-1)?.time, 3);
  });

  it('formats clocks and labels', () => {
    assert.equal(formatClock(83.25), '1:23.250');
    assert.equal(formatClock(0), '0:00.000');
    assert.equal(formatTickLabel(90, 30), '1:30');
    assert.equal(formatTickLabel(1.5, 0.5), '1.5s');
    assert.equal(decimalsOf(0.25), 2);
    assert.equal(decimalsOf(5), 0);
  });
});

describe('meter arithmetic', () => {
  it('measures peaks and converts levels', () => {
    assert.equal(peakOf(new Float32Array([0.1, -0.5, 0.25])), 0.5);
    assert.equal(amplitudeToDb(1), 0);
    assert.equal(amplitudeToDb(0), -Infinity);
    assert.ok(Math.abs(amplitudeToDb(0.5) + 6.0206) < 1e-4);
    assert.ok(Math.abs(dbToAmplitude(-20) - 0.1) < 1e-12);
    assert.equal(meterFraction(-60), 0);
    assert.equal(meterFraction(-30), 0.5);
    assert.equal(meterFraction(3), 1);
  });

  it('rises at once, falls steadily and holds the peak', () => {
    const meter = new MeterBallistics(24, 1);
    assert.deepEqual(meter.update(-6, 0.016), { level: -6, hold: -6 });
    const fallen = meter.update(-60, 0.5);
    assert.equal(fallen.level, -18);
    assert.equal(fallen.hold, -6);
    const released = meter.update(-60, 0.6);
    assert.equal(released.hold, -60, 'hold released after its time');
  });
});
