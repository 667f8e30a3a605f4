import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CAPTURE } from './capture/index';
import { PatchError, type PatchErrorData } from './patch-error';
import { PATCH_DEFAULTS } from './patch-validation';
import type { ModuleOverlays, PatchInfo, PatchLogEntry, PatchSource, RenderedAudio, RenderOptions, StreamOptions, StreamStats } from './render-types';
import type { FromWorker, WorkerRenderRequest, WorkerWavOutput, WorkerWavResult } from './worker-protocol';
import type { ContextShape } from './spare-context';
import { readFile } from 'node:fs/promises';
import { bundlePatch, bundleWorkletModule } from './patch-bundler';
import { RenderProcess, type RenderProcessExit } from './render-process';
import type { Milliseconds, RealTimeFactor, Seconds } from './units';

/** Options of a render pool. */
export interface RenderPoolOptions {
  /** Number of render processes (default: the number of cores). */
  size?: number;
  /** Path of the built render worker (default: `render-worker.js` beside this bundle, else `dist/`). */
  workerScript?: string;
  /** Heap limit of each render process in MB: a patch that allocates without end is stopped here (default 512; far above
   * what a patch needs, as audio buffers live outside the heap, and low enough to stop a runaway allocation
   * before garbage collection thrashes past the progress timeout). */
  workerHeapMb?: number;
  /** Receives what patches print with `console.*` when their render has no `onLog` of its own (default: dropped). */
  onLog?: (entry: PatchLogEntry, file: string) => void;
  /**
   * Renders one worker process runs before it is replaced (default 100): node-web-audio-api keeps native state
   * for the life of a process, and a fresh process bounds what a long editing session can accumulate.
   */
  rendersPerWorker?: number;
  /** How long a worker beyond the two kept warm may stay idle before it ends (default 30 s). */
  idleWorkerMs?: Milliseconds;
}

/** Default time without progress before a render's worker is killed. */
export const DEFAULT_RENDER_TIMEOUT: Seconds = 10;

/** Locates the render worker script for bundled (dist/) and source (tests) use. */
function defaultWorkerScript(): string {
  const candidates = [path.join(__dirname, 'render-worker.js'), path.join(__dirname, '..', '..', 'dist', 'render-worker.js')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`render-worker.js not found (looked in ${candidates.join(', ')}); run \`npm run build\``);
  return found;
}

/** A worker's final reply, with what the pool learned on the way. */
interface JobResult {
  done: Extract<FromWorker, { type: 'stream-done' | 'oneshot-done' }>;
  info: PatchInfo;
  firstChunkMs?: Milliseconds;
}

interface Job {
  request: WorkerRenderRequest;
  options: StreamOptions;
  resolve(value: JobResult): void;
  reject(error: Error): void;
  info?: PatchInfo;
  lastProgressAt: Milliseconds;
  lastFrames: number;
  firstChunkMs?: Milliseconds;
  /** The consumer's handling of the chunks it has not finished taking. */
  chunksInHand: Set<Promise<void>>;
  /** Why the consumer refused a chunk, if it did: the render then fails. */
  chunkFailure?: Error;
  /** The worker reported that the render's graph uses an AudioWorklet. */
  usedWorklet?: boolean;
  /** The render has handed over its first chunk (or, to a file, reported its first progress). */
  pastStart?: boolean;
  /** Unsaved text of the modules the patch's worklet modules may import (see PatchSource.overlays). */
  overlays?: ModuleOverlays;
  /** Every file the render has read so far (see RenderOptions.onInputs). */
  inputs: Set<string>;
}

interface Slot {
  process: RenderProcess;
  /** Resolves once the worker has loaded node-web-audio-api; never rejects (a worker that dies is replaced). */
  ready: Promise<void>;
  /** As `ready`, but rejects with the worker's reason when it exits before it is ready (for `warmUp()`). */
  started: Promise<void>;
  /** Rejects `started` (no effect once it has settled). */
  failStart: (error: Error) => void;
  /** True once the process has loaded node-web-audio-api. */
  warm: boolean;
  job?: Job;
  /** Renders this process has finished. */
  renders: number;
  /** When it last became idle. */
  idleSince: Milliseconds;
  /** The process's peak resident memory, as it last reported it. */
  peakRssMb: number;
  /** Set once the worker has run `rendersPerWorker` renders: it serves on until this successor is ready. */
  successor?: Slot;
}

/** Workers kept warm when idle (a render and the one superseding it); more end after `idleWorkerMs`. */
const MIN_WARM_WORKERS = 2;

