import { RenderPool } from '../engine/render-pool';
import type { IDisposable } from './disposable';

/**
 * Owns the engine's worker pool for the extension: created on first use (so activation stays cheap and
 * nothing native loads until a patch is rendered), disposed with the extension.
 */
export class EngineHost implements IDisposable {
  private pool: RenderPool | undefined;

  /** The shared pool, created on first call. */
  get renderPool(): RenderPool {
    this.pool ??= new RenderPool();
    return this.pool;
  }

  dispose(): void {
    const pool = this.pool;
    this.pool = undefined;
    void pool?.dispose();
  }
}
