// 200 edits in 10 seconds, driven the way the extension's LiveRender drives the engine (LiveRender itself
// needs the `vscode` module, so its edit handling is replayed here with the same pieces: the extension's
// `decideOnEdit` debounce, the settings' `streamOptions`, one AbortController per render, the previous render
// aborted on every edit). Only the latest render may complete; no worker, thread or child process may be
// left over; the host's memory must end where it started.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';
import type { PatchInfo } from '../../src/engine/render-types';
import { decideOnEdit } from '../../src/extension/edit-debouncer';
import { DEFAULT_SETTINGS, streamOptions } from '../../src/extension/settings-model';
import { recordReliability } from './reliability-log';

const EDITS = 200;
const EDIT_SPAN_MS = 10_000;
const patchPath = path.resolve(__dirname, '..', 'fixtures', 'hostile', 'edited.synth.js');

/** The editor text after edit `i`: each edit changes the duration, so a finished render shows which edit it played. */
function textAfterEdit(i: number): string {
  return `export default {
  duration: ${(20 + i / 100).toFixed(2)},
  build(ctx, out) {
    const osc = new OscillatorNode(ctx, { type: 'sawtooth', frequency: ${100 + i} });
    const filter = new BiquadFilterNode(ctx, { frequency: 900 });
    osc.connect(filter).connect(new GainNode(ctx, { gain: 0.2 })).connect(out);
    osc.start();
  },
};
`;
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

interface Footprint {
  threads: number;
  children: number;
  heapMb: number;
  rssMb: number;
  workers: number;
}

/** Child processes of this process as `pid state`, zombies included. */
function childProcesses(): string[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[1] === String(process.pid) ? [`${pid} ${fields[0]}`] : [];
      } catch {
        return [];
      }
    });
}

async function footprint(pool: RenderPool): Promise<Footprint> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let i = 0; i < 3; i++) collectGarbage();
  const memory = process.memoryUsage();
  const children = childProcesses().length;
  return { threads: fs.readdirSync('/proc/self/task').length, children, heapMb: memory.heapUsed / 2 ** 20, rssMb: memory.rss / 2 ** 20, workers: pool.workerCount };
}

interface EditRun {
  started: number[];
  /** Renders that completed, with the newest edit made by then (a completed render must be the newest). */
  completed: { edit: number; info: PatchInfo; newestEditAtCompletion: number }[];
  cancelled: number[];
  failed: string[];
  chunksAfterCancel: number;
  spanMs: number;
}

/** Replays LiveRender.onDocumentChanged / start for 200 edits spread over 10 s (random gaps, seeded). */
async function editRapidly(pool: RenderPool, debounceMs: number, random: () => number): Promise<EditRun> {
  const settings = { ...DEFAULT_SETTINGS, debounceMs };
  const run: EditRun = { started: [], completed: [], cancelled: [], failed: [], chunksAfterCancel: 0, spanMs: 0 };
  const pending: Promise<void>[] = [];
  let active: AbortController | undefined;
  let trailingTimer: NodeJS.Timeout | undefined;
  let trailingEdit = 0;
  let previousEditAt: number | undefined;
  let newestEdit = -1;

  const start = (edit: number): void => {
    active?.abort();
    const abort = new AbortController();
    active = abort;
    run.started.push(edit);
    const render = pool
      .stream(
        { path: patchPath, text: textAfterEdit(edit) },
        {
          ...streamOptions(settings),
          signal: abort.signal,
          onChunk: () => {
            if (abort.signal.aborted) run.chunksAfterCancel++;
          },
        },
      )
      .then(
        (stats) => void run.completed.push({ edit, info: stats.info, newestEditAtCompletion: newestEdit }),
        (error: unknown) => {
          if (error instanceof PatchError && error.kind === 'cancelled') run.cancelled.push(edit);
          else run.failed.push(String(error));
        },
      );
    pending.push(render);
  };

  // Edit times: random gaps averaging 50 ms, scaled to span exactly 10 s, on an absolute timetable.
  const gaps = Array.from({ length: EDITS - 1 }, () => random());
  const scale = EDIT_SPAN_MS / gaps.reduce((sum, gap) => sum + gap, 0);
  const t0 = performance.now();
  let at = 0;
  for (let edit = 0; edit < EDITS; edit++) {
    const wait = t0 + at - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (edit < EDITS - 1) at += gaps[edit] * scale;
    const editAt = performance.now();
    newestEdit = edit;
    // LiveRender.onDocumentChanged: cancel at once, then decide.
    active?.abort();
    active = undefined;
    const decision = decideOnEdit(editAt, previousEditAt, settings.debounceMs, trailingTimer !== undefined);
    previousEditAt = editAt;
    if (decision.kind === 'now') {
      start(edit);
      continue;
    }
    clearTimeout(trailingTimer);
    trailingEdit = edit;
    trailingTimer = setTimeout(() => {
      trailingTimer = undefined;
      start(trailingEdit);
    }, decision.delayMs);
  }
  run.spanMs = performance.now() - t0;
  while (trailingTimer !== undefined) await new Promise((resolve) => setTimeout(resolve, 20));
  await Promise.all(pending);
  return run;
}

