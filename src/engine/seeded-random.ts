/**
 * A small deterministic replacement for `Math.random`, so that a patch renders the same samples on every run
 * and in every engine (node-web-audio-api, Chromium).
 *
 * The generator is splitmix-style: a 32-bit state advanced by a Weyl sequence (adding an odd constant each
 * call), then passed through an invertible integer hash (two multiply-xorshift rounds with the "lowbias32"
 * constants). The period is 2^32, every call costs a handful of integer operations, and neighbouring seeds
 * give unrelated sequences, which is plenty for audio noise and random melodies.
 *
 * No Node imports: the webview and the Chromium benchmark page use this module too.
 */

/**
 * Returns a function with the contract of `Math.random` (uniform in [0, 1), 32 bits of precision) whose
 * sequence depends only on `seed`. The seed is reduced to an unsigned 32-bit integer, so seeds that differ
 * by a multiple of 2^32 (or only in their fractional part) give the same sequence.
 */
export function createSeededRandom(seed: number): () => number {
  // Constants live inside the function so that its source text is self-contained: the engine injects
  // `createSeededRandom.toString()` into AudioWorklet scopes, which share no module with this one.
  /** Increment of the Weyl sequence: 2^32 divided by the golden ratio; odd, so the state visits all 2^32 values. */
  const WEYL_INCREMENT = 0x9e3779b9;
  const TWO_TO_THE_32 = 4294967296;
  if (!Number.isFinite(seed)) {
    throw new RangeError(`The random seed must be a finite number, got ${String(seed)}.`);
  }
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + WEYL_INCREMENT) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x21f0aaad);
    mixed = Math.imul(mixed ^ (mixed >>> 15), 0x735a2d97);
    mixed ^= mixed >>> 15;
    return (mixed >>> 0) / TWO_TO_THE_32;
  };
}
