// `npm run bench:edits [-- PATCH]`: the first chunk of a render that supersedes a cancelled one, as the extension
// drives the render pool (an edit cancels the render in progress by killing its worker). Two scenarios:
// A, a render cancelled 300 ms in and the next asked for at once (an edit after a quiet spell);
// B, bursts of 6 edits 60 to 300 ms apart under the editor's leading-and-trailing debounce (150 ms), where only
// the last render's first chunk is timed. Default patch: examples/04-crushed-groove.synth.js (an AudioWorklet).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { median } from '../src/engine/statistics';
import { RenderPool } from '../src/engine/render-pool';
import { decideOnEdit } from '../src/extension/edit-debouncer';

const DEBOUNCE_MS = 150;
const CANCEL_AFTER_MS = 300;
const SETTLE_MS = 1500;
const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'examples', '04-crushed-groove.synth.js'));
const text = readFileSync(file, 'utf8');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const describe = (values: number[]): string => `${values.map((v) => v.toFixed(0)).join(' ')} ms (median ${median(values).toFixed(0)})`;

/** Scenario A: first chunk of the render asked for right after cancelling one 300 ms into its render. */
async function cancelThenRender(pool: RenderPool, runs: number): Promise<number[]> {
  const firstChunks: number[] = [];
  for (let run = 0; run < runs; run++) {
    const abort = new AbortController();
    const cancelled = pool.stream({ path: file, text: `${text}\n// A ${run}` }, { signal: abort.signal }).catch(() => undefined);
    await sleep(CANCEL_AFTER_MS);
    abort.abort();
    const asked = performance.now();
    let firstAt = 0;
    await pool.stream({ path: file, text: `${text}\n// A ${run} again` }, { onChunk: () => void (firstAt ||= performance.now()) });
    firstChunks.push(firstAt - asked);
    await cancelled;
    await sleep(SETTLE_MS);
  }
  return firstChunks;
}

/** Scenario B: first chunk of the last render of a burst of edits `gapMs` apart. */
async function burst(pool: RenderPool, gapMs: number, run: number): Promise<number> {
  let abort: AbortController | undefined;
  let previousEditAt: number | undefined;
  let trailing: NodeJS.Timeout | undefined;
  let latestRender = 0;
  let lastFirstChunk = 0;
  const renders: Promise<unknown>[] = [];
  const render = (edit: number): void => {
    abort = new AbortController();
    const id = ++latestRender;
    const asked = performance.now();
    let seen = false;
    const onChunk = (): void => {
      if (seen) return;
      seen = true;
      if (id === latestRender) lastFirstChunk = performance.now() - asked;
    };
    renders.push(pool.stream({ path: file, text: `${text}\n// B ${gapMs} ${run} ${edit}` }, { signal: abort.signal, onChunk }).catch(() => undefined));
  };
  for (let edit = 0; edit < 6; edit++) {
    const now = performance.now();
    abort?.abort();
    const decision = decideOnEdit(now, previousEditAt, DEBOUNCE_MS, trailing !== undefined);
    previousEditAt = now;
    if (trailing) clearTimeout(trailing);
    trailing = undefined;
    if (decision.kind === 'now') render(edit);
    else
      trailing = setTimeout(() => {
        trailing = undefined;
        render(edit);
      }, decision.delayMs);
    await sleep(gapMs);
  }
  await sleep(DEBOUNCE_MS + 50);
  await Promise.all(renders);
  return lastFirstChunk;
}

async function main(): Promise<void> {
  const pool = new RenderPool({ size: 2 });
  try {
    await pool.warmUp();
    await pool.stream({ path: file, text });
    await sleep(SETTLE_MS);
    console.log(`${path.relative(process.cwd(), file)}: first chunk of the render that supersedes a cancelled one`);
    console.log(`A, cancelled ${CANCEL_AFTER_MS} ms in, the next asked for at once: ${describe(await cancelThenRender(pool, 6))}`);
    for (const gapMs of [60, 120, 200, 300]) {
      const firstChunks: number[] = [];
      for (let run = 0; run < 4; run++) {
        firstChunks.push(await burst(pool, gapMs, run));
        await sleep(SETTLE_MS);
      }
      console.log(`B, 6 edits ${gapMs} ms apart, the last render: ${describe(firstChunks)}`);
    }
  } finally {
    await pool.dispose();
  }
}

void main();
