import type * as Esbuild from 'esbuild';

/** The part of esbuild's API the patch bundler uses. */
export type EsbuildApi = Pick<typeof Esbuild, 'build' | 'transform' | 'stop'>;

/** Which esbuild runs: the native binary of this platform, or the WebAssembly build of the same version. */
export type EsbuildImplementation = 'native' | 'wasm';

let chosen: Promise<{ api: EsbuildApi; implementation: EsbuildImplementation }> | undefined;

function load(implementation: EsbuildImplementation): EsbuildApi {
  // Required lazily: the native package throws here when its platform binary was not installed.
  return (implementation === 'native' ? require('esbuild') : require('esbuild-wasm')) as EsbuildApi;
}

/**
 * The esbuild this process bundles with. Native esbuild needs a binary for the platform it runs on (npm installs
 * only the one for the machine that ran `npm install`, so a packaged extension carries one platform's); where it is
 * missing or does not start, the WebAssembly build of the same version (same output, a few times slower) takes
 * over. `PATCHSCOPE_ESBUILD=wasm` chooses the WebAssembly build from the start.
 */
export function esbuildApi(): Promise<{ api: EsbuildApi; implementation: EsbuildImplementation }> {
  if (chosen) return chosen;
  const attempt = (async () => {
    let nativeProblem = 'not tried: PATCHSCOPE_ESBUILD=wasm';
    if (process.env.PATCHSCOPE_ESBUILD !== 'wasm') {
      try {
        const api = load('native');
        // Starts the service: a missing or foreign binary fails here rather than in the user's first render.
        await api.transform('', {});
        return { api, implementation: 'native' as const };
      } catch (err) {
        nativeProblem = err instanceof Error ? err.message.split('\n')[0] : String(err);
      }
    }
    try {
      const api = load('wasm');
      await api.transform('', {});
      return { api, implementation: 'wasm' as const };
    } catch (err) {
      const wasmProblem = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new Error(
        `esbuild cannot start on ${process.platform}-${process.arch}: the native binary was not usable (${nativeProblem}), and its WebAssembly build, which runs \`node\` from PATH, failed too (${wasmProblem}). Install Node.js on PATH, or reinstall the extension for this platform.`,
      );
    }
  })();
  chosen = attempt;
  // A failure is not kept: the next render tries again (after the user installed what was missing).
  attempt.catch(() => {
    if (chosen === attempt) chosen = undefined;
  });
  return attempt;
}

/** Chooses the implementation for the rest of this process (tests compare the two). */
export function useEsbuildImplementation(implementation: EsbuildImplementation): void {
  chosen = Promise.resolve({ api: load(implementation), implementation });
}

let idleStopMs: number | undefined;
let callsInFlight = 0;
let idleTimer: NodeJS.Timeout | undefined;

/**
 * Stops esbuild's service process once no call has run for `ms` milliseconds (esbuild starts it again on the next
 * call); `undefined` keeps it running, as esbuild does by default. The CLI bundles each patch once, at the start
 * of its render, and the service (12 MB) would otherwise stay beside the render for as long as it runs.
 */
export function stopEsbuildWhenIdle(ms: number | undefined): void {
  idleStopMs = ms;
  scheduleIdleStop();
}

/** Runs one esbuild call, counted so that an idle stop never interrupts it. */
export async function withEsbuild<T>(call: (api: EsbuildApi) => Promise<T>): Promise<T> {
  callsInFlight++;
  clearTimeout(idleTimer);
  try {
    const { api } = await esbuildApi();
    return await call(api);
  } finally {
    callsInFlight--;
    scheduleIdleStop();
  }
}

function scheduleIdleStop(): void {
  clearTimeout(idleTimer);
  idleTimer = undefined;
  if (idleStopMs === undefined || callsInFlight > 0 || !chosen) return;
  const started = chosen;
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    if (callsInFlight > 0 || chosen !== started) return;
    void started.then(({ api }) => api.stop()).catch(() => undefined);
  }, idleStopMs);
  idleTimer.unref();
}
