// Entry of a render worker process (forked by RenderProcess): loads node-web-audio-api once, then renders patches
// on request.
import * as path from 'node:path';
import { format } from 'node:util';
import type { PatchBundle } from './patch-bundler';
import { PatchError } from './patch-error';
import { evaluatePatch, loadWebAudio, setWorkletBundler, toPatchError, type LoadedPatch, type WebAudioModule } from './patch-loader';
import { resetRaisedThreadPriorities } from './thread-priority';
import { renderOneShot, renderStreamed, type RenderControl, type RenderPosition } from './offline-render';
import { collectWrittenChunkGarbage } from './garbage-collection';
import { peakRssMb } from './peak-memory';
import { prepareSpareContext } from './spare-context';
import { WavRenderSink } from './wav-render-sink';
import { MAX_BYTES_IN_FLIGHT, MIN_CHUNKS_IN_FLIGHT, type FromWorker, type ToWorker, type WorkerRenderRequest, type WorkerWavResult } from './worker-protocol';

if (!process.send) throw new Error('render-worker must run as a forked process (RenderProcess)');
const send = process.send.bind(process);

function post(message: FromWorker): void {
  send(message);
}

// The pool owns this process: when it goes (closed, crashed, killed), so does this render.
process.on('disconnect', () => process.exit(0));

/** Audio sent and not yet acknowledged by the consumer, with whoever waits for room. */
class ChunkCredits {
  private chunks = 0;
  private bytes = 0;
  private waiters: (() => void)[] = [];

  sent(bytes: number): void {
    this.chunks++;
    this.bytes += bytes;
  }

  acknowledged(bytes: number): void {
    this.chunks = Math.max(0, this.chunks - 1);
    this.bytes = Math.max(0, this.bytes - bytes);
    if (this.hasRoom()) for (const wake of this.waiters.splice(0)) wake();
  }

  private hasRoom(): boolean {
    return this.chunks < MIN_CHUNKS_IN_FLIGHT || this.bytes < MAX_BYTES_IN_FLIGHT;
  }

