import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { printPatchLog } from './patch-output';
import { collectAllGarbage } from '../engine/garbage-collection';
import { peakRssMb } from '../engine/peak-memory';
import { RenderPool } from '../engine/render-pool';
import { median } from '../engine/statistics';
import { captureChoice, positiveInteger, positiveNumber } from './options';
import type { Seconds } from '../engine/units';
import { expandSinglePatchArg } from './patch-args';

/** Figures of one patch: one-shot and streamed render times in one warm process. */
export interface PatchBenchFigures {
  patch: string;
  seconds: number;
  capture: string;
  batchMs: number;
  streamMs: number;
  streamOverBatch: number;
  /**
   * Median of each run's streamed / one-shot, the two rendered back to back: on a machine whose speed drifts
   * between runs, the pairs share their conditions where the two medians may not.
   */
  pairedStreamOverBatch: number;
  /** From reading the patch file to the first chunk in hand (warm worker, RTF known from an earlier render, EDIT_PAUSE_MS after a streamed render). */
  firstChunkMs: number;
  /** Of the first chunk's time, the patch's own build() (median). */
  buildMs: number;
  rtfBatch: number;
  rtfStream: number;
  peakRssMb: number;
}

/**
 * The first chunk's render starts this long after the streamed render before it: the editor's default debounce,
 * the least quiet spell before an edit renders at once. A render worker uses such a pause to prepare the next
 * render's context (spare-context.ts); back to back, the first chunk of example 04 waited for it.
 */
const EDIT_PAUSE_MS = 150;

/** How a patch is measured. */
export interface PatchBenchOptions {
  capture?: ReturnType<typeof captureChoice>;
  /** Timed renders of each kind (default 3). */
  runs?: number;
  /** Longest patch duration the renders accept (the engine's default when absent). */
  maxDuration?: Seconds;
  signal?: AbortSignal;
}

/** Measures a patch: median of `runs` one-shot and streamed renders on one warm worker, and of `runs` first chunks. */
export async function benchPatch(pool: RenderPool, patch: string, { capture, runs = 3, maxDuration, signal }: PatchBenchOptions = {}): Promise<PatchBenchFigures> {
  const batch: number[] = [];
  const stream: number[] = [];
  const first: number[] = [];
  const builds: number[] = [];
  let seconds = 0;
  let usedCapture = '';
  // Warm: the worker has rendered the patch both ways, and the pool knows its RTF (as after a first edit).
  await pool.renderOneShot({ path: patch }, { signal, maxDuration });
  await pool.stream({ path: patch }, { capture, signal, maxDuration });
  for (let run = 0; run < runs; run++) {
    // Each timed render starts with this process's heap collected: the garbage of the one before (a one-shot
    // render's whole output arrives in one message, a stream's in many) is not collected during it.
    collectAllGarbage();
    let started = performance.now();
    const oneShot = await pool.renderOneShot({ path: patch, text: await readFile(patch, 'utf8') }, { signal, maxDuration });
    batch.push(performance.now() - started);
    seconds = oneShot.info.duration;
    collectAllGarbage();
    started = performance.now();
    const stats = await pool.stream({ path: patch, text: await readFile(patch, 'utf8') }, { capture, signal, maxDuration });
    stream.push(performance.now() - started);
    usedCapture = stats.capture;
    // The first chunk is measured on a render that follows a streamed one, as a re-render after an edit does:
    // right after a one-shot render, this process is still taking in that render's whole output.
    collectAllGarbage();
    await new Promise((resolve) => setTimeout(resolve, EDIT_PAUSE_MS));
    started = performance.now();
    let firstChunkAt = 0;
    const again = await pool.stream(
      { path: patch, text: await readFile(patch, 'utf8') },
      {
        capture,
        signal,
        maxDuration,
        onChunk: () => {
          firstChunkAt ||= performance.now();
        },
      },
    );
    first.push(firstChunkAt - started);
    builds.push(again.buildMs);
  }
  const batchMs = median(batch);
  const streamMs = median(stream);
  return {
    patch,
    seconds,
    capture: usedCapture,
    batchMs,
    streamMs,
    streamOverBatch: streamMs / batchMs,
    pairedStreamOverBatch: median(stream.map((ms, run) => ms / batch[run])),
    firstChunkMs: median(first),
    buildMs: median(builds),
    rtfBatch: batchMs / 1000 / seconds,
    rtfStream: streamMs / 1000 / seconds,
    // This process and its render worker, each at its own peak (an upper bound of their sum at any moment).
    peakRssMb: peakRssMb() + pool.peakWorkerRssMb,
  };
}

/** `patchscope bench`: prints the figures of one patch. */
export async function benchCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { capture: { type: 'string' }, json: { type: 'boolean' }, runs: { type: 'string' }, 'max-duration': { type: 'string' } },
  });
  const options: PatchBenchOptions = {
    capture: captureChoice(values.capture),
    runs: positiveInteger('runs', values.runs),
    maxDuration: positiveNumber('max-duration', values['max-duration']),
    signal,
  };
  const patch = expandSinglePatchArg('bench', positionals);
  const pool = new RenderPool({ size: 1, onLog: printPatchLog });
  try {
    const figures = await benchPatch(pool, patch, options);
    if (values.json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    else
      process.stdout.write(
        `${figures.patch}: ${figures.seconds.toFixed(2)} s of audio; one-shot ${figures.batchMs.toFixed(1)} ms, streamed ${figures.streamMs.toFixed(1)} ms (${figures.streamOverBatch.toFixed(2)}x, ${figures.capture}); first chunk ${figures.firstChunkMs.toFixed(1)} ms (build() ${figures.buildMs.toFixed(1)} ms); peak RSS ${figures.peakRssMb.toFixed(0)} MB\n`,
      );
    return 0;
  } finally {
    await pool.dispose();
  }
}
