// Entry of a render worker thread: loads node-web-audio-api once, then renders patches on request.
import { parentPort } from 'node:worker_threads';
import { format } from 'node:util';
import { bundlePatch } from './patch-bundler';
import { PatchError } from './patch-error';
import { evaluatePatch, loadWebAudio, toPatchError, type LoadedPatch } from './patch-loader';
import { renderOneShot, renderStreamed, type RenderControl } from './offline-render';
import type { FromWorker, ToWorker, WorkerRenderRequest } from './worker-protocol';
import type { Frames } from './units';

const port = parentPort;
if (!port) throw new Error('render-worker must run in a worker thread');

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** The render in progress (one at a time per worker). */
let current: { id: number; control: RenderControl & { cancel(): void }; patch?: LoadedPatch; fault?: (error: PatchError) => void } | undefined;
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
  const render: NonNullable<typeof current> = { id: request.id, control };
  current = render;
  let captured: { current: () => Frames } = { current: () => 0 };
  const heartbeat = setInterval(() => post({ type: 'heartbeat', id: request.id, framesCaptured: captured.current() }), 200);
  try {
    const web = await loadWebAudio();
    post({ type: 'phase', id: request.id, phase: 'building' });
    const text = request.source.text;
    const bundle = await bundlePatch(request.source);
    const patch = evaluatePatch(bundle, text, request.maxDuration);
    render.patch = patch;
    post({ type: 'info', id: request.id, info: patch.info, loadMs: performance.now() - received });
    if (request.mode === 'oneshot') {
      const channels = await renderOneShot(web, patch, faults);
      post({ type: 'oneshot-done', id: request.id, channels, totalMs: performance.now() - received }, channels.map((c) => c.buffer as ArrayBuffer));
      return;
    }
    captured = { current: () => 0 };
    const outcome = await renderStreamed(
      web,
      patch,
      { ...request.chunk, capture: request.capture },
      {
        chunk: (chunk) => {
          if (control.cancelled) return;
          post({ type: 'chunk', id: request.id, startFrame: chunk.startFrame, channels: chunk.channels, atMs: performance.now() - received }, chunk.channels.map((c) => c.buffer as ArrayBuffer));
        },
        progress: (progress) => {
          if (!control.cancelled) post({ type: 'progress', id: request.id, progress });
        },
      },
      control,
      faults,
      captured,
    );
    post({ type: 'stream-done', id: request.id, ...outcome, totalMs: performance.now() - received });
  } catch (err) {
    const error = err instanceof PatchError ? err : toPatchError(err, request.source.path, render.patch?.mappers ?? []);
    post({ type: 'error', id: request.id, error: error.toData() });
  } finally {
    clearInterval(heartbeat);
    if (current === render) current = undefined;
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'render') void handleRender(message);
  else if (message.type === 'cancel' && current?.id === message.id) current.control.cancel();
});

void loadWebAudio().then(() => post({ type: 'ready' }));
