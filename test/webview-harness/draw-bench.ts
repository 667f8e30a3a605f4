// Measures the spectrogram's per-frame drawing in headless Chromium: a short render that fits the panel
// (static window) and a long one that scrolls with the playhead. Prints median / p95 / max per frame.
//
//   npx tsx test/webview-harness/draw-bench.ts

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { startHarness } from './serve';
import { themeCss } from './themes';

void (async () => {
  const harness = await startHarness();
  const bundle = await esbuild.build({ entryPoints: [path.join(__dirname, 'draw-bench-page.ts')], bundle: true, format: 'iife', write: false, target: 'chrome120', logLevel: 'silent' });
  const page = `<!DOCTYPE html><html><head><style>${themeCss('dark')} body{margin:0} canvas{display:block;width:876px} #spectrogram{height:430px} #timeline{height:24px}</style></head>
<body class="vscode-dark"><canvas id="timeline"></canvas><canvas id="spectrogram"></canvas><script>${bundle.outputFiles[0].text}</script></body></html>`;
  // Same origin as the harness (it serves /render): proxy everything but the page.
  const server = http.createServer((request, response) => {
    if (request.url === '/bench') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    http.get(new URL(request.url ?? '/', harness.url), (upstream) => {
      response.writeHead(upstream.statusCode ?? 500, upstream.headers);
      upstream.pipe(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage({ viewport: { width: 900, height: 500 } });
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/bench`);
    for (const repeats of [1, 20]) {
      const result = await tab.evaluate(([r]) => window.runDrawBench(r, 4), [repeats]);
      const f = (n: number): string => n.toFixed(2);
      console.log(
        `${result.duration.toFixed(0)} s render (${repeats === 1 ? 'static window' : 'scrolling'}): spectrogram median ${f(result.spectrogramMedian)} ms, p95 ${f(result.spectrogramP95)} ms, max ${f(result.spectrogramMax)} ms; ruler median ${f(result.rulerMedian)} ms, p95 ${f(result.rulerP95)} ms (${result.frames} frames)`,
      );
    }
  } finally {
    await browser.close();
    server.close();
    await harness.close();
  }
})();
