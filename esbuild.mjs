// Builds every bundle: `node esbuild.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Node-side bundles share these settings; node-web-audio-api stays external (native binary, ESM only). */
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

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { 'render-worker': 'src/engine/render-worker.ts' }, outdir: 'dist' },
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

const existing = (await import('node:fs')).existsSync;
const active = builds.filter((b) => Object.values(b.entryPoints).every((p) => existing(p)));

if (watch) {
  for (const b of active) await (await esbuild.context(b)).watch();
  console.log(`watching ${active.length} bundles`);
} else {
  await Promise.all(active.map((b) => esbuild.build(b)));
}
