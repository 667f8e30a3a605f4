// Time axis arithmetic for the timeline and the spectrogram: the visible window, x <-> time, and ticks.
// No DOM.

/** A span of time in seconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** A labelled tick of the time axis. */
export interface TimeTick {
  time: number;
  label: string;
  major: boolean;
}

/** Pixels per second when a render is too long to fit the width. */
export const FOLLOW_PIXELS_PER_SECOND = 80;

/** Where the playhead sits in a scrolling window (fraction of its width). */
export const FOLLOW_ANCHOR = 0.25;

/**
 * The visible time window: the whole render when it fits `plotWidth` at FOLLOW_PIXELS_PER_SECOND, otherwise a
 * window of that scale that scrolls so the playhead stays at FOLLOW_ANCHOR of the width.
 */
export function visibleWindow(duration: number, position: number, plotWidth: number): TimeWindow {
  if (!(duration > 0) || !(plotWidth > 0)) return { start: 0, end: Math.max(duration, 1) };
  const length = plotWidth / FOLLOW_PIXELS_PER_SECOND;
  if (duration <= length) return { start: 0, end: duration };
  const start = Math.min(Math.max(0, position - FOLLOW_ANCHOR * length), duration - length);
  return { start, end: start + length };
}

/** X coordinate of a time inside a plot that starts at `left` and is `width` wide. */
export function timeToX(time: number, window: TimeWindow, left: number, width: number): number {
  return left + ((time - window.start) / (window.end - window.start)) * width;
}

/** Time at an x coordinate (clamped to the window). */
export function xToTime(x: number, window: TimeWindow, left: number, width: number): number {
  const fraction = Math.min(1, Math.max(0, (x - left) / width));
  return window.start + fraction * (window.end - window.start);
}

const TICK_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** Ticks at least `minSpacing` pixels apart; every fifth (or the labelled ones) is major. */
export function timeTicks(window: TimeWindow, width: number, minSpacing: number): TimeTick[] {
  const span = window.end - window.start;
  if (!(span > 0) || !(width > 0)) return [];
  const secondsPerPixel = span / width;
  const step = TICK_STEPS.find((candidate) => candidate / secondsPerPixel >= minSpacing) ?? TICK_STEPS[TICK_STEPS.length - 1];
  const ticks: TimeTick[] = [];
  const first = Math.ceil(window.start / step - 1e-9);
  for (let i = first; i * step <= window.end + 1e-9; i++) {
    const time = roundTo(i * step, step);
    ticks.push({ time, label: formatTickLabel(time, step), major: true });
  }
  return ticks;
}

/** `83.25` -> `1:23.250`. */
export function formatClock(seconds: number): string {
  const safe = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
  const minutes = Math.floor(safe / 60);
  const rest = safe - minutes * 60;
  return `${minutes}:${rest.toFixed(3).padStart(6, '0')}`;
}

/** Tick label: seconds with the decimals the step needs, `m:ss` from a minute on. */
export function formatTickLabel(seconds: number, step: number): string {
  const decimals = decimalsOf(step);
  if (seconds >= 60) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds - minutes * 60;
    const restText = rest.toFixed(decimals).padStart(decimals > 0 ? 3 + decimals : 2, '0');
    return `${minutes}:${restText}`;
  }
  return `${seconds.toFixed(decimals)}s`;
}

/** Decimals needed to write a tick step exactly (0.25 -> 2, 0.5 -> 1, 2 -> 0). */
export function decimalsOf(step: number): number {
  for (let decimals = 0; decimals < 4; decimals++) {
    if (Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) < 1e-9) return decimals;
  }
  return 4;
}

function roundTo(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(digits));
}
