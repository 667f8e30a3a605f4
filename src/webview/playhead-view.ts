// The playhead across the timeline and the spectrogram: a DOM element moved with a CSS transform, so that while
// audio plays only this thin strip changes on screen. Redrawing the canvases every frame for it kept the
// browser's main thread, which a webview shares with the whole workbench, busy enough to delay the messages
// that bring a new render's audio (measured in code-server; see bench/RESULTS.md).

/** The playhead line and its marker. Keeps no listeners or timers of its own. */
export class PlayheadView {
  private shownX: number | undefined;
  private color = '';

  constructor(private readonly element: HTMLElement) {}

  /** Puts the playhead at `x` CSS pixels from the plot's left edge, or hides it (undefined). */
  place(x: number | undefined, color: string): void {
    if (color !== this.color) {
      this.color = color;
      this.element.style.color = color;
    }
    // Whole device pixels: a move smaller than that would repaint the same picture.
    const ratio = window.devicePixelRatio || 1;
    const snapped = x === undefined ? undefined : Math.round(x * ratio) / ratio;
    if (snapped === this.shownX) return;
    this.shownX = snapped;
    this.element.hidden = snapped === undefined;
    if (snapped !== undefined) this.element.style.transform = `translateX(${snapped}px)`;
  }
}