describe('rapid edits', function () {
  this.timeout(180_000);

  it('200 edits in 10 s: only the latest render completes, nothing leaks', async () => {
    const pool = new RenderPool({ size: 2 });
    const random = (() => {
      let state = 12_345;
      return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) + 1) / 2 ** 31;
    })();
    try {
      await pool.warmUp();
      // One full render first, so lazily created threads (libuv pool, bundler) exist before counting.
      await pool.stream({ path: patchPath, text: textAfterEdit(0) });
      const before = await footprint(pool);
      const rows: string[] = [];
      for (const debounceMs of [DEFAULT_SETTINGS.debounceMs, 0]) {
        const run = await editRapidly(pool, debounceMs, random);
        assert.deepEqual(run.failed, []);
        // A render may complete only while its edit is the newest: a fast render that finished before the next
        // keystroke was the latest when it finished. The last edit's render always completes.
        for (const done of run.completed) {
          assert.equal(done.newestEditAtCompletion, done.edit, `render of edit ${done.edit} completed after edit ${done.newestEditAtCompletion} was made`);
        }
        const last = run.started[run.started.length - 1];
        assert.equal(last, EDITS - 1, 'the last render started plays the last edit');
        const final = run.completed[run.completed.length - 1];
        assert.equal(final.edit, last, 'the latest render completes');
        assert.equal(final.info.duration, 20 + (EDITS - 1) / 100, 'and it rendered the final text');
        const completedEdits = new Set(run.completed.map((c) => c.edit));
        assert.deepEqual(
          run.cancelled.sort((a, b) => a - b),
          run.started.filter((e) => !completedEdits.has(e)).sort((a, b) => a - b),
          'every other render was cancelled',
        );
        assert.equal(run.chunksAfterCancel, 0, 'no chunk of a cancelled render reached the consumer');
        assert.ok(pool.workerCount <= pool.capacity);
        rows.push(`debounce ${debounceMs} ms: ${EDITS} edits in ${(run.spanMs / 1000).toFixed(1)} s, ${run.started.length} renders started, ${run.cancelled.length} cancelled, ${run.completed.length} completed (${run.completed.map((c) => c.edit).join(', ')}; each the newest edit when it finished)`);
      }
      const idle = await footprint(pool);
      // Back at full strength, the pool must hold what it held before: no thread or process left by cancels.
      await pool.warmUp();
      const after = await footprint(pool);
      const report =
        `OS threads ${before.threads} -> ${after.threads} (${idle.threads} with ${idle.workers} worker(s) before re-warming), ` +
        `child processes ${before.children} -> ${after.children}, workers ${before.workers} -> ${after.workers}, ` +
        `heap ${before.heapMb.toFixed(1)} -> ${after.heapMb.toFixed(1)} MB, RSS ${before.rssMb.toFixed(0)} -> ${after.rssMb.toFixed(0)} MB`;
      console.log(`      ${rows.join('\n      ')}\n      ${report}`);
      assert.equal(after.workers, before.workers);
      assert.ok(after.threads <= before.threads, report);
      // Child processes (esbuild services of terminated workers) are checked by the next test.
      // Rendered audio lives in the workers, which are terminated on cancel; the host keeps only bookkeeping.
      assert.ok(after.heapMb < before.heapMb + 8, report);
      // A leak of the cancelled renders' audio would be hundreds of MB (each render here streams ~7 MB of samples).
      assert.ok(after.rssMb < before.rssMb + 120, report);
      for (const row of rows) recordReliability('engine (as the extension drives it)', row.split(':')[0] + `: ${EDITS} edits in 10 s`, row.split(': ')[1], 'nothing');
      recordReliability('engine (as the extension drives it)', 'resources before / after the 400 edits', report, 'nothing');
    } finally {
      await pool.dispose();
    }
  });

  // Each cancel kills a worker process: every one must be reaped, and no bundler process may be left behind.
  it('cancelled renders leave no zombie child processes', async () => {
    const pool = new RenderPool({ size: 1 });
    try {
      await pool.stream({ path: patchPath, text: textAfterEdit(0) });
      const before = childProcesses();
      for (let edit = 1; edit <= 5; edit++) {
        const abort = new AbortController();
        await assert.rejects(pool.stream({ path: patchPath, text: textAfterEdit(edit) }, { signal: abort.signal, onChunk: () => abort.abort() }), /cancelled/);
      }
      await pool.stream({ path: patchPath, text: textAfterEdit(6) });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = childProcesses();
      const zombies = after.filter((child) => child.endsWith(' Z'));
      recordReliability('engine', '5 renders cancelled after their first chunk (worker process killed)', `child processes before: ${before.length}, after: ${after.length}, zombies: ${zombies.length}`, 'nothing on disk');
      assert.deepEqual(zombies, [], `child processes before: ${before.join(', ')}; after: ${after.join(', ')}`);
    } finally {
      await pool.dispose();
    }
  });
});
