import { releaseFinishedContext } from './context-release';
import { AdaptiveChunkEmitter, planSuspendFrames, resolveChunkPolicy } from './chunk-planner';
import { chooseCapture, createCapture, type Capture } from './capture/index';
import { SCRIPT_PROCESSOR_BUFFER_SIZE_WITHOUT_SUSPENDS } from './capture/script-processor-capture';
import { BlockQueue } from './capture/capture';
import { OUTPUT_FILL, RenderedOutputRelease } from './output-release';
import { PatchError } from './patch-error';
import { preparePatchContext, toPatchError, type LoadedPatch, type WebAudioModule } from './patch-loader';
import type { AudioChunk, CaptureChoice, CaptureKind, ChunkOptions, PatchInfo, RenderDrive, RenderProgress } from './render-types';
import { createSeededRandom } from './seeded-random';
import { prepareSpareContext, takeContext, type ContextShape, type TakenContext } from './spare-context';
import { suspendRegistrationsSettled } from './suspend-registration';
import type { Frames, Milliseconds, RealTimeFactor } from './units';

/** Half a render quantum: suspend times are placed mid-quantum so rounding never lands a quantum late. */
const SUSPEND_NUDGE: Frames = 64;

/** Lets the caller stop a render at the next suspend point. */
export interface RenderControl {
  readonly cancelled: boolean;
  /** Resolves when the render is cancelled. */
  readonly whenCancelled: Promise<void>;
}

/** Sink for what a streamed render produces. */
export interface StreamSink {
  chunk(chunk: AudioChunk): void;
  progress(progress: RenderProgress): void;
  /** Resolves when the consumer can take more chunks: rendering waits here, so memory stays bounded. */
  ready(): Promise<void>;
  /** The graph uses an AudioWorklet: a render superseding this one would want a spare context of this shape. */
  workletContext?(shape: ContextShape): void;
}

/** Statistics of a streamed render inside the worker (times from the patch text being received). */
export interface StreamOutcome {
  chunks: number;
  chunkFrames: Frames[];
  capture: CaptureKind;
  drive: RenderDrive;
  probeRtf: RealTimeFactor;
  renderMs: Milliseconds;
  cancelled: boolean;
  /** Suspend points node-web-audio-api rejected (their audio went into the next chunk). */
  skippedPoints: number;
  /** Time the patch's own build() took (its graph, buffers and worklet modules). */
  buildMs: Milliseconds;
  /** The context came with its AudioWorklet scope already running (see spare-context.ts). */
  workletScopeStarted: boolean;
  /** Bytes of node-web-audio-api's retained output given back to the system during the render (see output-release.ts). */
  outputReleasedBytes: number;
  /** Bytes of output the render meant to give back but kept, its buffer not found (0 when released or not attempted). */
  outputRetainedBytes: number;
}

/**
 * Length of every context a patch renders in, one-shot or streamed: the capture is chosen only after build(),
 * so all renders use the length the block-wise capture needs, and a patch reading `ctx.length` sees one value.
 */
export function contextFramesFor(info: PatchInfo): Frames {
  // The largest block any capture uses (a multiple of the others), so every capture's last block completes.
  return Math.ceil(info.frames / SCRIPT_PROCESSOR_BUFFER_SIZE_WITHOUT_SUSPENDS) * SCRIPT_PROCESSOR_BUFFER_SIZE_WITHOUT_SUSPENDS;
}

/** Prepares a context for the patch's graph: its output runs through a unity-gain bus. */
function buildGraph(
  web: WebAudioModule,
  patch: LoadedPatch,
  { ctx, workletScopeStarted }: TakenContext,
  onFault: (error: PatchError) => void,
): { ctx: OfflineAudioContext; bus: GainNode; destination: AudioDestinationNode; workletScopeStarted: boolean } {
  const { channels } = patch.info;
  // The same bus feeds the destination (one-shot) or the capture (streamed), so both see identical samples.
  const bus = new web.GainNode(ctx, { gain: 1, channelCount: channels, channelCountMode: 'explicit', channelInterpretation: 'speakers' });
  // Keep the real destination: the patch's view of `ctx.destination` becomes the bus.
  const destination = ctx.destination;
  preparePatchContext(ctx, bus, patch, onFault);
  return { ctx, bus, destination, workletScopeStarted };
}

