import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cacheChannelData } from './channel-data-cache';
import { deferWorkletFetch } from './deferred-fetch';
import { memoizeImmutableAttributes } from './immutable-attributes';
import { bundleWorkletModule, type PatchBundle } from './patch-bundler';
import { PatchError } from './patch-error';
import { validatePatch, type PatchDefinition } from './patch-validation';
import type { PatchInfo } from './render-types';
import { createSeededRandom } from './seeded-random';
import { resetRaisedThreadPriorities } from './thread-priority';
import { BundleSourceMapper, locateInStack } from './source-mapper';
import type { Seconds } from './units';

/** The node-web-audio-api module, loaded once per worker. */
export type WebAudioModule = typeof import('node-web-audio-api');

let webAudio: WebAudioModule | undefined;

/** Loads node-web-audio-api (ESM, native) and exposes its classes as globals, as in a browser. */
export async function loadWebAudio(): Promise<WebAudioModule> {
  if (webAudio) return webAudio;
  deferWorkletFetch();
  const loaded = (await import('node-web-audio-api')) as WebAudioModule & { default?: WebAudioModule };
  webAudio = loaded;
  memoizeImmutableAttributes(loaded);
  const exposed: Record<string, unknown> = { ...loaded, ...cacheChannelData(loaded) };
  const globals = globalThis as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(exposed)) {
    if (name !== 'default' && typeof value === 'function' && globals[name] === undefined) globals[name] = value;
  }
  return loaded;
}

/** A patch evaluated and validated, ready to build into contexts. */
export interface LoadedPatch {
  file: string;
  definition: PatchDefinition;
  info: PatchInfo;
  /** Source mappers for the patch bundle and every worklet module it loaded, for locating errors. */
  mappers: BundleSourceMapper[];
  /** AudioWorkletNodes the patch created in its latest build. */
  workletNodes: number;
}

/** Bundles an AudioWorklet module; render workers ask their pool to do it (see RenderPool). */
export type WorkletBundler = (file: string) => Promise<PatchBundle>;

let workletBundler: WorkletBundler = bundleWorkletModule;

/** Replaces how worklet modules are bundled (render workers delegate it to their pool). */
export function setWorkletBundler(bundler: WorkletBundler): void {
  workletBundler = bundler;
}

/** Seed of `Math.random` while a patch module's top-level code runs (before its own seed is known). */
const MODULE_EVALUATION_SEED = 0x5eed;

/** Evaluates a bundled patch and validates its default export. */
export function evaluatePatch(bundle: PatchBundle, text: string | undefined, maxDuration: Seconds): LoadedPatch {
  const bundleName = `${bundle.file}.patchscope-bundle.js`;
  const mapper = new BundleSourceMapper(bundleName, bundle.map);
  const module = { exports: {} as Record<string, unknown> };
  Math.random = createSeededRandom(MODULE_EVALUATION_SEED);
  try {
    const run = vm.compileFunction(bundle.code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: bundleName });
    run(module.exports, createRequire(bundle.file), module, bundle.file, path.dirname(bundle.file));
  } catch (err) {
    throw toPatchError(err, bundle.file, [mapper]);
  }
  const exported = '__esModule' in module.exports || 'default' in module.exports ? module.exports.default : undefined;
  const { definition, info } = validatePatch(exported, bundle.file, text, maxDuration);
  return { file: bundle.file, definition, info, mappers: [mapper], workletNodes: 0 };
}

/** Converts anything thrown by patch code into a PatchError located in the user's source. */
export function toPatchError(err: unknown, file: string, mappers: readonly BundleSourceMapper[]): PatchError {
  if (err instanceof PatchError) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  const loc = locateInStack(error.stack, mappers);
  const message = error.name && error.name !== 'Error' && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
  return new PatchError('runtime', message, loc?.file ?? file, loc?.line, loc?.column);
}

/** Reports errors from patch code that are not thrown to the engine (processor errors). */
export type PatchFaultHandler = (error: PatchError) => void;

/**
 * Makes a fresh context behave as the patch format promises: `ctx.destination` is the capture bus (so a patch
 * that connects to the destination is heard too), worklet modules resolve against the patch folder and see the
 * seeded `Math.random`, and processor errors reach `onFault`.
 */
