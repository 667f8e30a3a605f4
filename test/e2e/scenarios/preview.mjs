// Patchscope as a person uses it: open a patch and its preview, hear it, edit it, break it, fix it.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { commandTitle, log } from '../lib/session.mjs';
import {
  awaitNextRender,
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
/** A sine whose pitch comes from an imported module (PITCH_MODULE), which a scenario edits. */
const LAYERED = 'fixtures/layered.synth.js';
const PITCH_MODULE = 'fixtures/lib/pitch.js';

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

/** Messages after which the preview expects nothing more of a render. */
const RENDER_ENDS = ['renderEnd', 'renderError', 'renderCancelled'];

/** Clicks the preview's Render now button. */
async function clickRenderNow(frame) {
  await frame.evaluate(() => document.querySelector('vscode-toolbar-button[label="Render now"]').click());
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

  scenario('an edit to a module the patch imports re-renders the patch with the unsaved module text', async () => {
    const workbench = session.workbench;
    const frame = shared.frame;
    assert.ok(frame, 'the preview is open');
    await followPatch(session, frame, LAYERED);
    await waitFor('a 660 Hz chunk on the clock', async () => (await probeRecords(frame)).starts.some((s) => near(s.toneHz, 660)));
    const oldRender = await newestRenderId(frame);

    // The module is no patch: the preview keeps following the patch while the module is edited, and not saved.
    await workbench.quickOpen(PITCH_MODULE);
    const pitch = locate(readFileSync(session.path(PITCH_MODULE), 'utf8'), /PITCH = (\d+)/, 1);
    await workbench.goTo(pitch.line, pitch.column);
    await workbench.selectWordAtCursor();
    await workbench.type('1320');
    await waitFor('the edit in the editor', async () => (await workbench.editorText()).includes('PITCH = 1320'));
    assert.equal((await previewState(frame)).patchName, basename(LAYERED), 'the preview still follows the patch');

    await waitForNewRender(frame, oldRender);
    await waitFor('a 1320 Hz chunk on the clock', async () => (await probeRecords(frame)).starts.some((s) => near(s.toneHz, 1320)));
    assert.equal(readFileSync(session.path(PITCH_MODULE), 'utf8').includes('PITCH = 1320'), false, 'heard from the unsaved text, not the file');
  });

  scenario('every render ends in the preview, also one replaced while its audio was still on the way', async () => {
    const frame = shared.frame;
    assert.ok(frame, 'the preview is open');
    await followPatch(session, frame, SINE);
    const ended = async (renderId) => (await probeRecords(frame)).messages.some((m) => m.renderId === renderId && RENDER_ENDS.includes(m.type));
    // The host renders the 30 s sine in a fraction of a second and its audio reaches the preview over about as
    // long again: renders replaced at these delays after their first chunk arrived ended on the host first.
    const unended = [];
    let previous;
    for (const delayMs of [100, 200, 300, 450, 600, 800, 0]) {
      const before = previous ?? (await newestRenderId(frame)) ?? 0;
      await clickRenderNow(frame);
      const { start } = await awaitNextRender(frame, before, { withSource: false });
      // Its end, if it came, came before the next render's start: checked now, while the probe still holds it.
      if (previous !== undefined && !(await ended(previous))) unended.push(previous);
      previous = start.renderId;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    assert.deepEqual(unended, [], 'a render the preview is never told the end of stays "still growing" for ever');
    const lastEnd = await waitFor(
      'the last render to end',
      async () => (await probeRecords(frame)).messages.find((m) => m.renderId === previous && RENDER_ENDS.includes(m.type)),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    assert.equal(lastEnd.type, 'renderEnd', 'the last render completes');
    const firstChunk = (await probeRecords(frame)).messages.find((m) => m.renderId === previous && m.type === 'chunk');
    if (firstChunk) log(`the last render's audio took ${(lastEnd.at - firstChunk.at).toFixed(0)} ms from its first chunk to its end in the preview`);
    await waitFor('the last render to play', async () => (await previewState(frame)).playState === 'playing', { timeoutMs: 15_000 });
  });

  scenario('a setting the render uses renders the followed patch again; a display setting does not', async () => {
    const frame = shared.frame;
    assert.ok(frame, 'the preview is open');
    await followPatch(session, frame, SINE);
    const settingsFile = session.path('.vscode/settings.json');
    const writeSettings = (settings) => {
      mkdirSync(dirname(settingsFile), { recursive: true });
      writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    };
    try {
      // The 30 s sine over a 10 s limit: refused, with no edit to ask for it.
      writeSettings({ 'patchscope.maxDuration': 10 });
      const refused = await waitFor('the preview to refuse the 30 s sine', async () => {
        const { error } = await previewState(frame);
        return error && /limit of 10 s/.test(error.message) ? error : undefined;
      });
      assert.match(refused.message, /patchscope\.maxDuration/);
      const refusedId = await newestRenderId(frame);
      writeSettings({ 'patchscope.maxDuration': 60 });
      await waitForNewRender(frame, refusedId);
      await waitFor('the refusal to clear', async () => (await previewState(frame)).error === undefined, { timeoutMs: 30_000 });
      await waitFor('the new render to play', async () => (await previewState(frame)).playState === 'playing', { timeoutMs: 15_000 });

      const playingId = await newestRenderId(frame);
      writeSettings({ 'patchscope.maxDuration': 60, 'patchscope.spectrogram.colorMap': 'viridis' });
      await new Promise((resolve) => setTimeout(resolve, 4000));
      assert.equal(await newestRenderId(frame), playingId, 'the webview redraws a colour map itself: no render');
    } finally {
      rmSync(dirname(settingsFile), { recursive: true, force: true });
    }
  });
}
