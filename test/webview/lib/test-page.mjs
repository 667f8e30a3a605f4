// A test page for the webview modules in headless Chromium: esbuild bundles page/entry.mjs (the real
// src/webview modules), a loopback HTTP server serves it (AudioWorklet needs a secure context, which
// 127.0.0.1 is), and Debian's Chromium opens it with sound allowed without a gesture.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const pageDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'page');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

/** Bundles the page's script from the real webview sources. */
async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(pageDir, 'entry.mjs')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    loader: { '.css': 'text' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const INDEX = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; font: 13px sans-serif; }
  #app { width: 800px; height: 480px; display: flex; flex-direction: column; }
  canvas.test { width: 600px; height: 300px; display: block; }
</style></head>
<body><script src="/bundle.js"></script></body></html>`;

/** A page with `window.patchscope` (the webview modules) and `window.testKit`; close() stops everything. */
export async function openTestPage() {
  const script = await bundle();
  const worklet = readFileSync(join(pageDir, 'recorder-worklet.js'), 'utf8');
  const server = createServer((request, response) => {
    const routes = {
      '/': ['text/html', INDEX],
      '/bundle.js': ['text/javascript', script],
      '/recorder-worklet.js': ['text/javascript', worklet],
    };
    const route = routes[request.url ?? '/'];
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': route[0] }).end(route[1]);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const browser = await chromium.launch({
    executablePath: process.env.PATCHSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => window.patchscope !== undefined);
  return {
    page,
    errors,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
