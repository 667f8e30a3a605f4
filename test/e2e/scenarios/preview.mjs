// Patchscope as a person uses it: open a patch and its preview, hear it, edit it, break it, fix it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { commandTitle } from '../lib/session.mjs';
import {
  newestRenderId,
  previewState,
  probeRecords,
  spectrogramPixels,
  waitForAdvancingClock,
  waitForNewRender,
} from '../lib/patchscope-view.mjs';
import { waitFor } from '../lib/workbench.mjs';

/** The fixture whose frequency the edits change (a 30 s sine, long enough to keep playing). */
export const SINE = 'fixtures/sine.synth.js';

/** 1-based line and column of the first match of `pattern` in a file's text (column of `group` if given). */
export function locate(text, pattern, group = 0) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = pattern.exec(lines[i]);
    if (match) return { line: i + 1, column: lines[i].indexOf(match[group], match.index) + 1, text: match[group], lineText: lines[i] };
  }
  throw new Error(`${pattern} not found`);
}

/** True when `hz` is within 3 % of `expected`. */
export function near(hz, expected) {
  return hz !== undefined && Math.abs(hz - expected) <= expected * 0.03;
}

/** Opens a patch by Quick Open and waits until the preview follows it and plays one of its renders. */
export async function followPatch(session, frame, relativePath) {
  await session.workbench.quickOpen(relativePath);
  const name = basename(relativePath);
  await waitFor(`the preview to follow ${name}`, async () => (await previewState(frame)).patchName === name);
}

/**
 * @param {import('../lib/session.mjs').Session} session
 * @param {Function} scenario
 * @param {{ frame?: import('playwright-core').Frame }} shared filled here, read by later scenario groups
 */
