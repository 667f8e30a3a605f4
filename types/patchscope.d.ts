/**
 * Types for Patchscope synth patches (`*.synth.js`, `*.synth.mjs`, `*.synth.ts`).
 *
 * TypeScript:  `import type { Patch } from 'patchscope'; export default { ... } satisfies Patch;`
 * JavaScript:  `/** @type {import('patchscope').Patch} *\/ export default { ... };`
 */
declare module 'patchscope' {
  /** A synth patch: the default export of a `*.synth.{js,mjs,ts}` module. */
  export interface Patch {
    /** Length of the render in seconds: finite, greater than 0, at most the configured limit (default 3600). */
    duration: number;
    /** Sample rate in hertz (default 48000). */
    sampleRate?: number;
    /** Number of output channels, 1 to 32 (default 2). */
    channels?: number;
    /** Integer seed for `Math.random`, so every render gives the same samples (default 1). */
    seed?: number;
    /**
     * Builds the audio graph. `ctx` is the (offline) audio context; connect the sound to `out`.
     * May be async (for example to `await ctx.audioWorklet.addModule('./my-processor.js')`,
     * which resolves against the patch's folder).
     */
    build(ctx: BaseAudioContext, out: AudioNode): void | Promise<void>;
  }
}
