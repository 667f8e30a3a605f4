// Draws a stereo peak meter (bars with a held peak marker) on a small canvas.

import { amplitudeToDb, MeterBallistics, meterFraction } from './meter-math';
import { fitCanvas, type ThemeColors } from './theme';

/** Canvas rendering of the output level meter. */
export class LevelMeter {
  private readonly ballistics = [new MeterBallistics(), new MeterBallistics()];
  private width = 0;
  private height = 0;
  private lastTime: number | undefined;
  private gradient: CanvasGradient | undefined;
  private gradientKey = '';

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Re-measures the canvas. */
  resize(): void {
    [this.width, this.height] = fitCanvas(this.canvas);
    this.gradient = undefined;
  }

  /** Draws the peaks (amplitudes, left and right) measured at `now` (ms). */
  draw(peaks: readonly number[], now: number, theme: ThemeColors): void {
    if (this.width === 0) this.resize();
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const dt = this.lastTime === undefined ? 0 : Math.min(0.25, (now - this.lastTime) / 1000);
    this.lastTime = now;
    const { width, height } = this;
    context.clearRect(0, 0, width, height);
    const barHeight = Math.max(2, Math.floor((height - 1) / 2));
    const fill = this.fillOf(context, theme);
    for (let channel = 0; channel < 2; channel++) {
      const y = channel * (barHeight + 1);
      const { level, hold } = this.ballistics[channel].update(amplitudeToDb(peaks[channel] ?? 0), dt);
      context.fillStyle = theme.meterTrack;
      context.fillRect(0, y, width, barHeight);
      context.fillStyle = fill;
      context.fillRect(0, y, meterFraction(level) * width, barHeight);
      const holdFraction = meterFraction(hold);
      if (holdFraction > 0) {
        context.fillStyle = hold >= 0 ? theme.meterHigh : theme.foreground;
        context.fillRect(Math.min(width - 2, holdFraction * width), y, 2, barHeight);
      }
    }
  }

  private fillOf(context: CanvasRenderingContext2D, theme: ThemeColors): CanvasGradient {
    const key = `${theme.meterLow}${theme.meterMid}${theme.meterHigh}${this.width}`;
    if (this.gradient && key === this.gradientKey) return this.gradient;
    // -60..-12 dB low, -12..-3 dB mid, above -3 dB high.
    const gradient = context.createLinearGradient(0, 0, this.width, 0);
    gradient.addColorStop(0, theme.meterLow);
    gradient.addColorStop(0.79, theme.meterLow);
    gradient.addColorStop(0.81, theme.meterMid);
    gradient.addColorStop(0.94, theme.meterMid);
    gradient.addColorStop(0.96, theme.meterHigh);
    gradient.addColorStop(1, theme.meterHigh);
    this.gradient = gradient;
    this.gradientKey = key;
    return gradient;
  }
}
