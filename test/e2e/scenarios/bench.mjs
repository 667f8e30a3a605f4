// Benchmark: from a keystroke in the editor to the first chunk in the preview and to the first sound, over
// several one-key edits of the sine's frequency. Times are epoch milliseconds on one machine clock; the
// browser's offset from this process's clock is measured and removed.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { probeRecords } from '../lib/patchscope-view.mjs';
import { waitFor } from '../lib/workbench.mjs';
import { locate, SINE } from './preview.mjs';

const epochNow = () => performance.timeOrigin + performance.now();

/** Browser clock minus this process's clock, in ms (half the round trip is the uncertainty). */
async function clockOffset(frame) {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const before = epochNow();
    const browser = await frame.evaluate(() => performance.timeOrigin + performance.now());
    const after = epochNow();
    samples.push({ offset: browser - (before + after) / 2, roundTrip: after - before });
  }
  samples.sort((a, b) => a.roundTrip - b.roundTrip);
  return samples[0];
}

/** Median and range of a list of numbers. */
export function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/**
 * Makes `edits` one-key edits (the last digit of the frequency) and measures each one.
 * @returns {Promise<{ offset: object, edits: object[] }>}
 */
export async function measureKeystrokes(session, frame, { edits = 8, settleMs = 1500 } = {}) {
  const workbench = session.workbench;
  const offset = await clockOffset(frame);
  const results = [];
  for (let i = 0; i < edits; i++) {
    const text = await workbench.editorText();
    const number = locate(text, /frequency: (\d+)/, 1);
    const lastDigit = number.text.at(-1);
    const nextDigit = String((Number(lastDigit) + 1 + (i % 3)) % 10);
    await workbench.goTo(number.line, number.column + number.text.length - 1);
    await workbench.press('Shift+ArrowRight');
    const { messages: seenBefore } = await probeRecords(frame);
    const knownRenders = new Set(seenBefore.filter((m) => m.type === 'renderStart').map((m) => m.renderId));

    const keyAt = epochNow();
    await workbench.press(nextDigit);
    const measured = await waitFor(
      `the render of edit ${i + 1}`,
      async () => {
        const { messages, starts } = await probeRecords(frame);
        const start = messages.find((m) => m.type === 'renderStart' && !knownRenders.has(m.renderId));
        if (!start) return undefined;
        const chunk = messages.find((m) => m.type === 'chunk' && m.renderId === start.renderId);
        if (!chunk) return undefined;
        const source = starts.find((s) => s.at >= chunk.at);
        if (!source) return undefined;
        const toLocal = (browserTime) => browserTime - offset.offset;
        return {
          renderId: start.renderId,
          keyToHostEditMs: toLocal(start.editAt) - keyAt,
          keyToFirstChunkMs: toLocal(chunk.at) - keyAt,
          keyToFirstSourceStartMs: toLocal(source.at) - keyAt,
          keyToFirstSoundMs: toLocal(source.at + (source.when - source.contextTime + source.outputLatency) * 1000) - keyAt,
        };
      },
      { timeoutMs: 30_000, intervalMs: 5 },
    );
    results.push(measured);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
  return { offset, edits: results };
}

/** The benchmark's figures as a Markdown table. */
export function benchMarkdown(result, context) {
  const rows = [
    ['keystroke → host sees the edit', 'keyToHostEditMs'],
    ['keystroke → first chunk in the preview', 'keyToFirstChunkMs'],
    ['keystroke → first chunk started (AudioBufferSourceNode.start)', 'keyToFirstSourceStartMs'],
    ['keystroke → first sound (scheduled time + output latency)', 'keyToFirstSoundMs'],
  ];
  const lines = [
    `End-to-end keystroke latency in code-server ${context.codeServer} + Chromium ${context.chromium}, ${context.patch}, ${result.edits.length} one-key edits (${context.date}):`,
    '',
    '| measure | median | min | max |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const [label, key] of rows) {
    const s = summarise(result.edits.map((edit) => edit[key]));
    lines.push(`| ${label} | ${s.median.toFixed(1)} ms | ${s.min.toFixed(1)} ms | ${s.max.toFixed(1)} ms |`);
  }
  lines.push('', `Browser clock offset ${result.offset.offset.toFixed(2)} ms (±${(result.offset.roundTrip / 2).toFixed(2)} ms), removed.`);
  return lines.join('\n');
}

/** The sine fixture's text, for the benchmark's report. */
export function benchPatchText(session) {
  return readFileSync(session.path(SINE), 'utf8');
}
