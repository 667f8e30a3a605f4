// Security: the preview page's CSP, validation of every message the webview can send, and the CLI writing
// nowhere but its output paths.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { webviewHtml } from '../../src/extension/webview-html';
import { MessageType } from '../../src/shared/protocol';
import { isInsideFolder, MAX_MESSAGE_STRING, parseFromWebview, parsePersistedState } from '../../src/shared/validate';
import { recordReliability } from './reliability-log';
import { runCli } from './helpers/cli';

const root = path.resolve(__dirname, '..', '..');
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

/** The two members of a webview the page builder uses, as VS Code's webview computes them. */
function webviewLike(): vscode.Webview {
  return {
    cspSource: CSP_SOURCE,
    asWebviewUri: (uri: vscode.Uri) => ({ toString: () => `${CSP_SOURCE}${uri.path}` }),
  } as unknown as vscode.Webview;
}

function extensionUri(folder: string): vscode.Uri {
  const make = (p: string): vscode.Uri => ({ path: p, with: (change: { path: string }) => make(change.path) }) as unknown as vscode.Uri;
  return make(folder);
}

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the page has a CSP meta tag');
  return new Map(content.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('security', function () {
  this.timeout(120_000);

  describe('the preview page’s Content Security Policy', () => {
    const html = webviewHtml(webviewLike(), extensionUri('/ext/patchscope'));
    const csp = cspOf(html);

    it('denies everything by default and allows no eval, no inline code and no remote host', () => {
      assert.deepEqual(csp.get('default-src'), ["'none'"]);
      const all = [...csp.values()].flat();
      for (const banned of ["'unsafe-eval'", "'unsafe-inline'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'blob:']) assert.ok(!all.includes(banned), `CSP allows ${banned}`);
      const hosts = all.filter((v) => /^[a-z]+:\/\//i.test(v));
      assert.deepEqual([...new Set(hosts)], [CSP_SOURCE], 'only the webview resource origin');
      assert.ok(!csp.has('connect-src') && !csp.has('frame-src') && !csp.has('worker-src'), 'no network, frames or workers beyond default-src');
    });

    it('runs scripts only by a fresh nonce, and loads every asset through the webview origin', () => {
      const scriptSrc = csp.get('script-src') ?? [];
      assert.equal(scriptSrc.length, 1);
      const nonce = /^'nonce-([A-Za-z0-9_-]{16,})'$/.exec(scriptSrc[0])?.[1];
      assert.ok(nonce, `script-src is a nonce: ${scriptSrc[0]}`);
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      assert.ok(scripts.length > 0);
      for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
      assert.ok(!/<script\b[^>]*>[^<\s]/.test(html), 'no inline script body');
      assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
      for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) assert.ok(url.startsWith(`${CSP_SOURCE}/ext/patchscope/`), url);
      const again = cspOf(webviewHtml(webviewLike(), extensionUri('/ext/patchscope')));
      assert.notEqual(again.get('script-src')?.[0], scriptSrc[0], 'a new nonce per page');
    });

    it('the webview bundle itself uses no eval or Function constructor', function () {
      const bundle = path.join(root, 'dist', 'webview.js');
      if (!fs.existsSync(bundle)) this.skip();
      const code = fs.readFileSync(bundle, 'utf8');
      assert.ok(!/\beval\s*\(/.test(code), 'eval( in dist/webview.js');
      assert.ok(!/\bnew Function\s*\(/.test(code), 'new Function( in dist/webview.js');
      recordReliability('extension', 'preview page CSP and dist/webview.js', "default-src 'none', script-src nonce only, no unsafe-eval/inline, no remote hosts; no eval or new Function in the bundle", 'nothing');
    });
  });

  describe('messages from the webview', () => {
    it('accepts each well-formed message, rebuilt without extra fields', () => {
      const good: unknown[] = [
        { type: 'ready' },
        { type: 'renderNow' },
        { type: 'chunkReceived', renderId: 4, bytes: 8192 },
        { type: 'renderTimings', renderId: 3, firstChunkReceivedAt: 1.5, firstSoundAt: 2.5, firstSourceWhen: 0.1 },
        { type: 'playbackStatus', state: 'playing', audioState: 'running', positionSeconds: 1, bufferedSeconds: 0.5, maxFrameMs: 4, meanFrameMs: 2, maxDrawMs: 1, frames: 60 },
        { type: 'runCommand', command: 'renderWav' },
        { type: 'openLocation', file: '/work/song/pad.synth.js', line: 4, column: 2 },
        { type: 'log', level: 'warn', message: 'underrun' },
        { type: 'reply', requestId: 1, body: { state: 'idle' } },
      ];
      for (const message of good) {
        const parsed = parseFromWebview({ ...(message as object), injected: '/etc/passwd' });
        assert.ok(parsed, `accepted: ${JSON.stringify(message)}`);
        assert.deepEqual(JSON.parse(JSON.stringify(parsed)), message);
      }
    });

    it('refuses malformed and hostile messages', () => {
      const huge = 'x'.repeat(10 * 1024 * 1024);
      const bad: [string, unknown][] = [
        ['not an object', 'ready'],
        ['null', null],
        ['an array', [{ type: 'ready' }]],
        ['an unknown type', { type: 'runShell', command: 'rm -rf ~' }],
        ['a host-to-webview type', { type: MessageType.Init }],
        ['a type that is not a string', { type: ['ready'] }],
        ['a prototype trick', JSON.parse('{"__proto__": {"type": "ready"}}')],
        ['an unknown command', { type: 'runCommand', command: 'workbench.action.terminal.new' }],
        ['a command that is not a string', { type: 'runCommand', command: { toString: () => 'renderWav' } }],
        ['a relative path', { type: 'openLocation', file: 'pad.synth.js' }],
        ['a path escaping with ..', { type: 'openLocation', file: '/work/song/../../etc/passwd' }],
        ['a path with a NUL byte', { type: 'openLocation', file: '/work/song/pad.synth.js\0.png' }],
        ['a URL instead of a path', { type: 'openLocation', file: 'file:///etc/passwd' }],
        ['a remote URL', { type: 'openLocation', file: 'https://example.com/x.js' }],
        ['a huge path', { type: 'openLocation', file: `/${huge}` }],
        ['a negative line', { type: 'openLocation', file: '/work/a.synth.js', line: -1 }],
        ['a line that is a string', { type: 'openLocation', file: '/work/a.synth.js', line: '4' }],
        ['a chunk acknowledgement without its bytes', { type: 'chunkReceived', renderId: 1 }],
        ['a negative chunk acknowledgement', { type: 'chunkReceived', renderId: 1, bytes: -8192 }],
        ['NaN timings', { type: 'renderTimings', renderId: 1, firstChunkReceivedAt: NaN, firstSoundAt: 1, firstSourceWhen: 1 }],
        ['a fractional render id', { type: 'renderTimings', renderId: 1.5, firstChunkReceivedAt: 1, firstSoundAt: 1, firstSourceWhen: 1 }],
        ['an unknown play state', { type: 'playbackStatus', state: 'hacked', audioState: 'running', positionSeconds: 1, bufferedSeconds: 0, maxFrameMs: 1, meanFrameMs: 1, maxDrawMs: 1, frames: 1 }],
        ['an infinite status figure', { type: 'playbackStatus', state: 'idle', audioState: 'running', positionSeconds: Infinity, bufferedSeconds: 0, maxFrameMs: 1, meanFrameMs: 1, maxDrawMs: 1, frames: 1 }],
        ['a log level that is not one', { type: 'log', level: 'fatal', message: 'x' }],
        ['a log message that is not a string', { type: 'log', level: 'info', message: { length: 1 } }],
        ['a reply with a huge error', { type: 'reply', requestId: 1, error: huge }],
        ['a reply without a request id', { type: 'reply', body: {} }],
      ];
      for (const [label, message] of bad) assert.equal(parseFromWebview(message), undefined, label);
      recordReliability('extension', `${bad.length} malformed / hostile webview messages (paths with .., NUL, URLs, 10 MB strings, unknown commands, NaN)`, 'all refused by parseFromWebview (src/shared/validate.ts)', 'nothing');
    });

    it('cuts a huge log message instead of passing it on', () => {
      const parsed = parseFromWebview({ type: 'log', level: 'error', message: 'y'.repeat(10 * 1024 * 1024) });
      assert.ok(parsed && parsed.type === MessageType.Log);
      assert.equal(parsed.message.length, MAX_MESSAGE_STRING);
    });

    it('a path is inside a folder only when it really is', () => {
      assert.equal(isInsideFolder('/work/song', '/work/song/pad.synth.js'), true);
      assert.equal(isInsideFolder('/work/song', '/work/song-evil/pad.synth.js'), false);
      assert.equal(isInsideFolder('/work/song', '/work/song/../../etc/passwd'), false);
      assert.equal(isInsideFolder('/work/song', '/work/song'), false);
      assert.equal(isInsideFolder('/work/song/', '/work/song/lib/x.ts'), true);
    });

    it('restored panel state keeps only well-formed fields', () => {
      assert.deepEqual(parsePersistedState({ patchPath: '/work/a/../../etc/x.synth.js', gainDb: 1e9, loop: 'yes', region: { start: 2, end: 1 } }), {});
      assert.deepEqual(parsePersistedState({ patchPath: '/work/a.synth.js', gainDb: -6, loop: true, region: { start: 1, end: 2 }, extra: 1 }), {
        patchPath: '/work/a.synth.js',
        gainDb: -6,
        loop: true,
        region: { start: 1, end: 2 },
      });
      assert.deepEqual(parsePersistedState('not state'), {});
    });
  });

  describe('the CLI', () => {
    it('writes nowhere but its output path (not the patch folder, the working folder, HOME or TMPDIR)', () => {
      const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-writes-'));
      try {
        const folders = ['patches', 'out', 'cwd', 'home', 'tmp'].map((name) => path.join(sandbox, name));
        for (const folder of folders) fs.mkdirSync(folder);
        const [patches, out, cwd, home, tmp] = folders;
        fs.copyFileSync(path.join(root, 'test', 'fixtures', 'random-seeded.synth.js'), path.join(patches, 'noise.synth.js'));
        fs.copyFileSync(path.join(root, 'test', 'fixtures', 'hostile', 'clipping.synth.js'), path.join(patches, 'clip.synth.js'));
        const list = (): string[] => (fs.readdirSync(sandbox, { recursive: true }) as string[]).map((p) => p.split(path.sep).join('/')).sort();
        const before = list();
        for (const args of [
          ['render', path.join(patches, 'noise.synth.js'), path.join(patches, 'clip.synth.js'), '--out', out],
          ['render', path.join(patches, 'noise.synth.js'), '--format', 'mp4', '--size', '320x180', '--out', path.join(out, 'noise.mp4')],
          ['parity', path.join(patches, 'noise.synth.js')],
        ]) {
          const result = runCli(args, {
            cwd,
            env: { ...process.env, HOME: home, TMPDIR: tmp, XDG_CACHE_HOME: path.join(home, '.cache') },
            timeoutMs: 100_000,
          });
          assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
        }
        const created = list().filter((entry) => !before.includes(entry));
        assert.deepEqual(created, ['out/clip.wav', 'out/noise.mp4', 'out/noise.wav']);
        recordReliability('CLI', 'render WAV x2, render MP4, parity with HOME/TMPDIR/cwd in a sandbox', `files created: ${created.join(', ')}`, 'only the output files');
      } finally {
        fs.rmSync(sandbox, { recursive: true, force: true });
      }
    });
  });
});
