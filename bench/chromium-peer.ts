/**
 * The peer measurement for `npm run bench`: renders patches in headless Chromium's OfflineAudioContext, the
 * Web Audio engine most patches are written against, so Patchscope's render times have a yardstick.
 *
 * Each patch is bundled with esbuild into a browser script and run under the same contract as the engine:
 * `Math.random` seeded (0x5eed while the module evaluates, then the patch's seed before every build), the
 * patch's `out` a unity-gain bus into the destination, and `ctx.audioWorklet.addModule('./x.js')` resolving
 * against the patch's folder. Pages live on a fake origin, https://patchscope.local, whose paths mirror the
 * file system: the page of /a/b/x.synth.js sits at https://patchscope.local/a/b/, so relative worklet URLs
 * resolve exactly as relative file paths do. Chromium fetches worklet modules outside the reach of Playwright's
 * request routing, so the page's `addModule` fetches the module itself (a routed request, answered with the
 * module bundled by esbuild and its `Math.random` seeded) and hands Chromium a blob URL.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { chromium, type Browser, type Route } from 'playwright-core';
import { createSeededRandom } from '../src/engine/seeded-random';
import { median } from '../src/engine/statistics';

/** One patch measured in Chromium. */
export interface ChromiumPeerResult {
  /** The patch path as given. */
  patch: string;
  /** Audio duration of the patch in seconds (0 when the patch could not be loaded). */
  seconds: number;
  /** Median time of `startRendering()` over the runs, in milliseconds (NaN on error). */
  oneShotMs: number;
  /** Every run's `startRendering()` time in milliseconds, in order. */
  runsMs: number[];
  /**
   * The first run's `build()` time in milliseconds: the patch's code runs for the first time, as after an edit in
   * the editor (NaN on error). Later runs reuse code Chromium has already optimised.
   */
  firstBuildMs: number;
  /** Every run's `build()` time in milliseconds, in order. */
  buildsMs: number[];
  /** Largest absolute sample of the last render, over all channels (NaN on error). */
  peak: number;
  /** Why the patch could not be measured, if it could not. */
  error?: string;
}

/** Options of `measureChromium`. */
export interface ChromiumPeerOptions {
  /** Renders per patch; the reported time is their median (default 3). */
  runs?: number;
  /** Chromium binary (default /usr/bin/chromium). */
  executablePath?: string;
  /** Longest time allowed for one patch, all runs included, in milliseconds (default 300000). */
  timeoutMs?: number;
}

/** Seed of `Math.random` while a patch module's top-level code runs, as in the engine's patch loader. */
const MODULE_EVALUATION_SEED = 0x5eed;
const ORIGIN = 'https://patchscope.local';
/** File name of the page inside the patch's folder; chosen so it cannot shadow a real file. */
const PAGE_NAME = '__patchscope_chromium_peer__.html';
const BUNDLE_NAME = '__patchscope_chromium_peer__.js';
/** A virtual module imported before the patch: seeds Math.random and installs the worklet loader. */
const PRELUDE_MODULE = 'patchscope-peer:prelude';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--headless',
];

/** What the page returns after rendering a patch. */
interface PageOutcome {
  seconds: number;
  runsMs: number[];
  buildsMs: number[];
  peak: number;
  nonFinite: number;
}

/** Globals the page bundle defines for `renderInPage`. */
interface PeerGlobals {
  __patchscopePeer?: { patch: unknown; createSeededRandom: (seed: number) => () => number };
}

/**
 * Renders every patch in headless Chromium `runs` times and reports the median `startRendering()` time.
 * The browser is launched once for all patches; a patch that fails yields a result with `error` instead of
 * stopping the others.
 */
