// Builds every bundle: `node esbuild.mjs [--watch] [--production]`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';
import { WEB_AUDIO_INLINE_BANNER, WORKLET_SCOPE_BUNDLE, webAudioInlinePlugin, workletScopeEntry } from './scripts/web-audio-inline.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Node-side bundles share these settings; node-web-audio-api stays external except in the render worker. */
const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: production ? false : 'linked',
  minify: production,
  external: ['vscode', 'node-web-audio-api', 'esbuild', 'esbuild-wasm', '@ffmpeg-installer/ffmpeg', 'playwright-core'],
  logLevel: 'warning',
};

/** The render worker and its AudioWorklet scope script carry node-web-audio-api's JavaScript (scripts/web-audio-inline.mjs). */
const webAudioInline = {
  external: nodeCommon.external.filter((name) => name !== 'node-web-audio-api'),
  plugins: [webAudioInlinePlugin()],
  banner: { js: WEB_AUDIO_INLINE_BANNER },
};

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...nodeCommon, ...webAudioInline, entryPoints: { 'render-worker': 'src/engine/render-worker.ts' }, outdir: 'dist' },
  { ...nodeCommon, ...webAudioInline, entryPoints: { [WORKLET_SCOPE_BUNDLE.replace(/\.js$/, '')]: workletScopeEntry() }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    sourcemap: production ? false : 'linked',
    minify: production,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    loader: { '.css': 'text' },
    logLevel: 'warning',
  },
];

/**
 * The render worker's native addon (src/engine/native/page-release.c, Linux only): built with the system's C
 * compiler when there is one. Without it everything works; long streamed renders just keep their output buffer.
 */
function buildPageReleaseAddon() {
  if (process.platform !== 'linux') return;
  const source = 'src/engine/native/page-release.c';
  const target = 'dist/page-release.node';
  if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(source).mtimeMs) return;
  const headers = 'node_modules/node-api-headers/include';
  fs.mkdirSync('dist', { recursive: true });
  const cc = process.env.CC || 'cc';
  const result = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-Wall', '-I', headers, '-o', `${target}.tmp`, source], { encoding: 'utf8' });
  if (result.status === 0) fs.renameSync(`${target}.tmp`, target);
  else console.warn(`patchscope: ${target} not built (${result.error ? `${cc}: ${result.error.message}` : result.stderr.trim()}); long streamed renders will keep their whole output in memory`);
}
buildPageReleaseAddon();

const active = builds.filter((b) => Object.values(b.entryPoints).every((p) => fs.existsSync(p)));

if (watch) {
  for (const b of active) await (await esbuild.context(b)).watch();
  console.log(`watching ${active.length} bundles`);
} else {
  await Promise.all(active.map((b) => esbuild.build(b)));
}
