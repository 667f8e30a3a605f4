// Draws the time ruler above the spectrogram: ticks and labels, how much is rendered and the loop region (the
// playhead is a DOM element, see playhead-view.ts). Draws nothing when the picture would be the same.
// Keeps no listeners or timers of its own.

import { AXIS_GUTTER, type PlotState } from './spectrogram-view';
import { fitCanvas, type ThemeColors } from './theme';
import { timeTicks, timeToX } from './timeline-math';

/** Canvas rendering of the time ruler. */
export class TimelineView {
  private width = 0;
  private height = 0;
  private drawnKey = '';
  private drawnTheme: ThemeColors | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Re-measures the canvas (after a resize). */
  resize(): void {
    [this.width, this.height] = fitCanvas(this.canvas);
    this.drawnKey = '';
  }

  /** Draws one frame, unless the canvas already shows that picture. */
  draw(state: PlotState, theme: ThemeColors): void {
    if (this.width === 0) this.resize();
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const { width, height } = this;
    const left = AXIS_GUTTER;
    const plotWidth = Math.max(1, width - left);
    const renderedPixels = Math.round(timeToX(Math.min(state.rendered, state.duration), state.window, left, plotWidth));
    const region = state.region ? `${state.region.start},${state.region.end},${state.regionActive}` : '';
    const key = `${state.window.start},${state.window.end},${state.duration},${renderedPixels},${region},${width}x${height}`;
    if (key === this.drawnKey && theme === this.drawnTheme) return;
    this.drawnKey = key;
    this.drawnTheme = theme;
    context.clearRect(0, 0, width, height);
    context.fillStyle = theme.background;
    context.fillRect(0, 0, width, height);
    context.fillStyle = theme.border;
    context.fillRect(0, height - 1, left, 1);

    // While rendering: how much is rendered, as a bar along the bottom edge.
    if (state.rendered < state.duration) {
      const renderedX = timeToX(state.rendered, state.window, left, plotWidth);
      const endX = timeToX(state.duration, state.window, left, plotWidth);
      context.fillStyle = theme.grid;
      context.fillRect(left, height - 2, Math.max(0, endX - left), 2);
      context.fillStyle = theme.loopEdge;
      context.fillRect(left, height - 2, Math.max(0, renderedX - left), 2);
    }

    if (state.region) {
      const x0 = timeToX(state.region.start, state.window, left, plotWidth);
      const x1 = timeToX(state.region.end, state.window, left, plotWidth);
      context.globalAlpha = state.regionActive ? 0.5 : 0.3;
      context.fillStyle = theme.loopFill;
      context.fillRect(x0, 0, x1 - x0, height - 2);
      context.globalAlpha = 1;
    }

    if (!(state.duration > 0)) return;
    context.font = `${Math.max(9, theme.fontSize - 2)}px ${theme.fontFamily}`;
    context.textBaseline = 'top';
    context.textAlign = 'left';
    for (const tick of timeTicks(state.window, plotWidth, 64)) {
      const x = Math.round(timeToX(tick.time, state.window, left, plotWidth)) + 0.5;
      if (x < left - 0.5 || x > width) continue;
      context.fillStyle = theme.border;
      context.fillRect(x - 0.5, height - 9, 1, 6);
      context.fillStyle = theme.muted;
      if (x + 4 + context.measureText(tick.label).width < width) context.fillText(tick.label, x + 4, 3);
    }
  }
}
