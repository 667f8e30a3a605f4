import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChunkCollector } from '../../src/engine/parity-test';
import { compareAudio } from '../../src/engine/parity';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';

const fixture = (name: string): string => path.resolve(__dirname, '..', 'fixtures', name);
const example = (name: string): string => path.resolve(__dirname, '..', '..', 'examples', name);

async function streamAll(pool: RenderPool, file: string, text?: string): Promise<Float32Array[]> {
  const collector = new ChunkCollector();
  const stats = await pool.stream({ path: file, text }, { onChunk: (chunk) => collector.add(chunk) });
  return collector.join(stats.info.channels);
}

describe('render pool', function () {
  this.timeout(120_000);
  let pool: RenderPool;
  before(() => {
    pool = new RenderPool({ size: 2 });
  });
  after(() => pool.dispose());

  it('renders the same samples every time, in the same and in a fresh worker', async () => {
    const first = await streamAll(pool, fixture('random-seeded.synth.js'));
    const second = await streamAll(pool, fixture('random-seeded.synth.js'));
    const fresh = new RenderPool({ size: 1 });
    try {
      const third = await streamAll(fresh, fixture('random-seeded.synth.js'));
      assert.equal(compareAudio(first, second).bitExact, true);
      assert.equal(compareAudio(first, third).bitExact, true);
    } finally {
      await fresh.dispose();
    }
    const peak = Math.max(...first[0].map(Math.abs));
    assert.ok(peak > 0.1, 'seeded noise is not silent');
  });

  it('a worker’s warm-up render leaves nothing behind: a render sent to a starting worker gives the same samples', async () => {
    // build() draws Math.random across timer turns, so a warm-up that reseeded it meanwhile would show.
    const text = `export default { duration: 0.2, seed: 7, async build(ctx, out) {
      const b = new AudioBuffer({ length: 9600, sampleRate: 48000 }); const d = b.getChannelData(0);
      for (let i = 0; i < d.length; i++) { if (i % 480 === 0) await new Promise((r) => setTimeout(r, 1)); d[i] = Math.random() * 2 - 1; }
      const s = new AudioBufferSourceNode(ctx, { buffer: b }); s.connect(out); s.start(); } };`;
    const file = fixture('async-random.synth.js');
    const settled = await streamAll(pool, file, text);
    for (let attempt = 0; attempt < 2; attempt++) {
      const fresh = new RenderPool({ size: 1 });
      try {
        const starting = await streamAll(fresh, file, text);
        assert.equal(compareAudio(settled, starting).bitExact, true, `render in a starting worker, attempt ${attempt + 1}`);
      } finally {
        await fresh.dispose();
      }
    }
  });

  it('a different seed gives different samples', async () => {
    const text = (seed: number): string => `export default { duration: 0.1, seed: ${seed}, build(ctx, out) {
      const b = new AudioBuffer({ length: 4800, sampleRate: 48000 }); const d = b.getChannelData(0);
      for (let i = 0; i < d.length; i++) d[i] = Math.random();
      const s = new AudioBufferSourceNode(ctx, { buffer: b }); s.connect(out); s.start(); } };`;
    const a = await streamAll(pool, fixture('seed.synth.js'), text(1));
    const b = await streamAll(pool, fixture('seed.synth.js'), text(2));
    assert.equal(compareAudio(a, b).bitExact, false);
  });

  it('reports its first chunk before the render ends and remembers the patch’s speed', async () => {
    const file = example('hello.synth.js');
    const chunkTimes: number[] = [];
    const first = await pool.stream({ path: file }, { onChunk: () => void chunkTimes.push(performance.now()) });
    assert.ok(first.chunks >= 2, `${first.chunks} chunks`);
    assert.ok(first.firstChunkMs <= first.totalMs);
    assert.ok(pool.knownRtf(file)! > 0);
    const second = await pool.stream({ path: file });
    assert.ok(Math.abs(second.probeRtf - pool.knownRtf(file)!) >= 0);
    assert.equal(second.probeRtf > 0, true);
  });

  it('cancels at once, releases the worker and leaves the pool usable', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const render = pool.stream({ path: fixture('long-light.synth.js') }, {
      signal: controller.signal,
      onChunk: () => {
        chunks++;
        if (chunks === 1) controller.abort();
      },
    });
    await assert.rejects(render, (err: unknown) => err instanceof PatchError && err.kind === 'cancelled');
    assert.ok(pool.workerCount <= 2);
    const after = await streamAll(pool, fixture('random-seeded.synth.js'));
    assert.equal(after[0].length, 24000);
  });

  it('a signal aborted before the start rejects without rendering', async () => {
    await assert.rejects(pool.stream({ path: fixture('long-light.synth.js') }, { signal: AbortSignal.abort() }), /cancelled/);
  });

  it('waits for a slow consumer instead of buffering the render (backpressure)', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let chunks = 0;
    await pool.stream({ path: fixture('long-light.synth.js') }, {
      chunk: 0.5,
      maxDuration: 3600,
      onChunk: async () => {
        chunks++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
      },
    });
    assert.equal(chunks, 1200);
    // Half-second stereo chunks are 192 KB: the worker stops at 8 MB unacknowledged, about 43 of them.
    assert.ok(maxInFlight <= 50, `max chunks in flight ${maxInFlight}`);
    assert.ok(maxInFlight >= 2, 'chunks overlap with consuming');
  });

  it('a consumer that takes longer than the render timeout makes the render wait, not time out', async () => {
    // Every chunk waits for a gate that opens after 2.5 s: the worker stops at 8 MB unacknowledged (about 43
    // half-second chunks) and sends no progress meanwhile.
    let chunks = 0;
    let gate: Promise<void> | undefined;
    const stats = await pool.stream({ path: fixture('long-light.synth.js') }, {
      chunk: 0.5,
      timeout: 1,
      maxDuration: 3600,
      onChunk: async () => {
        chunks++;
        gate ??= new Promise((resolve) => setTimeout(resolve, 2500));
        await gate;
      },
    });
    assert.equal(stats.chunks, chunks);
    assert.equal(chunks, 1200);
  });

  it('a consumer that fails stops the render with its error', async () => {
    await assert.rejects(
      pool.stream({ path: fixture('long-light.synth.js') }, {
        onChunk: () => {
          throw new Error('disk full');
        },
      }),
      /disk full/,
    );
  });

  it('a consumer that refuses the last chunk fails the render, even when the worker has already finished', async () => {
    const file = example('hello.synth.js');
    let chunks = 0;
    // Fixed chunks: adaptive ones depend on measured speed, and a loaded machine could change their count.
    const total = (await pool.stream({ path: file }, { chunk: 0.5 })).chunks;
    await assert.rejects(
      pool.stream({ path: file }, {
        chunk: 0.5,
        onChunk: async () => {
          if (++chunks < total) return;
          await new Promise((resolve) => setTimeout(resolve, 200));
          throw new Error('disk full at the end');
        },
      }),
      /disk full at the end/,
    );
  });
});