export function preparePatchContext(ctx: OfflineAudioContext, bus: AudioNode, patch: LoadedPatch, onFault: PatchFaultHandler): void {
  Object.defineProperty(ctx, 'destination', { value: bus, configurable: true });
  const worklet = ctx.audioWorklet;
  const addModule = worklet.addModule.bind(worklet);
  const patchDir = path.dirname(patch.file);
  Object.defineProperty(worklet, 'addModule', {
    configurable: true,
    value: async (moduleUrl: string | URL, options?: WorkletOptions): Promise<void> => {
      // Taken before any await, while the patch's own frame is on the stack: a module that cannot be found or
      // loaded is reported at the line that asked for it.
      const callSite = new Error().stack;
      const atCallSite = (message: string): PatchError => {
        const loc = locateInStack(callSite, patch.mappers);
        return new PatchError('runtime', message, loc?.file ?? patch.file, loc?.line, loc?.column);
      };
      const url = String(moduleUrl);
      if (/^(https?|blob|data):/.test(url)) return addModule(url, options);
      // fileURLToPath decodes what a URL escapes (a folder named 'My Patches' is My%20Patches in one).
      const file = url.startsWith('file:') ? fileURLToPath(url) : path.resolve(patchDir, url);
      if (!existsSync(file)) throw atCallSite(`AudioWorklet module ${url} not found (no file ${file})`);
      const bundle = await workletBundler(file);
      const prelude = `Math.random = (${createSeededRandom.toString()})(${patch.info.seed});\n`;
      const code = prelude + bundle.code;
      // node-web-audio-api imports blob code as this exact data: URL, so stack traces name it.
      const dataUrl = `data:text/javascript;base64,${Buffer.from(code, 'utf8').toString('base64')}`;
      patch.mappers.push(new BundleSourceMapper(dataUrl, shiftMapLines(bundle.map, prelude.split('\n').length - 1)));
      const blobUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      try {
        await addModule(blobUrl, options);
        // The worklet thread starts now; it raises its own priority when it first polls (see thread-priority.ts).
        resetRaisedThreadPriorities();
        setTimeout(resetRaisedThreadPriorities, 5);
      } catch (err) {
        const cause = err instanceof Error ? err : new Error(String(err));
        const message = `cannot load AudioWorklet module ${url}: ${cause.message}`;
        // An error in the module's own code is shown there; any other at the patch's call.
        const inModule = locateInStack(cause.stack, patch.mappers);
        throw inModule ? new PatchError('runtime', message, inModule.file, inModule.line, inModule.column) : atCallSite(message);
      } finally {
        URL.revokeObjectURL(blobUrl);
      }
    },
  });
  watchProcessorErrors(patch, onFault);
}

/** Prefixes a source map with empty lines, for code that was prepended to the bundle. */
function shiftMapLines(mapText: string, lines: number): string {
  const map = JSON.parse(mapText) as { mappings: string };
  map.mappings = ';'.repeat(lines) + map.mappings;
  return JSON.stringify(map);
}

let faultTarget: { patch: LoadedPatch; onFault: PatchFaultHandler } | undefined;

/** Routes `processorerror` of every AudioWorkletNode the patch creates to the current render. */
function watchProcessorErrors(patch: LoadedPatch, onFault: PatchFaultHandler): void {
  faultTarget = { patch, onFault };
  const globals = globalThis as unknown as { AudioWorkletNode: typeof AudioWorkletNode & { patchscopeWatched?: boolean } };
  const Base = globals.AudioWorkletNode;
  if (Base.patchscopeWatched) return;
  class WatchedAudioWorkletNode extends Base {
    static override patchscopeWatched = true;
    constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
      super(context, name, options);
      if (faultTarget) faultTarget.patch.workletNodes++;
      this.addEventListener('processorerror', (event: Event) => {
        const target = faultTarget;
        if (!target) return;
        const error = (event as ErrorEvent).error ?? new Error((event as ErrorEvent).message);
        const located = toPatchError(error, target.patch.file, target.patch.mappers);
        target.onFault(new PatchError('runtime', `AudioWorkletProcessor '${name}': ${located.message}`, located.file, located.line, located.column));
      });
    }
  }
  globals.AudioWorkletNode = WatchedAudioWorkletNode;
}
