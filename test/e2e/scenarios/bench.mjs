// Benchmark: from a keystroke in the editor to the first chunk in the preview and to the first sound, over
// several one-key edits of the sine's frequency. The keystroke's time is its keydown event's time stamp in the
// page; the chunk and sound times come from the webview probe. All are epoch milliseconds of one machine clock
// (the extension host's edit time too).
import { awaitNextRender, newestRenderId } from '../lib/patchscope-view.mjs';
import { waitFor } from '../lib/workbench.mjs';
import { locate } from './preview.mjs';

/** Median and range of a list of numbers. */
export function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/**
 * Makes `edits` one-key edits (the last digit of the frequency) and measures each one.
 * @returns {Promise<{ edits: object[] }>}
 */
export async function measureKeystrokes(session, frame, { edits = 8, settleMs = 1500 } = {}) {
  const workbench = session.workbench;
  const page = workbench.page;
  const results = [];
  for (let i = 0; i < edits; i++) {
    const text = await workbench.editorText();
    const number = locate(text, /frequency: (\d+)/, 1);
    const lastDigit = number.text.at(-1);
    const nextDigit = String((Number(lastDigit) + 1 + (i % 3)) % 10);
    await workbench.goTo(number.line, number.column + number.text.length - 1);
    await workbench.press('Shift+ArrowRight');
    const lastRenderId = await newestRenderId(frame);

    await page.evaluate(() => {
      window.patchscopeE2eKeyAt = undefined;
      window.addEventListener(
        'keydown',
        (event) => {
          window.patchscopeE2eKeyAt = performance.timeOrigin + event.timeStamp;
        },
        { capture: true, once: true },
      );
    });
    await workbench.press(nextDigit);
    const { start, chunk, source } = await awaitNextRender(frame, lastRenderId ?? 0);
    const keyAt = await waitFor('the keydown time', () => page.evaluate(() => window.patchscopeE2eKeyAt));
    const measured = {
      renderId: start.renderId,
      keyToHostEditMs: start.editAt - keyAt,
      keyToFirstChunkPostedMs: chunk.postedAt - keyAt,
      keyToRenderStartReceivedMs: start.at - keyAt,
      keyToFirstChunkMs: chunk.at - keyAt,
      keyToFirstSourceStartMs: source.at - keyAt,
      keyToFirstSoundMs: source.at + (source.when - source.contextTime + source.outputLatency) * 1000 - keyAt,
    };
    results.push(measured);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
  return { edits: results };
}

/**
 * Renders started from the preview's own "Render now" button: no keystroke and no editor work, so the figures
 * separate the extension's part (webview to host, host to first chunk posted) from the way back to the webview.
 * @returns {Promise<object[]>}
 */
export async function measureRenderNowClicks(frame, { clicks = 6, settleMs = 1500 } = {}) {
  const results = [];
  for (let i = 0; i < clicks; i++) {
    const lastRenderId = await newestRenderId(frame);
    const clickAt = await frame.evaluate(() => {
      const button = document.querySelector('vscode-toolbar-button[label="Render now"]');
      const at = performance.timeOrigin + performance.now();
      button.click();
      return at;
    });
    const { start, chunk } = await awaitNextRender(frame, lastRenderId ?? 0, { withSource: false });
    results.push({
      clickToHostMs: start.editAt - clickAt,
      clickToFirstChunkPostedMs: chunk.postedAt - clickAt,
      clickToRenderStartReceivedMs: start.at - clickAt,
      clickToFirstChunkMs: chunk.at - clickAt,
    });
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
  return results;
}

/** The benchmark's figures as a Markdown table. */
export function benchMarkdown(result, context) {
  const rows = [
    ['keystroke → host sees the edit', 'keyToHostEditMs'],
    ['keystroke → host posts the first chunk to the webview', 'keyToFirstChunkPostedMs'],
    ['keystroke → render-start message in the preview (posted before any audio)', 'keyToRenderStartReceivedMs'],
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
  const row = (label, values) => {
    const s = summarise(values);
    lines.push(`| ${label} | ${s.median.toFixed(1)} ms | ${s.min.toFixed(1)} ms | ${s.max.toFixed(1)} ms |`);
  };
  for (const [label, key] of rows) row(label, result.edits.map((edit) => edit[key]));
  const clickRows = [
    ['"Render now" click in the preview → host starts the render', 'clickToHostMs'],
    ['"Render now" click → host posts the first chunk', 'clickToFirstChunkPostedMs'],
    ['"Render now" click → render-start message back in the preview', 'clickToRenderStartReceivedMs'],
    ['"Render now" click → first chunk in the preview', 'clickToFirstChunkMs'],
  ];
  for (const [label, key] of clickRows) if (result.clicks?.length) row(label, result.clicks.map((click) => click[key]));
  lines.push('', 'Keystroke: the keydown event in the workbench page; chunk and sound: the preview webview; edit: the extension host.');
  return lines.join('\n');
}
