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
 *
 * The function is self-contained (no references outside its body), so its source text from `toString()`
 * can be injected into another realm, such as an AudioWorkletGlobalScope.
 */
export function createSeededRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) {
    throw new RangeError(`The random seed must be a finite number, got ${String(seed)}.`);
  }
  // Weyl increment: 2^32 divided by the golden ratio; odd, so the state visits all 2^32 values.
  const weylIncrement = 0x9e3779b9;
  const twoToThe32 = 4294967296;
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + weylIncrement) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x21f0aaad);
    mixed = Math.imul(mixed ^ (mixed >>> 15), 0x735a2d97);
    mixed ^= mixed >>> 15;
    return (mixed >>> 0) / twoToThe32;
  };
}
