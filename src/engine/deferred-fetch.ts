/**
 * node-web-audio-api imports node-fetch when it loads, for one use: `audioWorklet.addModule()` with an http(s) URL.
 * node-fetch brings Node's HTTP, TLS and compression modules with it, for a feature most patches never use:
 * importing node-web-audio-api took 62 to 67 ms and 27.2 MB in a bare process, 37 to 51 ms and 18.9 MB with
 * node-fetch deferred; a render worker is 4 MB smaller through an hour-long render (97 against 101 MB at peak)
 * and starts sooner. A module resolution hook hands node-web-audio-api a stand-in that imports node-fetch on
 * its first call. The render worker's bundle defers it on its own (scripts/web-audio-inline.mjs); this hook serves
 * the engine loaded from source (the tests' own renders).
 */
import * as nodeModule from 'node:module';

let installed = false;

/** Defers node-web-audio-api's import of node-fetch until a worklet module is fetched over HTTP (where Node supports the hook). */
export function deferWorkletFetch(): void {
  if (installed) return;
  installed = true;
  // module.registerHooks: Node 22.15 and later; elsewhere node-fetch is loaded as before.
  const registerHooks = (nodeModule as Partial<typeof nodeModule>).registerHooks;
  if (typeof registerHooks !== 'function') return;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (specifier !== 'node-fetch' || !context.parentURL?.includes('/node-web-audio-api/')) return resolved;
      return { url: standInFor(resolved.url), format: 'module', shortCircuit: true };
    },
  });
}

/** A module whose default export loads the real node-fetch (at `url`) on its first call and forwards every call. */
function standInFor(url: string): string {
  const source = `export default async function fetch(...args) {\n  const { default: realFetch } = await import(${JSON.stringify(url)});\n  return realFetch(...args);\n}\n`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
