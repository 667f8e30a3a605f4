/**
 * node-web-audio-api starts an AudioWorklet's global scope (a Node worker thread) on a context's first
 * `addModule()`: 39 to 46 ms, against 1.2 to 1.6 ms to add a module to a scope already running. A patch with an
 * AudioWorklet pays it on every render, so every edit of example 04 waited for it before its first chunk. After a
 * streamed render that used an AudioWorklet, the render worker makes the context of the next one ahead of time, with its
 * scope started: a re-render after an edit (same duration, rate and channels) takes it ready. A spare holds an
 * idle thread (the scope polls only once a processor exists) and is released when a render needs another shape.
 */
import { releaseFinishedContext } from './context-release';
import type { WebAudioModule } from './patch-loader';
import { resetRaisedThreadPriorities } from './thread-priority';
import type { Frames, Hertz } from './units';

/** What a context is made with: a spare serves only a render that asks for the same. */
export interface ContextShape {
  numberOfChannels: number;
  length: Frames;
  sampleRate: Hertz;
}

/** node-web-audio-api's private method that ends a context's worklet scope (description of its symbol). */
const WORKLET_RELEASE = 'node-web-audio-api:worklet-release';

let spare: { shape: ContextShape; context: Promise<OfflineAudioContext> } | undefined;
let emptyModuleUrl: string | undefined;

/** A context of this shape, made for one render. */
export interface TakenContext {
  ctx: OfflineAudioContext;
  /** True when it is the spare: its AudioWorklet scope already runs. */
  workletScopeStarted: boolean;
}

/** A context of this shape: the spare if it matches (its worklet scope started), otherwise a new one. */
export async function takeContext(web: WebAudioModule, shape: ContextShape): Promise<TakenContext> {
  const taken = spare;
  spare = undefined;
  if (taken && sameShape(taken.shape, shape)) {
    try {
      return { ctx: await taken.context, workletScopeStarted: true };
    } catch {
      // The scope did not start: a new context starts its own when the patch adds a module.
    }
  } else if (taken) {
    void releaseSpare(taken.context);
  }
  return { ctx: new web.OfflineAudioContext(shape), workletScopeStarted: false };
}

/** Makes a context of this shape with its worklet scope started, for the next render (replacing any other spare). */
export function prepareSpareContext(web: WebAudioModule, shape: ContextShape): void {
  if (spare && sameShape(spare.shape, shape)) return;
  if (spare) void releaseSpare(spare.context);
  const context = (async (): Promise<OfflineAudioContext> => {
    const ctx = new web.OfflineAudioContext(shape);
    emptyModuleUrl ??= URL.createObjectURL(new Blob([''], { type: 'text/javascript' }));
    await ctx.audioWorklet.addModule(emptyModuleUrl);
    resetRaisedThreadPriorities();
    return ctx;
  })();
  // A spare that fails to start is simply not used (takeContext makes a new context instead).
  context.catch(() => undefined);
  spare = { shape, context };
}

function sameShape(a: ContextShape, b: ContextShape): boolean {
  return a.numberOfChannels === b.numberOfChannels && a.length === b.length && a.sampleRate === b.sampleRate;
}

/** Ends a spare's worklet thread and lets its context be collected. */
async function releaseSpare(context: Promise<OfflineAudioContext>): Promise<void> {
  let ctx: OfflineAudioContext;
  try {
    ctx = await context;
  } catch {
    return;
  }
  await releaseUnrenderedContext(ctx);
}

/** Ends the worklet thread of a context that will not render (its scope otherwise runs until the process exits). */
export async function releaseUnrenderedContext(ctx: OfflineAudioContext): Promise<void> {
  const worklet = ctx.audioWorklet as unknown as Record<symbol, unknown>;
  const release = Object.getOwnPropertySymbols(Object.getPrototypeOf(worklet) as object).find((symbol) => symbol.description === WORKLET_RELEASE);
  const end = release ? worklet[release] : undefined;
  if (typeof end === 'function') await (end as () => Promise<void>).call(worklet);
  releaseFinishedContext(ctx);
}
