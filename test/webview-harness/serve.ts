// Serves the preview webview outside VS Code, on loopback only: the real page (webviewHtml with its CSP and
// nonce), the built bundle, media and codicons, a VS Code theme, a fake host, and real renders of a patch made
// with the engine (node-web-audio-api) on request.
//
//   npx tsx test/webview-harness/serve.ts [port]     then open http://127.0.0.1:PORT/?theme=dark
//
// Query parameters: theme=dark|light, patch=examples/hello.synth.js, speed=1 (replay pace), fft, scale,
// colormap, trusted=0, nopatch=1, autorender=0.

import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { RenderPool } from '../../src/engine/render-pool';
import { webviewHtml } from '../../src/extension/webview-html';
import { HARNESS_THEMES, themeCss } from './themes';

const ROOT = path.resolve(__dirname, '..', '..');
const STATIC_PREFIXES = ['/dist/', '/media/', '/node_modules/@vscode/codicons/dist/'];
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** A running harness server. */
export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

/** Renders a patch with the engine and packs it for the fake host: u32 header length, JSON header, float32 samples. */
async function renderPacked(pool: RenderPool, patchPath: string): Promise<Buffer> {
  const chunks: { startFrame: number; frames: number; atMs: number; rtf: number; channels: Float32Array[] }[] = [];
  const started = performance.now();
  let rtf = 0;
  const stats = await pool.stream(
    { path: patchPath },
    {
      onChunk: (chunk) => {
        chunks.push({ startFrame: chunk.startFrame, frames: chunk.channels[0].length, atMs: performance.now() - started, rtf, channels: chunk.channels });
      },
      onProgress: (progress) => {
        rtf = progress.rtf;
        const last = chunks.at(-1);
        if (last) last.rtf = progress.rtf;
      },
    },
  );
  const header = Buffer.from(
    JSON.stringify({ info: stats.info, capture: stats.capture, chunks: chunks.map(({ channels: _channels, ...rest }) => rest) }),
  );
  const pad = (4 - ((4 + header.length) % 4)) % 4;
  const sampleCount = chunks.reduce((sum, chunk) => sum + chunk.frames * chunk.channels.length, 0);
  const out = Buffer.alloc(4 + header.length + pad + sampleCount * 4);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let offset = 4 + header.length + pad;
  for (const chunk of chunks) {
    for (const channel of chunk.channels) {
      Buffer.from(channel.buffer, channel.byteOffset, channel.byteLength).copy(out, offset);
      offset += channel.byteLength;
    }
  }
  return out;
}

async function fakeHostBundle(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'fake-host.ts')],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The page: the extension's own HTML, with the theme and the fake host inserted before the bundle. */
function harnessPage(origin: string, theme: 'dark' | 'light'): string {
  const nonce = 'harness' + Math.random().toString(36).slice(2);
  const extensionUri = {
    path: '/ext',
    with: ({ path: p }: { path: string }) => ({ ...extensionUri, path: p }),
  };
  const webview = {
    cspSource: origin,
    asWebviewUri: (uri: { path: string }) => ({ toString: () => origin + uri.path.replace(/^\/ext/, '') }),
  };
  const html = webviewHtml(webview as never, extensionUri as never, nonce);
  const inject = `<style nonce="${nonce}">${themeCss(theme)}</style>\n<script nonce="${nonce}">document.body.classList.add('${HARNESS_THEMES[theme].bodyClass}');</script>\n<script nonce="${nonce}" src="${origin}/harness/fake-host.js"></script>\n`;
  // The fake host fetches the recorded render: the only thing the harness adds to the extension's CSP.
  return html
    .replace("default-src 'none'", `default-src 'none'; connect-src ${origin}`)
    .replace(/<script nonce="[^"]+" src="[^"]+\/dist\/webview\.js"><\/script>/, (bundle) => inject + bundle);
}

/** Starts the harness server on 127.0.0.1 (port 0 picks a free one). */
export async function startHarness(port = 0): Promise<HarnessServer> {
  const pool = new RenderPool({ size: 1 });
  await pool.warmUp();
  const renders = new Map<string, Promise<Buffer>>();
  let hostScript: Promise<string> | undefined;
  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        if (url.pathname === '/') {
          const theme = url.searchParams.get('theme') === 'light' ? 'light' : 'dark';
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(harnessPage(origin, theme));
        } else if (url.pathname === '/favicon.ico') {
          response.writeHead(204).end();
        } else if (url.pathname === '/harness/fake-host.js') {
          hostScript ??= fakeHostBundle();
          response.writeHead(200, { 'content-type': TYPES['.js'] }).end(await hostScript);
        } else if (url.pathname === '/render') {
          const patch = url.searchParams.get('patch') ?? 'examples/hello.synth.js';
          const file = path.resolve(ROOT, patch);
          if (!file.startsWith(ROOT + path.sep)) throw new Error('patch outside the repository');
          if (!renders.has(file)) renders.set(file, renderPacked(pool, file));
          response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(await renders.get(file));
        } else if (STATIC_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) {
          const file = path.resolve(ROOT, '.' + url.pathname);
          if (!file.startsWith(ROOT + path.sep)) throw new Error('outside the repository');
          const body = await readFile(file);
          response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
        } else {
          response.writeHead(404).end('not found');
        }
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.dispose();
    },
  };
}

if (require.main === module) {
  void startHarness(Number(process.argv[2] ?? 0)).then((harness) => {
    console.log(`Patchscope webview harness: ${harness.url}?theme=dark  (Ctrl+C to stop)`);
  });
}
