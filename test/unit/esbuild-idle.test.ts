// The CLI stops esbuild's service process when it has been idle (src/engine/esbuild-api.ts), so that it does not
// stay resident beside a long render; the next bundle starts it again.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { esbuildApi, stopEsbuildWhenIdle, useEsbuildImplementation } from '../../src/engine/esbuild-api';
import { bundlePatch } from '../../src/engine/patch-bundler';

const hello = path.resolve(__dirname, '..', '..', 'examples', 'hello.synth.js');

/** Process ids of this process's children that run esbuild (tsx, which compiles these tests, may run one of its own). */
function esbuildChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      if (parent === process.pid && /^Name:\s+esbuild/m.test(status)) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/** The esbuild processes started since `before` was taken. */
function startedSince(before: readonly number[]): number[] {
  return esbuildChildren().filter((pid) => !before.includes(pid));
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('esbuild idle stop', function () {
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });
  afterEach(() => stopEsbuildWhenIdle(undefined));

  it('stops the service after the idle time and starts it again for the next bundle', async () => {
    const others = esbuildChildren();
    useEsbuildImplementation('native');
    assert.equal((await esbuildApi()).implementation, 'native');
    stopEsbuildWhenIdle(100);
    const first = await bundlePatch({ path: hello });
    assert.ok(await waitFor(() => startedSince(others).length === 0, 3000), `esbuild still runs: ${startedSince(others).join(', ')}`);
    const second = await bundlePatch({ path: hello });
    assert.equal(second.code, first.code);
    assert.equal(startedSince(others).length, 1, 'the second bundle ran in a new service');
  });

  it('keeps the service running without an idle time', async () => {
    useEsbuildImplementation('native');
    await (await esbuildApi()).api.stop();
    const others = esbuildChildren();
    stopEsbuildWhenIdle(100);
    stopEsbuildWhenIdle(undefined);
    await bundlePatch({ path: hello });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(startedSince(others).length, 1);
  });
});