async function runBuild(patch: LoadedPatch, ctx: OfflineAudioContext, bus: AudioNode): Promise<void> {
  Math.random = createSeededRandom(patch.info.seed);
  try {
    await patch.definition.build(ctx, bus);
  } catch (err) {
    throw toPatchError(err, patch.file, patch.mappers);
  }
}

/** Races a render against faults reported outside its promise chain (processor errors, errors in timers). */
function withFaults<T>(work: (fault: (error: PatchError) => void) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const fault = (error: PatchError): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    work(fault).then(
      (value) => {
        if (!settled) {
          settled = true;
          resolve(value);
        }
      },
      (err: unknown) => fault(err instanceof PatchError ? err : new PatchError('runtime', err instanceof Error ? err.message : String(err), '')),
    );
  });
}

/** Where a render is: the frames its context has rendered so far (read by the worker's watchdog heartbeat). */
export interface RenderPosition {
  current: () => Frames;
}

/** Points a RenderPosition at a context's clock. */
function trackPosition(position: RenderPosition, ctx: OfflineAudioContext, sampleRate: number): void {
  position.current = () => Math.round(ctx.currentTime * sampleRate);
}

/** Renders the whole patch with one `startRendering()`. */
export function renderOneShot(web: WebAudioModule, patch: LoadedPatch, faults: { set(handler: ((error: PatchError) => void) | undefined): void }, position: RenderPosition): Promise<Float32Array[]> {
  return withFaults(async (fault) => {
    faults.set(fault);
    try {
      // A fresh context, never the preview's spare: a one-shot render (a parity check) is not followed by an edit.
      const fresh = new web.OfflineAudioContext({ numberOfChannels: patch.info.channels, length: contextFramesFor(patch.info), sampleRate: patch.info.sampleRate });
      const { ctx, bus, destination } = buildGraph(web, patch, { ctx: fresh, workletScopeStarted: false }, fault);
      bus.connect(destination);
      await runBuild(patch, ctx, bus);
      trackPosition(position, ctx, patch.info.sampleRate);
      const rendered = await ctx.startRendering();
      releaseFinishedContext(ctx);
      const channels: Float32Array[] = [];
      // Copied by the AudioBuffer itself: node-web-audio-api's getChannelData is a view that does not keep the
      // buffer's memory alive once the AudioBuffer is collected.
      for (let c = 0; c < patch.info.channels; c++) {
        const samples = new Float32Array(patch.info.frames);
        rendered.copyFromChannel(samples, c);
        channels.push(samples);
      }
      return channels;
    } finally {
      faults.set(undefined);
    }
  });
}

/** Options of a streamed render inside the worker. */
export interface StreamRenderOptions extends ChunkOptions {
  capture: CaptureChoice;
}

/** Hands captured audio over as chunks: whole pending audio (auto) or cut at fixed boundaries. */
class ChunkHandover {
  readonly chunkFrames: Frames[] = [];
  emitted: Frames = 0;

  constructor(
    private readonly fixedChunk: Frames,
    private readonly sink: StreamSink,
  ) {}

  /** Emits pending audio up to `frame`, taking it from `source` (which must hold it). */
  emitUntil(frame: Frames, source: BlockQueue): void {
    while (this.emitted < frame) {
      const end = this.fixedChunk > 0 ? Math.min(frame, (Math.floor(this.emitted / this.fixedChunk) + 1) * this.fixedChunk) : frame;
      this.sink.chunk({ startFrame: this.emitted, channels: source.takeUntil(end) });
      this.chunkFrames.push(end - this.emitted);
      this.emitted = end;
    }
  }
}

/**
 * Renders the patch as a stream of chunks. Two drives, chosen after build() (see chooseCapture):
 * - suspend: the context pauses at points planned before rendering (node-web-audio-api accepts no later ones);
 *   at each point the capture hands over what was rendered and the emitter decides whether it makes a chunk.
 *   Suspends are registered asynchronously by node-web-audio-api and may be skipped: that changes when chunks
 *   are handed over, never their samples, because the capture keeps every frame and the frontier is read from
 *   the context.
 * - capture: no suspends; chunks are cut as the capture receives audio.
 */
