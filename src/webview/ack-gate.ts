// When the panel acknowledges the chunks it received. The host posts a render's audio only while what it posted
// and the panel has not acknowledged stays under a small window (src/extension/chunk-pacer.ts), and the render
// waits once the host holds 8 MiB; so holding acknowledgements back holds the whole render back. No DOM.

/** Acknowledgements of received chunks, summed per render, held while the player has enough audio ahead. */
export class AckGate {
  private readonly held = new Map<number, number>();

  constructor(private readonly acknowledge: (renderId: number, bytes: number) => void) {}

  /** Bytes received and not acknowledged yet. */
  get heldBytes(): number {
    let total = 0;
    for (const bytes of this.held.values()) total += bytes;
    return total;
  }

  /** A chunk of `bytes` of `renderId` was handled: acknowledged at once unless `hold(renderId)`. */
  received(renderId: number, bytes: number, hold: (renderId: number) => boolean): void {
    this.held.set(renderId, (this.held.get(renderId) ?? 0) + bytes);
    this.release(hold);
  }

  /**
   * Acknowledges, in one message per render, what is held for each render `hold` no longer holds. Call it as the
   * playhead moves and when a render starts or ends: a superseded render's bytes count against the next one's
   * window on the host until they are acknowledged.
   */
  release(hold: (renderId: number) => boolean): void {
    for (const [renderId, bytes] of this.held) {
      if (hold(renderId)) continue;
      this.held.delete(renderId);
      this.acknowledge(renderId, bytes);
    }
  }
}
