import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { renderToMp4, renderToWav } from '../engine/file-render';
import type { OutputReport } from '../engine/output-analysis';
import { PatchError } from '../engine/patch-error';
import { patchBaseName } from '../engine/patch-files';
import { peakRssMb as processPeakRssMb } from '../engine/peak-memory';
import { printPatchLog } from './patch-output';
import { RenderPool } from '../engine/render-pool';
import { stopEsbuildWhenIdle } from '../engine/esbuild-api';
import { captureChoice, colormapName, constantRateFactor, fftSize, formatChoice, frameRate, frequencyScale, nonEmpty, outputFormat, positiveInteger, positiveNumber, videoMode, videoSize, wavFormat } from './options';
import { expandPatchArgs, outputPaths, outputTarget } from './patch-args';
import { ProgressDisplay } from './progress';
import { UsageError } from './usage';

/** One patch's outcome in the render summary. */
interface RenderOutcome {
  patch: string;
  output: string;
  ok: boolean;
  seconds?: number;
  wallMs?: number;
  bytes?: number;
  peakDbfs?: number;
  clippedSamples?: number;
  warnings?: string[];
  error?: string;
}

/** How long esbuild's service may sit idle during `render` before it is stopped (a worklet module asks for it during build()). */
const ESBUILD_IDLE_STOP_MS = 1000;

/** `patchscope render`: renders patches to files in parallel; resolves with the exit code. */
export async function renderCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      format: { type: 'string' },
      'bit-depth': { type: 'string' },
      workers: { type: 'string' },
      timeout: { type: 'string' },
      'max-duration': { type: 'string' },
      capture: { type: 'string' },
      json: { type: 'boolean' },
      size: { type: 'string' },
      fps: { type: 'string' },
      colormap: { type: 'string' },
      scale: { type: 'string' },
      'fft-size': { type: 'string' },
      crf: { type: 'string' },
      preset: { type: 'string' },
      mode: { type: 'string' },
      waveform: { type: 'boolean' },
      ffmpeg: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('render needs at least one patch');
  const chosenFormat = formatChoice(values.format);
  const sampleFormat = wavFormat(values['bit-depth']);
  const workers = positiveInteger('workers', values.workers) ?? os.availableParallelism();
  const timeout = positiveNumber('timeout', values.timeout);
  const maxDuration = positiveNumber('max-duration', values['max-duration']);
  const capture = captureChoice(values.capture);
  const video = {
    ...videoSize(values.size),
    fps: frameRate(values.fps),
    colormap: colormapName(values.colormap),
    scale: frequencyScale(values.scale),
    fftSize: fftSize(values['fft-size']),
    crf: constantRateFactor(values.crf),
    preset: nonEmpty('preset', values.preset),
    mode: videoMode(values.mode),
    waveform: values.waveform,
    ffmpegPath: nonEmpty('ffmpeg', values.ffmpeg),
  };
  const patches = expandPatchArgs(positionals);
  const target = outputTarget(nonEmpty('out', values.out), patches.length);
  const format = outputFormat(chosenFormat, target.kind === 'file' ? target.given : undefined);
  const outputs = outputPaths(patches, target, format, patchBaseName);
  const json = values.json === true;
  const progress = new ProgressDisplay(process.stderr, patches.length);
  // Each patch is bundled when its render starts: between those, esbuild's service need not stay resident.
  stopEsbuildWhenIdle(ESBUILD_IDLE_STOP_MS);
  const pool = new RenderPool({ size: Math.min(workers, patches.length), onLog: printPatchLog });
  // The workers start while the first patches are bundled (hello to WAV: 0.23-0.30 -> 0.20-0.25 s in all).
  // A worker that cannot start fails the renders too, which report it.
  pool.warmUp().catch(() => undefined);
  const started = performance.now();
  try {
    const outcomes = await Promise.all(
      patches.map(async (patch, index): Promise<RenderOutcome> => {
        const output = outputs[index];
        const name = path.relative(process.cwd(), patch) || patch;
        const patchStarted = performance.now();
        const common = { signal, timeout, maxDuration, capture, onProgress: (p: { framesDone: number; framesTotal: number }) => progress.update(name, p.framesDone, p.framesTotal) };
        try {
          let report: OutputReport;
          let seconds: number;
          let bytes: number | undefined;
          let wallMs: number;
          let warnings: string[];
          if (format === 'wav') {
            const result = await renderToWav(pool, { path: patch }, output, sampleFormat, common);
            report = result.output;
            seconds = result.info.duration;
            bytes = result.wav.bytes;
            wallMs = result.stats.totalMs;
            warnings = result.warnings;
          } else {
            const result = await renderToMp4(pool, { path: patch }, { ...video, destination: output, title: patchBaseName(patch) }, common);
            report = result.output;
            seconds = result.info.duration;
            wallMs = performance.now() - patchStarted;
            warnings = result.warnings;
          }
          progress.end(name);
          progress.line(`${name} -> ${path.relative(process.cwd(), output) || output} (${seconds.toFixed(2)} s of audio in ${(wallMs / 1000).toFixed(2)} s, peak ${report.peakDbfs.toFixed(1)} dBFS)`);
          for (const warning of warnings) progress.line(`${name}: warning: ${warning}`);
          return { patch, output, ok: true, seconds, wallMs, bytes, peakDbfs: report.peakDbfs, clippedSamples: report.clippedSamples, warnings };
        } catch (err) {
          const message = err instanceof PatchError ? err.format() : `${name}: ${err instanceof Error ? err.message : String(err)}`;
          progress.end(name);
          progress.line(message);
          return { patch, output, ok: false, error: message };
        }
      }),
    );
    progress.finish();
    const failed = outcomes.filter((o) => !o.ok).length;
    const summary = `${outcomes.length - failed} rendered, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(2)} s`;
    // This process and its render workers, each at its own peak (an upper bound of their sum at any moment).
    const peakRssCliMb = processPeakRssMb();
    const peakRssWorkersMb = pool.peakWorkerRssMb;
    const peakRssMb = peakRssCliMb + peakRssWorkersMb;
    if (json) process.stdout.write(`${JSON.stringify({ summary, peakRssMb, peakRssCliMb, peakRssWorkersMb, results: outcomes }, (_key, value: unknown) => (value === -Infinity ? null : value), 2)}\n`);
    else process.stderr.write(`${summary}\n`);
    if (signal.aborted) return 130;
    return failed > 0 ? 1 : 0;
  } finally {
    await pool.dispose();
  }
}
