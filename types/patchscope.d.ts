/**
 * Types for Patchscope synth patches (`*.synth.js`, `*.synth.mjs`, `*.synth.ts`).
 *
 * TypeScript:  `import type { Patch } from 'patchscope'; export default { ... } satisfies Patch;`
 * JavaScript:  `/** @type {import('patchscope').Patch} *\/ export default { ... };`
 */
declare module 'patchscope' {
  /** A synth patch: the default export of a `*.synth.{js,mjs,ts}` module. */
  export interface Patch {
    /**
     * Length of the render in seconds: finite, greater than 0, at least one frame once rounded to frames at
     * `sampleRate`, and at most the render's limit (3600 unless the CLI's `--max-duration` or the
     * `patchscope.maxDuration` setting says otherwise).
     */
    duration: number;
    /** Sample rate in hertz, a whole number from 3000 to 768000 (default 48000). */
    sampleRate?: number;
    /** Number of output channels, an integer from 1 to 32 (default 2). */
    channels?: number;
    /** Seed of `Math.random`, an integer (default 1), so every render gives the same samples. */
    seed?: number;
    /**
     * Builds the audio graph. `ctx` is the (offline) audio context; connect the sound to `out`.
     * May be async (for example to `await ctx.audioWorklet.addModule('./my-processor.js')`,
     * which resolves against the patch's folder).
     */
    build(ctx: BaseAudioContext, out: AudioNode): void | Promise<void>;
  }
}