/** A patch that prints, so the test can tell where its output went. */
const chattyPatch = (tag: string): string => `export default { duration: 0.1, build(ctx, out) {
  console.log('voices', 3, { tag: '${tag}' }); console.warn('careful');
  const o = new OscillatorNode(ctx); o.connect(out); o.start(); } };`;

/** Whether process `pid` is gone within `ms` (a killed process takes a moment to exit). */
async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('render pool: worker processes', function () {
  this.timeout(120_000);

  it('a worker that dies by a signal fails only its own render; the host and the pool go on', async () => {
    const pool = new RenderPool({ size: 1 });
    try {
      await pool.warmUp();
      const [victim] = pool.workerPids;
      const render = pool.stream({ path: fixture('long-light.synth.js') }, { onChunk: () => void process.kill(victim, 'SIGSEGV') });
      await assert.rejects(render, (err: unknown) => err instanceof PatchError && err.kind === 'runtime' && /killed by SIGSEGV/.test(err.message));
      const after = await streamAll(pool, fixture('random-seeded.synth.js'));
      assert.equal(after[0].length, 24000);
      assert.ok(!pool.workerPids.includes(victim));
    } finally {
      await pool.dispose();
    }
  });

  it('a worker that cannot start fails the render with its reason, and is not restarted in a loop', async () => {
    const starts = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-starts-')), 'starts.txt');
    process.env.PATCHSCOPE_TEST_STARTS = starts;
    const pool = new RenderPool({ size: 2, workerScript: fixture('hostile/broken-worker.js') });
    try {
      await assert.rejects(
        pool.stream({ path: fixture('random-seeded.synth.js') }),
        (err: unknown) => err instanceof PatchError && /exited with code 70: node-web-audio-api failed to load: no binary for this platform/.test(err.message),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(fs.readFileSync(starts, 'utf8').split('\n').filter(Boolean).length, 1, 'one start for the one render');
      assert.equal(pool.workerCount, 0);
    } finally {
      delete process.env.PATCHSCOPE_TEST_STARTS;
      await pool.dispose();
    }
  });

  it('a warm-up whose workers cannot start rejects with their reason instead of waiting for ever', async () => {
    const pool = new RenderPool({ size: 1, workerScript: fixture('hostile/broken-worker.js') });
    try {
      await assert.rejects(pool.warmUp(), /render worker failed to start: exited with code 70: node-web-audio-api failed to load/);
    } finally {
      await pool.dispose();
    }
  });

  it('replaces a worker after `rendersPerWorker` renders, and every worker renders the same samples', async () => {
    const pool = new RenderPool({ size: 1, rendersPerWorker: 3 });
    try {
      const pidsSeen: number[] = [];
      const renders: Float32Array[][] = [];
      for (let i = 0; i < 7; i++) {
        await pool.warmUp();
        pidsSeen.push(pool.workerPids[0]);
        renders.push(await streamAll(pool, fixture('random-seeded.synth.js')));
      }
      assert.equal(new Set(pidsSeen.slice(0, 3)).size, 1);
      assert.equal(new Set(pidsSeen).size, 3, `workers used: ${pidsSeen.join(', ')}`);
      assert.notEqual(pidsSeen[2], pidsSeen[3]);
      for (const samples of renders.slice(1)) assert.equal(compareAudio(renders[0], samples).bitExact, true);
      assert.equal(pool.workerCount, 1);
    } finally {
      await pool.dispose();
    }
  });

  it('a retiring worker serves on until its successor is ready, so no render waits for a worker to start', async () => {
    const pool = new RenderPool({ size: 1, rendersPerWorker: 2 });
    const pidPatch = `export default { duration: 0.1, build(ctx, out) { console.log(process.pid); const o = new OscillatorNode(ctx); o.connect(out); o.start(); } };`;
    const renderedBy = async (): Promise<number> => {
      const lines: string[] = [];
      await pool.stream({ path: fixture('chatty.synth.js'), text: pidPatch }, { onLog: (entry) => lines.push(entry.text) });
      return Number(lines[0]);
    };
    try {
      const first = await renderedBy();
      assert.equal(await renderedBy(), first);
      // Its second render retired it: the successor is starting, and the retiring worker takes the next render.
      assert.equal(pool.workerCount, 2);
      assert.equal(await renderedBy(), first);
      await pool.warmUp();
      assert.equal(pool.workerCount, 1);
      const successor = await renderedBy();
      assert.notEqual(successor, first);
      assert.equal(pool.workerPids.includes(first), false, 'the retired worker left the pool');
      assert.equal(await exitsWithin(first, 5000), true, 'the retired worker process ended');
    } finally {
      await pool.dispose();
    }
  });

  it('starts a cancelled worker’s successor once the render that supersedes it has its first chunk', async () => {
    const pool = new RenderPool({ size: 2 });
    const slowBuild = `export default { duration: 0.5, build(ctx, out) { const until = Date.now() + 500; while (Date.now() < until); const o = new OscillatorNode(ctx); o.connect(out); o.start(); } };`;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      await pool.warmUp();
      // A render held at its first chunk (its consumer never finishes taking it), to be cancelled.
      const cancel = new AbortController();
      let heldAtFirstChunk!: () => void;
      const held = new Promise<void>((resolve) => (heldAtFirstChunk = resolve));
      const cancelled = pool.stream({ path: fixture('long-light.synth.js') }, { signal: cancel.signal, onChunk: () => (heldAtFirstChunk(), new Promise<void>(() => undefined)) });
      await held;
      // The render that supersedes it, on the other worker, is in its build() when the first is cancelled.
      let building!: () => void;
      const inBuild = new Promise<void>((resolve) => (building = resolve));
      let workersAtFirstChunk = -1;
      const superseding = pool.stream(
        { path: fixture('chatty.synth.js'), text: slowBuild },
        { onInfo: () => building(), onChunk: () => void (workersAtFirstChunk < 0 && (workersAtFirstChunk = pool.workerCount)) },
      );
      await inBuild;
      cancel.abort();
      await assert.rejects(cancelled, /cancelled/);
      assert.equal(pool.workerCount, 1, 'the killed worker is not replaced at once');
      await sleep(250);
      assert.equal(pool.workerCount, 1, 'nor while the superseding render has no chunk');
      await superseding;
      assert.equal(workersAtFirstChunk, 2, 'its successor starts with the first chunk');
      await pool.warmUp();

      // Cancelled with no render asked for after it: the successor starts after a short wait.
      const again = new AbortController();
      await assert.rejects(pool.stream({ path: fixture('long-light.synth.js') }, { signal: again.signal, onChunk: () => again.abort() }), /cancelled/);
      assert.equal(pool.workerCount, 1);
      await sleep(300);
      assert.equal(pool.workerCount, 2);
    } finally {
      await pool.dispose();
    }
  });

  it('ends idle workers beyond the two it keeps warm', async () => {
    const pool = new RenderPool({ size: 4, idleWorkerMs: 400 });
    try {
      await Promise.all(Array.from({ length: 4 }, () => pool.stream({ path: fixture('random-seeded.synth.js') })));
      assert.equal(pool.workerCount, 4);
      const started = pool.workerPids;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(pool.workerCount, 2);
      const gone = started.filter((pid) => !pool.workerPids.includes(pid));
      for (const pid of gone) assert.equal(await exitsWithin(pid, 5000), true, `worker ${pid} ended`);
    } finally {
      await pool.dispose();
    }
  });

  it('passes what a patch prints to the render’s onLog, else to the pool’s', async () => {
    const pooled: string[] = [];
    const pool = new RenderPool({ size: 1, onLog: (entry, file) => pooled.push(`${path.basename(file)} ${entry.level} ${entry.text}`) });
    try {
      const own: string[] = [];
      await pool.stream({ path: fixture('chatty.synth.js'), text: chattyPatch('own') }, { onLog: (entry) => own.push(`${entry.level} ${entry.text}`) });
      assert.deepEqual(own, ["log voices 3 { tag: 'own' }", 'warn careful']);
      assert.deepEqual(pooled, []);
      await pool.renderOneShot({ path: fixture('chatty.synth.js'), text: chattyPatch('pool') });
      assert.deepEqual(pooled, ["chatty.synth.js log voices 3 { tag: 'pool' }", 'chatty.synth.js warn careful']);
    } finally {
      await pool.dispose();
    }
  });
});

