import { RenderPool } from '../engine/render-pool';
import { formatPatchLog } from '../engine/patch-log';
import type { IDisposable } from './disposable';

/** Where the host writes what patches print. */
export interface LogSink {
  appendLine(line: string): void;
}

/**
 * Owns the engine's worker pool for the extension: created on first use (so activation stays cheap and
 * nothing native loads until a patch is rendered), disposed with the extension.
 */
export class EngineHost implements IDisposable {
  private pool: RenderPool | undefined;

  /** `patchOutput` receives what patches print with `console.*` (the Patchscope output channel). */
  constructor(private readonly patchOutput: LogSink) {}

  /** The shared pool, created on first call. */
  get renderPool(): RenderPool {
    this.pool ??= new RenderPool({ onLog: (entry, file) => this.patchOutput.appendLine(formatPatchLog(entry, file)) });
    return this.pool;
  }

  dispose(): void {
    const pool = this.pool;
    this.pool = undefined;
    void pool?.dispose();
  }
}