/**
 * How long the successor of a killed worker waits for the render that supersedes the cancelled one to be asked
 * for. An edit after a quiet spell cancels the render in progress and asks for the new one at once (bundling it
 * first: a few ms); an edit in a burst asks only after the editor's debounce, and the successor then starts in the
 * pause, so that it is ready for that render.
 */
const SUCCESSOR_GRACE_MS = 60;

/** Longest the successor of a killed worker waits for the renders in progress to hand over their first chunk. */
const SUCCESSOR_MAX_WAIT_MS = 1000;

let nextJobId = 1;

/**
 * Renders patches in worker processes (see RenderProcess), so a slow, runaway or crashing patch never blocks or
 * takes down the caller. Workers stay warm (node-web-audio-api loaded) between renders, two at least once started
 * (more while a batch needs them); a worker whose render hangs, runs out of memory or is cancelled mid-render is
 * killed and replaced, which releases its contexts and worklet threads.
 */
export class RenderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly size: number;
  private readonly workerScript: string;
  private readonly heapMb: number;
  private readonly onLog: RenderPoolOptions['onLog'];
  private readonly rendersPerWorker: number;
  private readonly idleWorkerMs: Milliseconds;
  private readonly rtfByPatch = new Map<string, RealTimeFactor>();
  /**
   * The context of the latest streamed render whose graph uses an AudioWorklet. Idle workers keep a spare of it
   * with the worklet's scope started (spare-context.ts): an edit cancels the render by killing its worker, and
   * the render that supersedes it runs on another one.
   */
  private spareShape: ContextShape | undefined;
  /** Peak resident memory of the workers that have ended, summed. */
  private endedWorkersPeakMb = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private idleReaper: NodeJS.Timeout | undefined;
  /** Successors of killed workers not started yet (see replace()), since when, and until when none is asked for. */
  private deferredSpawns = 0;
  private deferredSince = 0;
  private deferredGraceEnd = 0;
  private deferredTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(options: RenderPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? os.availableParallelism());
    this.workerScript = options.workerScript ?? defaultWorkerScript();
    this.heapMb = options.workerHeapMb ?? 512;
    this.onLog = options.onLog;
    this.rendersPerWorker = Math.max(1, options.rendersPerWorker ?? 100);
    this.idleWorkerMs = options.idleWorkerMs ?? 30_000;
  }

  /**
   * Starts the workers now instead of at the first render (a warm pool answers the first edit faster). Rejects
   * with the reason when a worker exits before it is ready (node-web-audio-api missing, say).
   */
  async warmUp(): Promise<void> {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    await Promise.all(this.slots.map((slot) => slot.started));
  }

  /** Most renders this pool runs at once. */
  get capacity(): number {
    return this.size;
  }

  /** Number of live worker processes (for leak checks). */
  get workerCount(): number {
    return this.slots.length;
  }

  /** Process ids of the live workers (for leak and isolation checks). */
  get workerPids(): number[] {
    return this.slots.flatMap((slot) => (slot.process.pid === undefined ? [] : [slot.process.pid]));
  }

  /**
   * Sum of the peak resident memory of every worker process this pool has run, as they reported it at the end of
   * their renders: with the caller's own peak, an upper bound of the memory a job took.
   */
  get peakWorkerRssMb(): number {
    return this.slots.reduce((total, slot) => total + slot.peakRssMb, this.endedWorkersPeakMb);
  }

  /** The real-time factor last measured for a patch file, if any. */
  knownRtf(file: string): RealTimeFactor | undefined {
    return this.rtfByPatch.get(path.resolve(file));
  }

  /** Streams a render of the patch; chunks arrive in order through `options.onChunk`. */
  async stream(source: PatchSource, options: StreamOptions = {}): Promise<StreamStats> {
    return (await this.streamJob(source, options)).stats;
  }

  /**
   * Streams a render of the patch into a WAV file that the worker writes itself (no chunk reaches this process,
   * and `options.onChunk` is not called): `output.path` must be an existing empty file, which the caller
   * commits or removes afterwards; on failure it may hold part of the audio.
   */
  async streamToWav(source: PatchSource, output: WorkerWavOutput, options: Omit<StreamOptions, 'onChunk'> = {}): Promise<StreamStats & WorkerWavResult> {
    const { stats, wav } = await this.streamJob(source, options, output);
    if (!wav) throw new Error('render worker finished without writing the WAV file');
    return { ...stats, ...wav };
  }

  private async streamJob(source: PatchSource, options: StreamOptions, wav?: WorkerWavOutput): Promise<{ stats: StreamStats; wav?: WorkerWavResult }> {
    const file = path.resolve(source.path);
    const knownRtf = options.knownRtf ?? (options.chunk === undefined || options.chunk === 'auto' ? this.rtfByPatch.get(file) : undefined);
    const started = performance.now();
    const { done, info, firstChunkMs } = await this.run('stream', { ...source, path: file }, { ...options, knownRtf }, wav);
    if (done.type !== 'stream-done') throw new Error('unexpected reply');
    const renderRtf = done.renderMs / 1000 / info.duration;
    if (done.chunks > 0) this.rtfByPatch.set(file, renderRtf);
    const stats: StreamStats = {
      info,
      capture: done.capture,
      drive: done.drive,
      chunks: done.chunks,
      rtf: (performance.now() - started) / 1000 / info.duration,
      probeRtf: done.probeRtf,
      firstChunkMs: firstChunkMs ?? done.totalMs,
      buildMs: done.buildMs,
      workletScopeStarted: done.workletScopeStarted,
      totalMs: done.totalMs,
      chunkFrames: done.chunkFrames,
      outputReleasedBytes: done.outputReleasedBytes,
      outputRetainedBytes: done.outputRetainedBytes,
      skippedPoints: done.skippedPoints,
    };
    return { stats, wav: done.wav };
  }

  /** Renders the whole patch with one `startRendering()` and returns the samples. */
  async renderOneShot(source: PatchSource, options: RenderOptions = {}): Promise<RenderedAudio> {
    const { done, info } = await this.run('oneshot', { ...source, path: path.resolve(source.path) }, options);
    if (done.type !== 'oneshot-done') throw new Error('unexpected reply');
    return { info, channels: done.channels, totalMs: done.totalMs };
  }

  /** Ends every worker process; pending renders are rejected. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.idleReaper) clearTimeout(this.idleReaper);
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    const error = new PatchError('cancelled', 'render pool disposed', '');
    for (const job of this.queue.splice(0)) job.reject(error);
    await Promise.all(
      [...this.slots].map((slot) => {
        slot.job?.reject(error);
        this.end(slot);
        return slot.process.whenGone();
      }),
    );
  }

  /**
   * Bundles in this process (esbuild is a child process driven asynchronously, so nothing blocks here): one esbuild
   * service serves every render, and killing a worker never leaves a bundler behind.
   */
  private async run(mode: 'stream' | 'oneshot', source: PatchSource, options: StreamOptions, wav?: WorkerWavOutput): Promise<JobResult> {
    if (this.disposed) throw new PatchError('cancelled', 'render pool disposed', source.path);
    if (options.signal?.aborted) throw new PatchError('cancelled', 'render cancelled', source.path);
    // The text also points validation errors at the offending field: read it when the caller had none.
    const text = source.text ?? (await readFile(source.path, 'utf8').catch(() => undefined));
    // The text read here is the text compiled, so error positions always point into what ran.
    const bundle = await bundlePatch({ path: source.path, text, overlays: source.overlays });
    options.onInputs?.(bundle.inputs);
    return this.enqueue(mode, { path: source.path, text }, bundle, options, wav, source.overlays);
  }

  private enqueue(
    mode: 'stream' | 'oneshot',
    source: PatchSource,
    bundle: WorkerRenderRequest['bundle'],
    options: StreamOptions,
    wav: WorkerWavOutput | undefined,
    overlays: ModuleOverlays | undefined,
  ): Promise<JobResult> {
    if (this.disposed) return Promise.reject(new PatchError('cancelled', 'render pool disposed', source.path));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new PatchError('cancelled', 'render cancelled', source.path));
    return new Promise((resolve, reject) => {
      const job: Job = {
        request: {
          type: 'render',
          id: nextJobId++,
          mode,
          source,
          bundle,
          maxDuration: options.maxDuration ?? PATCH_DEFAULTS.maxDuration,
          capture: options.capture ?? DEFAULT_CAPTURE,
          chunk: { chunk: options.chunk, targetLatency: options.targetLatency, minChunk: options.minChunk, maxChunk: options.maxChunk, knownRtf: options.knownRtf },
          wav,
        },
        options,
        resolve,
        reject,
        lastProgressAt: performance.now(),
        lastFrames: 0,
        chunksInHand: new Set(),
        overlays,
        inputs: new Set(bundle.inputs),
      };
      const onAbort = (): void => this.cancel(job);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', onAbort);
        fn(value);
      };
      job.resolve = settle(resolve);
      job.reject = settle(reject);
      this.queue.push(job);
      this.pump();
    });
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(new PatchError('cancelled', 'render cancelled', job.request.source.path));
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    // A render parked at a suspend point holds its context and worklet threads: killing the worker releases them.
    job.reject(new PatchError('cancelled', 'render cancelled', job.request.source.path));
    this.replace(slot);
  }

  private spawn(): Slot {
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const slot = { warm: false, renders: 0, idleSince: performance.now(), peakRssMb: 0 } as Slot;
    slot.started = new Promise<void>((resolve, reject) => {
      void ready.then(resolve);
      slot.failStart = reject;
    });
    // Only warmUp() awaits it: a start failure nobody waits for is reported by the render it fails.
    slot.started.catch(() => undefined);
    slot.ready = ready.then(() => {
      slot.warm = true;
      if (this.spareShape && !slot.job) slot.process.post({ type: 'prepare-spare', shape: this.spareShape });
    });
    slot.process = new RenderProcess({
      script: this.workerScript,
      heapMb: this.heapMb,
      onMessage: (message) => {
        if (message.type === 'ready') markReady();
        else if (message.type === 'bundle-worklet') this.bundleWorkletFor(slot, message.requestId, message.file);
        else if (message.type === 'log') this.forwardLog(slot, message);
        else this.onMessage(slot, message);
      },
      onExit: (exit) => {
        slot.failStart(new Error(`render worker failed to start: ${exit.kind === 'memory' ? 'out of memory' : exit.detail}`));
        this.onWorkerFailure(slot, exit);
      },
    });
    return slot;
  }

  /** Bundles a worklet module a worker's patch asked for, and answers that worker. */
  private bundleWorkletFor(slot: Slot, requestId: number, file: string): void {
    const job = slot.job;
    bundleWorkletModule(file, job?.overlays).then(
      (bundle) => {
        if (job && slot.job === job && bundle.inputs.some((input) => !job.inputs.has(input))) {
          for (const input of bundle.inputs) job.inputs.add(input);
          job.options.onInputs?.([...job.inputs]);
        }
        slot.process.post({ type: 'worklet-bundle', requestId, bundle });
      },
      (err: unknown) => {
        const error = err instanceof PatchError ? err : new PatchError('compile', err instanceof Error ? err.message : String(err), file);
        slot.process.post({ type: 'worklet-bundle', requestId, error: error.toData() });
      },
    );
  }

  /** Hands a line the patch printed to whoever started its render. */
  private forwardLog(slot: Slot, message: Extract<FromWorker, { type: 'log' }>): void {
    const job = slot.job;
    if (!job || message.id !== job.request.id) return;
    const entry: PatchLogEntry = { level: message.level, text: message.text };
    if (job.options.onLog) job.options.onLog(entry);
    else this.onLog?.(entry, job.request.source.path);
  }

  /**
   * Kills a worker and starts its successor, so that a later render finds a warm one. While the pool has another
   * worker (warm or starting), the successor starts only once the render that supersedes the cancelled one has
   * its first chunk (or none was asked for within SUCCESSOR_GRACE_MS): a process starting takes a core for about
   * 150 ms, and on two cores it delayed that render's first chunk (`npm run bench:edits`, 04 cancelled 300 ms in
   * and asked for again at once: 346 ms median with the successor started at once, 144 ms held back).
   */
  private replace(slot: Slot): void {
    const wasInPool = this.end(slot);
    slot.job = undefined;
    // Only a worker that had started is replaced: one that died starting would die again, in a loop.
    if (!this.disposed && wasInPool && slot.warm && this.slots.length + this.deferredSpawns < Math.min(this.size, MIN_WARM_WORKERS)) {
      if (this.slots.length > 0) this.deferSpawn();
      else this.slots.push(this.spawn());
    }
    this.pump();
  }

  private deferSpawn(): void {
    const now = performance.now();
    if (this.deferredSpawns === 0) this.deferredSince = now;
    this.deferredSpawns++;
    this.deferredGraceEnd = now + SUCCESSOR_GRACE_MS;
    this.startDeferredSpawnsWhenFree();
  }

  /** Starts the deferred successors once no render is between its request and its first chunk (see replace()). */
  private startDeferredSpawnsWhenFree(): void {
    if (this.deferredSpawns === 0 || this.disposed) return;
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    this.deferredTimer = undefined;
    const now = performance.now();
    const starting = this.queue.length > 0 || this.slots.some((s) => s.job && !s.job.pastStart);
    const waiting = !starting && !this.slots.some((s) => s.job) && now < this.deferredGraceEnd;
    const latest = this.deferredSince + SUCCESSOR_MAX_WAIT_MS;
    if ((starting || waiting) && now < latest) {
      const wake = starting ? latest : Math.min(latest, this.deferredGraceEnd);
      this.deferredTimer = setTimeout(() => this.startDeferredSpawnsWhenFree(), wake - now);
      // A process with nothing else to do exits without starting them.
      this.deferredTimer.unref();
      return;
    }
    for (; this.deferredSpawns > 0; this.deferredSpawns--) {
      if (this.slots.length < Math.min(this.size, MIN_WARM_WORKERS)) this.slots.push(this.spawn());
    }
  }

  /** Notes a render's first chunk (or first progress, to a file): deferred successors may start now. */
  private markPastStart(job: Job): void {
    if (job.pastStart) return;
    job.pastStart = true;
    this.startDeferredSpawnsWhenFree();
  }

  /** Takes a worker out of the pool, counting its peak memory, and kills it; false when it had left already. */
  private end(slot: Slot): boolean {
    const index = this.slots.indexOf(slot);
    if (index >= 0) {
      this.slots.splice(index, 1);
      this.endedWorkersPeakMb += slot.peakRssMb;
    }
    slot.process.kill();
    // Disposal ends starting workers on purpose: a warm-up cut short that way is no failure to report.
    if (!this.disposed) slot.failStart(new Error('render worker stopped before it was ready'));
    return index >= 0;
  }

  private onWorkerFailure(slot: Slot, exit: RenderProcessExit): void {
    const job = slot.job;
    if (job) {
      const file = job.request.source.path;
      const error =
        exit.kind === 'memory'
          ? new PatchError('memory', `the patch ran out of memory (render worker heap limit ${this.heapMb} MB) and was stopped`, file)
          : new PatchError('runtime', `render worker failed: ${exit.detail}`, file);
      job.reject(error);
    }
    this.replace(slot);
  }

  private onMessage(slot: Slot, message: Exclude<FromWorker, { type: 'ready' | 'bundle-worklet' | 'log' }>): void {
    const job = slot.job;
    if (!job || message.id !== job.request.id) return;
    const now = performance.now();
    switch (message.type) {
      case 'phase':
        job.lastProgressAt = now;
        return;
      case 'heartbeat': {
        const frames = message.framesRendered + message.framesWritten;
        if (frames !== job.lastFrames) {
          job.lastFrames = frames;
          job.lastProgressAt = now;
        }
        return;
      }
      case 'info':
        job.info = message.info;
        job.lastProgressAt = now;
        job.options.onInfo?.(message.info);
        return;
      case 'chunk': {
        job.lastProgressAt = now;
        this.markPastStart(job);
        if (job.chunkFailure) return;
        job.firstChunkMs ??= message.atMs;
        const bytes = message.channels.reduce((sum, c) => sum + c.byteLength, 0);
        let taken: void | Promise<void>;
        try {
          taken = job.options.onChunk?.({ startFrame: message.startFrame, channels: message.channels });
        } catch (err) {
          taken = Promise.reject(err);
        }
        const handled = Promise.resolve(taken).then(
          () => {
            if (slot.job === job) slot.process.post({ type: 'ack', id: job.request.id, bytes });
          },
          (err: unknown) => {
            job.chunkFailure ??= err instanceof Error ? err : new Error(String(err));
            if (slot.job !== job) return;
            job.reject(job.chunkFailure);
            this.replace(slot);
          },
        );
        job.chunksInHand.add(handled);
        void handled.then(() => job.chunksInHand.delete(handled));
        return;
      }
      case 'progress':
        job.lastProgressAt = now;
        this.markPastStart(job);
        job.options.onProgress?.(message.progress);
        return;
      case 'error':
        this.finishJob(slot);
        job.reject(PatchError.fromData(message.error as PatchErrorData));
        return;
      case 'worklet-context':
        job.usedWorklet = true;
        this.spareShape = message.shape;
        for (const idle of this.slots) if (idle.warm && !idle.job) idle.process.post({ type: 'prepare-spare', shape: message.shape });
        return;
      case 'oneshot-done':
      case 'stream-done':
        // A preview render without an AudioWorklet: the patch being edited no longer needs spares.
        if (message.type === 'stream-done' && !message.cancelled && !job.request.wav && !job.usedWorklet) this.spareShape = undefined;
        slot.peakRssMb = Math.max(slot.peakRssMb, message.peakRssMb);
        this.finishJob(slot);
        // The render is done only once the consumer has taken every chunk: one it refused fails the render.
        void Promise.all([...job.chunksInHand]).then(() => {
          if (job.chunkFailure) job.reject(job.chunkFailure);
          else if (job.info) job.resolve({ done: message, info: job.info, firstChunkMs: job.firstChunkMs });
          else job.reject(new Error('render worker finished without reporting the patch'));
        });
        return;
    }
  }

  /** Frees a worker whose render ended, retiring it once it has run `rendersPerWorker` renders. */
  private finishJob(slot: Slot): void {
    slot.job = undefined;
    slot.idleSince = performance.now();
    slot.renders++;
    if (slot.successor && !this.slots.includes(slot.successor)) slot.successor = undefined;
    if (slot.successor?.warm) this.end(slot);
    else if (!slot.successor && slot.renders >= this.rendersPerWorker) this.retire(slot);
    this.pump();
    this.startDeferredSpawnsWhenFree();
    this.scheduleIdleReaping();
  }

  /**
   * Starts a worker's successor and ends the worker once the successor is ready (or, if it is rendering then,
   * when that render ends): until then it keeps serving, so no render waits for a worker to start.
   */
  private retire(slot: Slot): void {
    if (this.disposed) return;
    const successor = this.spawn();
    slot.successor = successor;
    this.slots.push(successor);
    void successor.ready.then(() => {
      if (slot.successor !== successor || slot.job || !this.slots.includes(slot)) return;
      this.end(slot);
      this.pump();
    });
  }

  /** Ends workers beyond MIN_WARM_WORKERS that stayed idle for `idleWorkerMs` (after a batch of renders). */
  private scheduleIdleReaping(): void {
    if (this.idleReaper || this.slots.length <= MIN_WARM_WORKERS) return;
    this.idleReaper = setTimeout(() => {
      this.idleReaper = undefined;
      if (this.disposed) return;
      const now = performance.now();
      for (const slot of [...this.slots]) {
        if (this.slots.length <= MIN_WARM_WORKERS) break;
        if (!slot.job && now - slot.idleSince >= this.idleWorkerMs) this.end(slot);
      }
      this.scheduleIdleReaping();
    }, this.idleWorkerMs);
    this.idleReaper.unref();
  }

  private pump(): void {
    if (this.disposed) return;
    while (this.queue.length > 0) {
      // A warm idle worker first (one that is not retiring, if any): a process still starting answers later.
      const idle = this.slots.filter((s) => !s.job);
      let slot = idle.find((s) => s.warm && !s.successor) ?? idle.find((s) => s.warm) ?? idle[0];
      if (!slot && this.slots.length < this.size) {
        slot = this.spawn();
        this.slots.push(slot);
        // This start takes the place of a deferred one.
        if (this.deferredSpawns > 0) this.deferredSpawns--;
      }
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      job.lastProgressAt = performance.now();
      const target = slot;
      void target.ready.then(() => {
        if (target.job === job) {
          job.lastProgressAt = performance.now();
          target.process.post(job.request);
        }
      });
    }
    this.ensureWatchdog();
  }

  private ensureWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      const now = performance.now();
      for (const slot of [...this.slots]) {
        const job = slot.job;
        if (!job) continue;
        // While the consumer still holds chunks, the render waits for it (backpressure), not for the patch.
        if (job.chunksInHand.size > 0) job.lastProgressAt = now;
        const timeout = (job.options.timeout ?? DEFAULT_RENDER_TIMEOUT) * 1000;
        if (now - job.lastProgressAt > timeout) {
          job.reject(
            new PatchError(
              'timeout',
              `render stopped after ${Number((timeout / 1000).toPrecision(3))} s without progress: is there an endless loop in build() or in an AudioWorkletProcessor's process()? (raise the limit with --timeout in the CLI, or the patchscope.renderTimeout setting)`,
              job.request.source.path,
            ),
          );
          this.replace(slot);
        }
      }
      if (this.slots.every((s) => !s.job) && this.queue.length === 0 && this.watchdog) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, 250);
    // Not unref'd: workers are, so while a render is pending this timer is what keeps the process alive.
    // Unref'd, a script awaiting a render of a patch stuck in build() exited with code 0 and no result
    // (test/unit/hostile-patches.test.ts). It clears itself once the pool is idle.
  }
}