  ready(): Promise<void> {
    return this.hasRoom() ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** The render in progress (one at a time per worker). */
let current: { id: number; control: RenderControl & { cancel(): void }; credits: ChunkCredits; patch?: LoadedPatch; fault?: (error: PatchError) => void } | undefined;
const faults = {
  set(handler: ((error: PatchError) => void) | undefined): void {
    if (current) current.fault = handler;
  },
};

// Patch code may throw from a timer or an unhandled promise after build(): that is the current render's error.
function reportStray(err: unknown): void {
  const render = current;
  if (!render) return;
  const error = render.patch ? toPatchError(err, render.patch.file, render.patch.mappers) : new PatchError('runtime', String(err), '');
  if (render.fault) render.fault(error);
  else post({ type: 'error', id: render.id, error: error.toData() });
}
process.on('uncaughtException', reportStray);
process.on('unhandledRejection', reportStray);

// Patch console output (and node-web-audio-api's own logging of processor errors) goes to the pool, not stdout.
for (const level of ['log', 'warn', 'error'] as const) {
  console[level] = (...args: unknown[]) => {
    if (current) post({ type: 'log', id: current.id, level, text: format(...args) });
  };
}
console.info = console.log;
console.debug = console.log;

function createControl(): RenderControl & { cancel(): void } {
  let resolveCancel!: () => void;
  const whenCancelled = new Promise<void>((resolve) => (resolveCancel = resolve));
  const control = {
    cancelled: false,
    whenCancelled,
    cancel(): void {
      control.cancelled = true;
      resolveCancel();
    },
  };
  return control;
}

async function handleRender(request: WorkerRenderRequest): Promise<void> {
  const received = performance.now();
  const control = createControl();
  const credits = new ChunkCredits();
  const render: NonNullable<typeof current> = { id: request.id, control, credits };
  current = render;
  const position: RenderPosition = { current: () => 0 };
  let wav: WavRenderSink | undefined;
  const heartbeat = setInterval(() => {
    resetRaisedThreadPriorities();
    post({ type: 'heartbeat', id: request.id, framesRendered: position.current(), framesWritten: wav?.framesWritten ?? 0 });
  }, 200);
  try {
    const web = await loadWebAudio();
    post({ type: 'phase', id: request.id, phase: 'building' });
    const patch = evaluatePatch(request.bundle, request.source.text, request.maxDuration);
    render.patch = patch;
    post({ type: 'info', id: request.id, info: patch.info, loadMs: performance.now() - received });
    if (request.mode === 'oneshot') {
      const channels = await renderOneShot(web, patch, faults, position);
      post({ type: 'oneshot-done', id: request.id, channels, totalMs: performance.now() - received, peakRssMb: peakRssMb() });
      return;
    }
    // The chunks die here once written: collecting them at once keeps an hour-long render's memory flat.
    wav = request.wav ? await WavRenderSink.open(request.wav, patch.info, request.source.path, collectWrittenChunkGarbage) : undefined;
    try {
      const outcome = await renderStreamed(
        web,
        patch,
        { ...request.chunk, capture: request.capture },
        {
          chunk: (chunk) => {
            if (control.cancelled) return;
            if (wav) return wav.chunk(chunk);
            credits.sent(chunk.channels.reduce((sum, c) => sum + c.byteLength, 0));
            post({ type: 'chunk', id: request.id, startFrame: chunk.startFrame, channels: chunk.channels, atMs: performance.now() - received });
          },
          progress: (progress) => {
            if (!control.cancelled) post({ type: 'progress', id: request.id, progress });
          },
          ready: () => (wav ? wav.ready() : credits.ready()),
          // A render to a file is not superseded by an edit: spares serve the live preview.
          workletContext: wav ? undefined : (shape) => post({ type: 'worklet-context', id: request.id, shape }),
        },
        control,
        faults,
        position,
      );
      let written: WorkerWavResult | undefined;
      if (wav && outcome.cancelled) await wav.abort();
      else if (wav) written = await wav.finish();
      post({ type: 'stream-done', id: request.id, ...outcome, totalMs: performance.now() - received, peakRssMb: peakRssMb(), wav: written });
    } catch (err) {
      await wav?.abort();
      throw err;
    }
  } catch (err) {
    const error = err instanceof PatchError ? err : toPatchError(err, request.source.path, render.patch?.mappers ?? []);
    post({ type: 'error', id: request.id, error: error.toData() });
  } finally {
    credits.release();
    clearInterval(heartbeat);
    if (current === render) current = undefined;
  }
}

// esbuild runs in the pool's process, never here: one esbuild service serves every render.
let nextBundleRequest = 1;
const pendingBundles = new Map<number, { resolve(bundle: PatchBundle): void; reject(error: Error): void }>();
setWorkletBundler(
  (file) =>
    new Promise<PatchBundle>((resolve, reject) => {
      const requestId = nextBundleRequest++;
      pendingBundles.set(requestId, { resolve, reject });
      post({ type: 'bundle-worklet', id: current?.id ?? 0, requestId, file });
    }),
);

process.on('message', (message: ToWorker) => {
  if (message.type === 'worklet-bundle') {
    const pending = pendingBundles.get(message.requestId);
    pendingBundles.delete(message.requestId);
    if (message.bundle) pending?.resolve(message.bundle);
    else pending?.reject(message.error ? PatchError.fromData(message.error) : new Error('worklet bundling failed'));
    return;
  }
  // A spare that cannot be made is simply not there: the next render makes its own context.
  if (message.type === 'prepare-spare') void loadWebAudio().then((web) => prepareSpareContext(web, message.shape), () => undefined);
  else if (message.type === 'render') void handleRender(message);
  else if (message.type === 'cancel' && current?.id === message.id) {
    current.control.cancel();
    current.credits.release();
  } else if (message.type === 'ack' && current?.id === message.id) current.credits.acknowledged(message.bytes);
});

/** A short built-in patch: oscillators, a filter, an envelope and a delay, as most patches have. */
const WARM_UP_PATCH = `module.exports = { __esModule: true, default: { duration: 0.5, build(ctx, out) {
  const filter = new BiquadFilterNode(ctx, { frequency: 1200 });
  const level = new GainNode(ctx, { gain: 0 });
  level.gain.setValueAtTime(0, 0).linearRampToValueAtTime(0.5, 0.01).setTargetAtTime(0, 0.2, 0.05);
  const echo = new DelayNode(ctx, { delayTime: 0.1 });
  for (const frequency of [220, 331]) new OscillatorNode(ctx, { type: 'sawtooth', frequency }).connect(filter);
  filter.connect(level).connect(out);
  level.connect(echo).connect(out);
} } };`;

/**
 * Renders the built-in patch, streamed, before the worker says it is ready, and throws the audio away, so that
 * the first real render finds the engine's code compiled and node-web-audio-api's first-use set-up done. The
 * pool sends a render only after 'ready', so none overlaps the warm-up (both set the global Math.random). Every
 * cancelled render replaces its worker, so a fresh worker's first render is a common one. Measured (first
 * streamed render of a fresh, ready worker, median of 5): examples/05 25.7 -> 21.3 ms, hello 11.9 -> 7.4 ms,
 * examples/07 29.0 -> 28.6 ms.
 */
async function warmUp(web: WebAudioModule): Promise<void> {
  const file = path.join(__dirname, 'warm-up.synth.js');
  const bundle: PatchBundle = { file, code: WARM_UP_PATCH, map: '{"version":3,"sources":[],"names":[],"mappings":""}', inputs: [file] };
  const patch = evaluatePatch(bundle, undefined, 1);
  await renderStreamed(web, patch, { capture: 'auto' }, { chunk: () => undefined, progress: () => undefined, ready: () => Promise.resolve() }, createControl(), faults, { current: () => 0 });
}

void loadWebAudio().then(
  async (web) => {
    // A worker that cannot warm up can still render: the warm-up only saves time.
    await warmUp(web).catch((err: unknown) => process.stderr.write(`render worker warm-up failed: ${err instanceof Error ? err.message : String(err)}\n`));
    post({ type: 'ready' });
  },
  (err: unknown) => {
    // Without its audio engine this worker can do nothing: say why on stderr (the pool reports its last line).
    process.stderr.write(`node-web-audio-api failed to load: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(70);
  },
);