export async function measureChromium(patchPaths: string[], opts: ChromiumPeerOptions = {}): Promise<ChromiumPeerResult[]> {
  const runs = Math.max(1, Math.floor(opts.runs ?? 3));
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const browser = await chromium.launch({
    executablePath: opts.executablePath ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const results: ChromiumPeerResult[] = [];
    for (const patch of patchPaths) results.push(await measureOne(browser, patch, runs, timeoutMs));
    return results;
  } finally {
    await browser.close();
  }
}

async function measureOne(browser: Browser, patch: string, runs: number, timeoutMs: number): Promise<ChromiumPeerResult> {
  const file = path.resolve(patch);
  const failed = (error: string, seconds = 0): ChromiumPeerResult => ({
    patch,
    seconds,
    oneShotMs: Number.NaN,
    runsMs: [],
    firstBuildMs: Number.NaN,
    buildsMs: [],
    peak: Number.NaN,
    error,
  });
  let script: string;
  try {
    script = await bundlePatchForPage(file);
  } catch (err) {
    return failed(`cannot bundle ${patch}: ${errorText(err)}`);
  }
  const site: PeerSite = { script, seed: 1 };
  const context = await browser.newContext();
  try {
    await context.route(`${ORIGIN}/**`, (route) => serve(route, site));
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${ORIGIN}${toUrlPath(path.dirname(file))}/${PAGE_NAME}`);
    if (pageErrors.length > 0) return failed(`patch module threw: ${pageErrors[0]}`);
    // Worklet modules are bundled on request, seeded with the patch's own seed.
    site.seed = await page.evaluate(() => {
      const patch = (globalThis as PeerGlobals).__patchscopePeer?.patch as { seed?: unknown } | undefined;
      return typeof patch?.seed === 'number' ? patch.seed : 1;
    });
    const outcome = await withTimeout(page.evaluate(renderInPage, runs), timeoutMs, `took longer than ${timeoutMs} ms`);
    if (typeof outcome === 'string') return failed(outcome);
    if (outcome.nonFinite > 0) return failed(`${outcome.nonFinite} samples are NaN or infinite`, outcome.seconds);
    return {
      patch,
      seconds: outcome.seconds,
      oneShotMs: median(outcome.runsMs),
      runsMs: outcome.runsMs,
      firstBuildMs: outcome.buildsMs[0] ?? Number.NaN,
      buildsMs: outcome.buildsMs,
      peak: outcome.peak,
    };
  } catch (err) {
    return failed(errorText(err));
  } finally {
    await context.close();
  }
}

/**
 * Runs inside the page: validates the patch, then builds and renders it `runs` times, timing `build()` and
 * `startRendering()` apart. Returns an error message instead of throwing, so it reaches the caller intact.
 */
async function renderInPage(runs: number): Promise<PageOutcome | string> {
  const peer = (globalThis as PeerGlobals).__patchscopePeer;
  if (!peer) return 'the patch bundle did not load';
  const patch = peer.patch as Partial<Record<'duration' | 'sampleRate' | 'channels' | 'seed' | 'build', unknown>> | undefined;
  if (!patch || typeof patch !== 'object') return 'the patch has no default export object';
  if (typeof patch.duration !== 'number' || !(patch.duration > 0)) return 'the patch duration must be a positive number';
  if (typeof patch.build !== 'function') return 'the patch has no build(ctx, out) function';
  const build = patch.build as (ctx: BaseAudioContext, out: AudioNode) => unknown;
  const sampleRate = typeof patch.sampleRate === 'number' ? patch.sampleRate : 48000;
  const channels = typeof patch.channels === 'number' ? patch.channels : 2;
  const seed = typeof patch.seed === 'number' ? patch.seed : 1;
  const length = Math.round(patch.duration * sampleRate);
  const runsMs: number[] = [];
  const buildsMs: number[] = [];
  let peak = 0;
  let nonFinite = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const ctx = new OfflineAudioContext({ numberOfChannels: channels, length, sampleRate });
      // Same shape as the engine: the patch connects to a unity-gain bus that feeds the destination.
      const bus = new GainNode(ctx, {
        gain: 1,
        channelCount: channels,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
      });
      bus.connect(ctx.destination);
      Math.random = peer.createSeededRandom(seed);
      const building = performance.now();
      await build.call(patch, ctx, bus);
      buildsMs.push(performance.now() - building);
      const started = performance.now();
      const rendered = await ctx.startRendering();
      runsMs.push(performance.now() - started);
      peak = 0;
      nonFinite = 0;
      for (let channel = 0; channel < rendered.numberOfChannels; channel++) {
        const samples = rendered.getChannelData(channel);
        for (let i = 0; i < samples.length; i++) {
          const magnitude = Math.abs(samples[i]);
          if (!Number.isFinite(magnitude)) nonFinite++;
          else if (magnitude > peak) peak = magnitude;
        }
      }
    }
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  return { seconds: patch.duration, runsMs, buildsMs, peak, nonFinite };
}

/**
 * Bundles the patch into a browser script that seeds `Math.random` first, then exposes the default export.
 * The generator's own source text goes into the page, so page and engine run the very same code.
 */
async function bundlePatchForPage(file: string): Promise<string> {
  const entry = [
    `import { createSeededRandom } from ${JSON.stringify(PRELUDE_MODULE)};`,
    `import * as patchModule from ${JSON.stringify(file)};`,
    'globalThis.__patchscopePeer = { patch: patchModule.default, createSeededRandom };',
  ].join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: path.dirname(file), sourcefile: 'chromium-peer-entry.js', loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        // Imported before the patch, so Math.random is seeded when the patch module's top-level code runs.
        name: 'patchscope-peer-prelude',
        setup(build) {
          build.onResolve({ filter: /^patchscope-peer:prelude$/ }, () => ({ path: 'prelude', namespace: 'patchscope-peer' }));
          build.onLoad({ filter: /.*/, namespace: 'patchscope-peer' }, () => ({
            contents: [
              `export const createSeededRandom = (${createSeededRandom.toString()});`,
              `Math.random = createSeededRandom(${MODULE_EVALUATION_SEED});`,
              `(${installWorkletLoader.toString()})();`,
            ].join('\n'),
            loader: 'js',
          }));
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}

/**
 * Runs in the page (injected by its source text, so it refers to nothing outside its body): makes
 * `addModule` fetch same-origin modules through the routed origin and load them from a blob URL.
 */
function installWorkletLoader(): void {
  const original = AudioWorklet.prototype.addModule;
  // Anonymous on purpose: a named function expression would make tsx and esbuild add a `__name` helper call.
  AudioWorklet.prototype.addModule = async function (this: AudioWorklet, moduleUrl: string | URL, options?: WorkletOptions): Promise<void> {
    const absolute = new URL(String(moduleUrl), document.baseURI);
    if (absolute.origin !== location.origin) return original.call(this, String(moduleUrl), options);
    const response = await fetch(absolute.href);
    const code = await response.text();
    if (!response.ok) throw new DOMException(`Failed to load worklet module ${absolute.pathname}: ${code}`, 'AbortError');
    const blobUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    try {
      await original.call(this, blobUrl, options);
    } finally {
      URL.revokeObjectURL(blobUrl);
    }
  };
}

/** Bundles a worklet module into one ES module whose `Math.random` is seeded like the patch's. */
async function bundleWorkletForPage(file: string, seed: number): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return `Math.random = (${createSeededRandom.toString()})(${seed});\n${result.outputFiles[0].text}`;
}

/** What the fake origin serves for one patch. */
interface PeerSite {
  /** The bundled patch script. */
  script: string;
  /** The patch's seed, for the `Math.random` of its worklet modules. */
  seed: number;
}

/** Answers a request to the fake origin: the page, the patch bundle, or a worklet module from disk. */
async function serve(route: Route, site: PeerSite): Promise<void> {
  const url = new URL(route.request().url());
  const name = path.basename(url.pathname);
  if (name === PAGE_NAME) {
    await route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><script src="${BUNDLE_NAME}"></script>` });
    return;
  }
  if (name === BUNDLE_NAME) {
    await route.fulfill({ contentType: 'text/javascript', body: site.script });
    return;
  }
  const file = fromUrlPath(url.pathname);
  if (!/\.(m?js|ts)$/.test(file)) {
    await route.fulfill({ status: 404, body: `not served: ${file}` });
    return;
  }
  try {
    await route.fulfill({ contentType: 'text/javascript', body: await bundleWorkletForPage(file, site.seed) });
  } catch (err) {
    // The page sees a failed addModule(); the message names the file.
    await route.fulfill({ status: 404, body: `cannot load ${file}: ${errorText(err)}` });
  }
}

/** A file system path as a URL path on the fake origin (each segment percent-encoded). */
function toUrlPath(dir: string): string {
  return path.resolve(dir).split(path.sep).map(encodeURIComponent).join('/');
}

/** The file system path a URL path on the fake origin stands for. */
function fromUrlPath(urlPath: string): string {
  return path.resolve('/', ...urlPath.split('/').map(decodeURIComponent));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(message), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