export function renderStreamed(
  web: WebAudioModule,
  patch: LoadedPatch,
  options: StreamRenderOptions,
  sink: StreamSink,
  control: RenderControl,
  faults: { set(handler: ((error: PatchError) => void) | undefined): void },
  position: RenderPosition,
): Promise<StreamOutcome> {
  const info: PatchInfo = patch.info;
  const policy = resolveChunkPolicy(options, info.sampleRate);
  let capture: Capture | undefined;
  let release: RenderedOutputRelease | undefined;
  // The rendered AudioBuffer owns the output buffer `release` reads: held here until the release has stopped.
  const heldOutput: { buffer?: AudioBuffer } = {};
  return withFaults<StreamOutcome>(async (fault) => {
    faults.set(fault);
    try {
      patch.workletNodes = 0;
      // node-web-audio-api keeps the whole rendered output of a context in memory (4 bytes per frame and
      // channel). A streamed render's destination only receives the capture's silent output: one channel.
      const shape = streamedContextShape(info);
      const { ctx, bus, destination, workletScopeStarted } = buildGraph(web, patch, await takeContext(web, shape), fault);
      const buildStarted = performance.now();
      await runBuild(patch, ctx, bus);
      const buildMs = performance.now() - buildStarted;
      const { kind, drive } = chooseCapture(options.capture, patch.workletNodes > 0);
      if (patch.workletNodes > 0 || kind === 'worklet') sink.workletContext?.(shape);
      const blockHint = policy.mode === 'fixed' ? { fixedChunkFrames: policy.chunkFrames } : { knownRtf: policy.knownRtf };
      const active = createCapture(kind, drive, { channels: info.channels, sampleRate: info.sampleRate }, web.AudioWorkletNode, blockHint);
      capture = active;
      trackPosition(position, ctx, info.sampleRate);
      await active.attach(ctx, bus, destination);

      const emitter = new AdaptiveChunkEmitter(policy, info.sampleRate);
      const handover = new ChunkHandover(policy.mode === 'fixed' ? policy.chunkFrames : 0, sink);
      const pending = new BlockQueue(info.channels);
      let probeRtf: RealTimeFactor = policy.mode === 'auto' && policy.knownRtf !== undefined ? policy.knownRtf : 0;
      let observedFrom: Frames = 0;
      let observedAt = 0;
      let skippedPoints = 0;

      /**
       * Takes what the capture holds up to `frontier` and updates the speed estimate; returns the hand-over of the
       * chunks this completes (and the progress report), for the caller to run when it chooses.
       */
      const advance = async (frontier: Frames, framesToNextPoint: Frames | undefined): Promise<() => void> => {
        if (frontier <= observedFrom) return () => undefined;
        const now = performance.now();
        emitter.observe(frontier - observedFrom, now - observedAt);
        if (probeRtf === 0) probeRtf = emitter.estimatedRtf ?? 0;
        observedFrom = frontier;
        observedAt = now;
        pending.pushAll(await active.take(frontier));
        let emitTo = handover.emitted;
        if (policy.mode === 'fixed') emitTo = Math.floor(frontier / policy.chunkFrames) * policy.chunkFrames;
        else if (emitter.shouldEmit(frontier - handover.emitted, handover.chunkFrames.length, framesToNextPoint)) emitTo = frontier;
        return () => {
          handover.emitUntil(emitTo, pending);
          active.wakeAt(handover.emitted + emitter.targetChunkFrames);
          sink.progress({ framesDone: frontier, framesTotal: info.frames, rtf: emitter.estimatedRtf ?? 0, chunkFrames: emitter.targetChunkFrames });
        };
      };

      // The destination's samples are never used here: feeding it the fill lets its filled pages be released.
      release = RenderedOutputRelease.forContext(ctx.length);
      if (release) {
        const fill = new web.ConstantSourceNode(ctx, { offset: OUTPUT_FILL });
        fill.connect(destination);
        fill.start();
      }
      if (drive === 'suspend') {
        const points = planSuspendFrames(policy, info.frames, info.sampleRate, active.align);
        for (let i = 0; i < points.length; i++) {
          ctx.suspend((points[i] - SUSPEND_NUDGE) / info.sampleRate).then(
            () => {
              if (control.cancelled) return;
              // Read where the context really stopped: a suspend may land later than planned.
              const rendered = Math.round(ctx.currentTime * info.sampleRate);
              release?.releaseRendered(rendered);
              const reached = Math.min(info.frames, rendered);
              const frontier = Math.floor(reached / active.align) * active.align;
              const next = i + 1 < points.length ? points[i + 1] : info.frames;
              advance(frontier, next - frontier)
                .then(async (handOver) => {
                  await sink.ready();
                  // Resuming from the next macrotask: resuming at once makes node-web-audio-api drop later suspends
                  // more often. The chunk is handed over once the render runs again, not while it waits: a render
                  // to WAV checks and encodes it there (60-minute WAV: 18.0 -> 14.0 s, the same file).
                  setImmediate(() => {
                    void ctx.resume();
                    try {
                      handOver();
                    } catch (err) {
                      fault(asCaptureError(err, patch.file));
                    }
                  });
                })
                .catch((err: unknown) => fault(asCaptureError(err, patch.file)));
            },
            () => {
              skippedPoints++;
            },
          );
        }
        await suspendRegistrationsSettled(ctx);
      } else {
        let scheduled = false;
        let latest: Frames = 0;
        let chain = Promise.resolve();
        active.listen((frames) => {
          latest = Math.min(info.frames, frames);
          if (scheduled) return;
          scheduled = true;
          // Coalesce bursts of blocks into one hand-over, outside the capture's callback.
          queueMicrotask(() => {
            scheduled = false;
            const frontier = Math.floor(latest / active.align) * active.align;
            chain = chain
              .then(() => advance(frontier, undefined))
              .then((handOver) => {
                handOver();
                return sink.ready();
              })
              // The render thread is still running, but it only appends: the destination holds every frame the
              // capture has received, and release touches only whole pages below them that hold nothing but the fill.
              .then(() => release?.releaseRendered(frontier))
              .catch((err: unknown) => fault(asCaptureError(err, patch.file)));
          });
        });
        active.wakeAt(emitter.targetChunkFrames);
      }

      const outcome = (cancelled: boolean, renderMs: Milliseconds): StreamOutcome => ({
        chunks: handover.chunkFrames.length,
        chunkFrames: handover.chunkFrames,
        capture: kind,
        drive,
        probeRtf,
        renderMs,
        cancelled,
        skippedPoints,
        buildMs,
        workletScopeStarted,
        outputReleasedBytes: release?.releasedBytes ?? 0,
        outputRetainedBytes: cancelled ? 0 : (release?.retainedBytes ?? 0),
      });
      if (control.cancelled) return outcome(true, 0);
      const started = performance.now();
      observedAt = started;
      const rendering = ctx.startRendering();
      rendering.then(
        (buffer) => (heldOutput.buffer = buffer),
        () => undefined,
      );
      const cancelled = await Promise.race([rendering.then(() => false), control.whenCancelled.then(() => true)]);
      if (cancelled || control.cancelled) return outcome(true, performance.now() - started);
      active.listen(() => undefined);
      pending.pushAll(await active.take(info.frames));
      releaseFinishedContext(ctx);
      handover.emitUntil(info.frames, pending);
      const renderMs = performance.now() - started;
      if (probeRtf === 0) probeRtf = renderMs / 1000 / info.duration;
      sink.progress({ framesDone: info.frames, framesTotal: info.frames, rtf: emitter.estimatedRtf ?? probeRtf, chunkFrames: emitter.targetChunkFrames });
      return outcome(false, renderMs);
    } finally {
      release?.stop();
      heldOutput.buffer = undefined;
      faults.set(undefined);
      capture?.dispose();
      if (patch.workletNodes > 0 || capture?.kind === 'worklet') prepareSpareContextSoon(web, streamedContextShape(info));
    }
  });
}

/** The context of a streamed render: one channel (see renderStreamed). */
function streamedContextShape(info: PatchInfo): ContextShape {
  return { numberOfChannels: 1, length: contextFramesFor(info), sampleRate: info.sampleRate };
}

/** After a streamed render that used an AudioWorklet: the next render's context, its scope started once this one has reported. */
function prepareSpareContextSoon(web: WebAudioModule, shape: ContextShape): void {
  setImmediate(() => prepareSpareContext(web, shape));
}

function asCaptureError(err: unknown, file: string): PatchError {
  return err instanceof PatchError ? err : new PatchError('runtime', `capture failed: ${err instanceof Error ? err.message : String(err)}`, file);
}
