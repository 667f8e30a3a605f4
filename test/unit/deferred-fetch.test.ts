// node-web-audio-api's import of node-fetch waits until a worklet module is fetched over HTTP
// (src/engine/deferred-fetch.ts): loading the engine leaves Node's HTTP client stack unloaded, and a module at an
// http URL still loads and runs.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RenderPool } from '../../src/engine/render-pool';

const root = path.resolve(__dirname, '..', '..');

/** Node's built-in modules that node-fetch loads and nothing else in a render worker does. */
const FETCH_ONLY_BUILTINS = /^NativeModule (zlib|https|tls)$/;

describe('deferred node-fetch', function () {
  this.timeout(60_000);

  it('is not loaded with the engine, and loads when a worklet module comes over HTTP', () => {
    // A fresh process: the test runner itself may have loaded any of these modules.
    const script = `
      const http = require('node:http');
      const { loadWebAudio } = require(${JSON.stringify(path.join(root, 'src', 'engine', 'patch-loader.ts'))});
      const fetchBuiltins = () => process.moduleLoadList.filter((name) => ${FETCH_ONLY_BUILTINS.toString()}.test(name));
      (async () => {
        const web = await loadWebAudio();
        const afterLoad = fetchBuiltins();
        const server = http.createServer((request, response) => {
          response.setHeader('content-type', 'text/javascript');
          response.end("registerProcessor('half', class extends AudioWorkletProcessor { process(inputs, outputs) { outputs[0][0].fill(0.5); return true; } });");
        });
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        const ctx = new web.OfflineAudioContext(1, 256, 8000);
        await ctx.audioWorklet.addModule('http://127.0.0.1:' + server.address().port + '/half.js');
        new web.AudioWorkletNode(ctx, 'half').connect(ctx.destination);
        const rendered = await ctx.startRendering();
        server.close();
        process.stdout.write(JSON.stringify({ afterLoad, afterFetch: fetchBuiltins(), lastSample: rendered.getChannelData(0)[255] }));
        process.exit(0);
      })();`;
    const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const { afterLoad, afterFetch, lastSample } = JSON.parse(child.stdout) as { afterLoad: string[]; afterFetch: string[]; lastSample: number };
    assert.deepEqual(afterLoad, [], 'loading the engine loaded node-fetch');
    assert.ok(afterFetch.length > 0, 'the HTTP fetch did not go through node-fetch');
    assert.equal(lastSample, 0.5);
  });

  it('loads a worklet module over HTTP in a render worker, whose bundle carries node-web-audio-api and imports node-fetch on that use', async () => {
    const server = http.createServer((request, response) => {
      response.setHeader('content-type', 'text/javascript');
      response.end("registerProcessor('half', class extends AudioWorkletProcessor { process(inputs, outputs) { outputs[0][0].fill(0.5); return true; } });");
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-http-worklet-'));
    const pool = new RenderPool({ size: 1 });
    try {
      const { port } = server.address() as AddressInfo;
      const patch = path.join(dir, 'http-worklet.synth.js');
      fs.writeFileSync(
        patch,
        `export default {\n  duration: 0.1,\n  channels: 1,\n  async build(ctx, out) {\n    await ctx.audioWorklet.addModule('http://127.0.0.1:${port}/half.js');\n    new AudioWorkletNode(ctx, 'half').connect(out);\n  },\n};\n`,
      );
      const { channels } = await pool.renderOneShot({ path: patch });
      assert.equal(channels.length, 1);
      assert.equal(channels[0].length, 4800);
      assert.ok(channels[0].every((sample) => sample === 0.5), 'every sample is the processor\'s 0.5');
    } finally {
      await pool.dispose();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
