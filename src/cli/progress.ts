import type { Frames } from '../engine/units';

/** Progress of several renders on stderr: one redrawn bar line on a terminal, sparse lines otherwise. */
export class ProgressDisplay {
  private readonly done = new Map<string, number>();
  private readonly totals = new Map<string, Frames>();
  /** Renders that ended, rendered or failed: a failure counts as done, so the bar still reaches the end. */
  private readonly ended = new Set<string>();
  private lastDraw = 0;
  private lastLogged = new Map<string, number>();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
    private readonly quiet = false,
  ) {}

  private get isTerminal(): boolean {
    return this.stream.isTTY === true;
  }

  /** Records a render's progress. */
  update(name: string, framesDone: Frames, framesTotal: Frames): void {
    if (this.quiet) return;
    this.done.set(name, framesDone);
    this.totals.set(name, framesTotal);
    const fraction = framesTotal > 0 ? framesDone / framesTotal : 0;
    if (this.isTerminal) {
      const now = performance.now();
      if (now - this.lastDraw < 80 && fraction < 1) return;
      this.lastDraw = now;
      this.draw();
    } else {
      const step = Math.floor(fraction * 4);
      if ((this.lastLogged.get(name) ?? -1) < step && step > 0 && step < 4) {
        this.lastLogged.set(name, step);
        this.stream.write(`${name}: ${step * 25}%\n`);
      }
    }
  }

  /** Records that a render ended, rendered or failed. */
  end(name: string): void {
    this.ended.add(name);
  }

  private draw(): void {
    let sum = this.ended.size;
    for (const [name, done] of this.done) if (!this.ended.has(name)) sum += done / Math.max(1, this.totals.get(name) ?? 1);
    const finished = this.ended.size;
    const fraction = sum / Math.max(1, this.total);
    const width = 30;
    const filled = Math.round(fraction * width);
    this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${finished}/${this.total} patches`);
  }

  /** Prints a line above the bar (a finished or failed render). */
  line(text: string): void {
    if (this.isTerminal && !this.quiet) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
    if (this.isTerminal && !this.quiet && (this.done.size > 0 || this.ended.size > 0)) this.draw();
  }

  /** Clears the bar. */
  finish(): void {
    if (this.isTerminal && !this.quiet) this.stream.write('\r\x1b[2K');
  }
}