export function previewScenarios(session, scenario, shared) {
  const example = () => (session.has('examples/hello.synth.js') ? 'examples/hello.synth.js' : SINE);

  scenario('opening an example patch and the preview plays it and draws its spectrogram', async () => {
    const workbench = session.workbench;
    await workbench.quickOpen(example());
    await workbench.runCommand(commandTitle(session.options.repoRoot, 'patchscope.openPreview'));
    const frame = await workbench.webviewFrame(session.extensionId, { selector: 'canvas.spectrogram' });
    shared.frame = frame;
    const name = basename(example());
    await waitFor(`the preview to show ${name}`, async () => (await previewState(frame)).patchName === name);
    assert.ok((await previewState(frame)).probeInstalled, 'the test probe is installed in the webview');

    // Chunks go on the AudioContext clock, and the clock runs.
    const started = await waitFor('chunks scheduled on the AudioContext', async () => {
      const { starts } = await probeRecords(frame);
      return starts.length >= 2 ? starts : undefined;
    });
    for (const start of started) {
      assert.ok(start.when >= start.contextTime, `a chunk is scheduled ahead of the clock (when ${start.when} >= now ${start.contextTime})`);
      assert.ok(start.frames > 0, 'a scheduled chunk holds audio');
    }
    const clock = await waitForAdvancingClock(frame);
    assert.ok(clock.second.currentTime > clock.first.currentTime);
    await waitFor('the player to report playing', async () => (await previewState(frame)).playState === 'playing', { timeoutMs: 15_000 });
    // The playhead is an element over the plot, moved to the right as the audio plays.
    const playheadX = () =>
      frame.evaluate(() => {
        const playhead = document.querySelector('.playhead');
        return playhead && !playhead.hidden ? playhead.getBoundingClientRect().left : undefined;
      });
    const firstX = await waitFor('the playhead to show', playheadX);
    await waitFor('the playhead to move right', async () => ((await playheadX()) ?? 0) > firstX + 2, { timeoutMs: 15_000 });

    const pixels = await waitFor(
      'the spectrogram to be drawn',
      async () => {
        const analysis = await spectrogramPixels(frame);
        return analysis && analysis.nonBackgroundFraction > 0.02 && analysis.columnsWithPeak > 10 ? analysis : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.ok(pixels.distinctColours > 8, `the spectrogram has more than a few colours (${pixels.distinctColours})`);
  });

  scenario('an edit re-renders: the new render replaces the old one and the spectrogram shows it', async () => {
    const workbench = session.workbench;
    const frame = shared.frame;
    assert.ok(frame, 'the preview is open');
    await followPatch(session, frame, SINE);
    // The sine plays at 440 Hz and the spectrogram draws its line.
    await waitFor('a 440 Hz chunk on the clock', async () => (await probeRecords(frame)).starts.some((s) => near(s.toneHz, 440)));
    const before = await waitFor(
      'the 440 Hz line in the spectrogram',
      async () => {
        const analysis = await spectrogramPixels(frame);
        return analysis?.columnsWithPeak > 40 ? analysis : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const oldRender = await newestRenderId(frame);

    const source = readFileSync(session.path(SINE), 'utf8');
    const frequency = locate(source, /frequency: (\d+)/, 1);
    await workbench.goTo(frequency.line, frequency.column);
    await workbench.selectWordAtCursor();
    await workbench.type('1760');
    await waitFor('the edit in the editor', async () => (await workbench.editorText()).includes('frequency: 1760'));

    await waitForNewRender(frame, oldRender);
    const firstNew = await waitFor('a 1760 Hz chunk on the clock', async () => {
      const { starts } = await probeRecords(frame);
      const index = starts.findIndex((s) => near(s.toneHz, 1760));
      return index >= 0 ? { index, starts } : undefined;
    });
    // Give the scheduler time to place more chunks, then check that no 440 Hz chunk followed the new render.
    await waitFor('more chunks of the new render', async () => (await probeRecords(frame)).starts.length > firstNew.starts.length + 2, { timeoutMs: 20_000 });
    const { starts } = await probeRecords(frame);
    const later = starts.slice(firstNew.index);
    assert.ok(
      later.every((s) => !near(s.toneHz, 440)),
      `after the first 1760 Hz chunk only the new render plays: ${later.map((s) => s.toneHz?.toFixed(0)).join(', ')}`,
    );

    const after = await waitFor(
      'the spectrogram line to move up',
      async () => {
        const analysis = await spectrogramPixels(frame);
        return analysis?.medianPeakRow !== undefined && analysis.medianPeakRow < before.medianPeakRow - 3 ? analysis : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.ok(after.medianPeakRow < before.medianPeakRow, `1760 Hz draws above 440 Hz (row ${after.medianPeakRow} < ${before.medianPeakRow})`);
  });

  scenario('a syntax error shows in Problems at its line, and fixing it clears it', async () => {
    const workbench = session.workbench;
    const frame = shared.frame;
    assert.ok(frame, 'the preview is open');
    const text = await workbench.editorText();
    const target = locate(text, /tone\.connect\(level\)/);
    await workbench.goTo(target.line, 1);
    await workbench.press('End');
    await workbench.type(' @@');

    const patchscopeProblems = async () => (await workbench.problems()).filter((row) => row.file === 'sine.synth.js' && row.source === 'patchscope');
    const problems = await waitFor(
      'the syntax error in Problems',
      async () => {
        const rows = await patchscopeProblems();
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(problems.length, 1, `one problem: ${JSON.stringify(problems)}`);
    assert.equal(problems[0].line, target.line, `the problem is on the edited line: ${JSON.stringify(problems)}`);
    const banner = await waitFor('the error in the preview', async () => (await previewState(frame)).error);
    assert.match(banner.location, new RegExp(`sine\\.synth\\.js:${target.line}:`), 'the preview names the file and line');

    await workbench.focusEditor();
    await workbench.press('Backspace', { times: 3 });
    await waitFor('the fix in the editor', async () => (await workbench.editorText()).includes('tone.connect(level).connect(out);\n'));
    await waitFor('Problems to clear', async () => (await patchscopeProblems()).length === 0, { timeoutMs: 60_000, intervalMs: 500 });
    await waitFor('the preview error to clear', async () => (await previewState(frame)).error === undefined, { timeoutMs: 30_000 });
  });
}
