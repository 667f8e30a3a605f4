// An esbuild plugin that bundles node-web-audio-api's JavaScript into the render worker (`esbuild.mjs`).
//
// node-web-audio-api ships about 50 ES modules; Node's ES module loader resolves, reads, compiles and links each
// one, and importing the package took 80 to 107 ms in a bare process against 13 to 18 ms for the same code
// bundled into one CommonJS file (a render worker loads it at every start, and every cancelled render starts
// one). The package stays installed: its native binary and the AudioWorklet scope's script are loaded from its
// folder, found at run time. The few module-relative expressions are rewritten to that folder; the build fails if
// an `import.meta` is left, so an update of the package that adds one is noticed here, not in a render.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The package whose JavaScript is inlined. */
const PACKAGE = 'node-web-audio-api';

/**
 * Helpers the rewritten modules call, defined once at the top of the bundle. The package's folder is resolved
 * when first needed, from the bundle's own location (dist/ in a checkout or in the installed extension).
 */
export const WEB_AUDIO_INLINE_BANNER = `
var __webAudioPackageDir;
function __webAudioDir(relative) {
  __webAudioPackageDir ??= require('node:path').dirname(require.resolve(${JSON.stringify(PACKAGE)}));
  return require('node:path').join(__webAudioPackageDir, relative);
}
function __webAudioLazyImport(specifier, relative) {
  // Loaded on first use, from the package's folder: the worker never pays for a dependency a patch does not use.
  const resolved = require('node:module').createRequire(__webAudioDir(relative + '/index.js')).resolve(specifier);
  return import(require('node:url').pathToFileURL(resolved).href);
}
function __webAudioResolve(specifier) {
  const resolved = require('node:module').createRequire(require('node:path').join(process.cwd(), 'index.js')).resolve(specifier);
  return require('node:url').pathToFileURL(resolved).href;
}
`;

/** The AudioWorklet scope's script, bundled beside the render worker (the second build in esbuild.mjs). */
export const WORKLET_SCOPE_BUNDLE = 'audio-worklet-scope.js';

/** Rewrites one module of the package; `relative` is its folder relative to the package's. */
function rewrite(source, relative, file) {
  const dir = JSON.stringify(relative);
  let text = source
    // The scope's thread runs the bundled copy of its script, which starts sooner than the package's modules.
    .replace(/path\.join\(import\.meta\.dirname, 'AudioWorkletGlobalScope\.js'\)/, `require('node:path').join(__dirname, ${JSON.stringify(WORKLET_SCOPE_BUNDLE)})`)
    .replaceAll('createRequire(import.meta.url)', `createRequire(__webAudioDir(${JSON.stringify(path.posix.join(relative, 'index.js'))}))`)
    .replaceAll('import.meta.dirname', `__webAudioDir(${dir})`)
    .replaceAll('import.meta.resolve(', '__webAudioResolve(');
  // node-fetch serves only addModule() with an http(s) URL: imported when that happens, not at start-up.
  text = text.replace(/^import\s+(\w+)\s+from\s+'node-fetch';$/m, (_, name) => `const ${name} = async (...args) => (await __webAudioLazyImport('node-fetch', ${dir})).default(...args);`);
  // Comments may mention import.meta; code may not.
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  if (code.includes('import.meta')) throw new Error(`${file}: an import.meta expression this plugin does not rewrite`);
  if (/from\s+'node-fetch'/.test(code)) throw new Error(`${file}: an import of node-fetch this plugin does not defer`);
  return text;
}

/** The plugin: every .js file of the package is loaded through rewrite(). */
export function webAudioInlinePlugin() {
  return {
    name: 'web-audio-inline',
    setup(build) {
      const filter = new RegExp(`[\\\\/]node_modules[\\\\/]${PACKAGE}[\\\\/].*\\.js$`);
      build.onLoad({ filter }, (args) => {
        const packageRoot = args.path.slice(0, args.path.lastIndexOf(PACKAGE) + PACKAGE.length);
        const relative = path.relative(packageRoot, path.dirname(args.path)).split(path.sep).join('/') || '.';
        return { contents: rewrite(fs.readFileSync(args.path, 'utf8'), relative, args.path), loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/** The installed package's AudioWorklet scope script: the entry point of the WORKLET_SCOPE_BUNDLE build. */
export function workletScopeEntry() {
  const index = createRequire(import.meta.url).resolve(PACKAGE);
  return path.join(path.dirname(index), 'js', 'AudioWorkletGlobalScope.js');
}
