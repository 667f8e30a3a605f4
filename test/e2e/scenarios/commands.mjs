// The file commands from the command palette: Render to WAV, Render to MP4, Run Parity Test.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { probeMedia, readWavHeader } from '../lib/media-files.mjs';
import { commandTitle } from '../lib/session.mjs';
import { waitFor } from '../lib/workbench.mjs';
import { locate, SINE } from './preview.mjs';

/** A patch that renders digital silence. */
const SILENT = 'fixtures/silent.synth.js';

/** Duration, rate and channels a patch declares (defaults from the patch contract). */
export function declaredFormat(patchText) {
  const number = (name, fallback) => {
    const match = new RegExp(`\\b${name}\\s*:\\s*([0-9.]+)`).exec(patchText);
    return match ? Number(match[1]) : fallback;
  };
  const duration = number('duration', NaN);
  const sampleRate = number('sampleRate', 48000);
  return { duration, sampleRate, channels: number('channels', 2), frames: Math.round(duration * sampleRate) };
}

/**
 * Runs a render command that asks where to save: accepts the suggested path in VS Code's save dialog
 * (the quick-input dialog of the web workbench) and returns that path.
 */
async function renderWithSaveDialog(session, command, extension) {
  const workbench = session.workbench;
  await workbench.runCommand(commandTitle(session.options.repoRoot, command));
  const box = await workbench.quickInputBox();
  const suggested = await waitFor(`the save dialog to suggest a .${extension} path`, async () => {
    const value = await box.inputValue();
    return value.endsWith(`.${extension}`) ? value : undefined;
  });
  // The dialog shows paths with a leading ~ or as typed; resolve it against the workspace.
  const file = suggested.startsWith('/') ? suggested : join(session.workspaceDir, suggested);
  // A file already there would pass the checks below without this render writing anything.
  assert.equal(existsSync(file), false, `${file} exists before the render`);
  await workbench.page.keyboard.press('Enter');
  return file;
}

/** Waits for a file to exist with a size that stops changing, and for no temp file to remain beside it. */
async function waitForFinishedFile(file, timeoutMs) {
  let lastSize = -1;
  await waitFor(
    `${basename(file)} to be written`,
    async () => {
      if (!existsSync(file)) return false;
      const size = statSync(file).size;
      const stable = size > 0 && size === lastSize;
      lastSize = size;
      return stable;
    },
    { timeoutMs, intervalMs: 500 },
  );
  const leftovers = readdirSync(dirname(file)).filter((name) => name !== basename(file) && name.startsWith(basename(file)));
  assert.deepEqual(leftovers, [], 'no temporary file is left beside the output');
}

/** @param {import('../lib/session.mjs').Session} session @param {Function} scenario */
export function commandScenarios(session, scenario) {
  const patch = () => (session.has('examples/hello.synth.js') ? 'examples/hello.synth.js' : SINE);

  scenario('Render to WAV writes the whole patch', async () => {
    await session.workbench.quickOpen(patch());
    const expected = declaredFormat(readFileSync(session.path(patch()), 'utf8'));
    const file = await renderWithSaveDialog(session, 'patchscope.renderWav', 'wav');
    await waitForFinishedFile(file, 120_000);
    const wav = readWavHeader(file);
    assert.equal(wav.sampleRate, expected.sampleRate);
    assert.equal(wav.frames, expected.frames, `${expected.duration} s at ${expected.sampleRate} Hz`);
    assert.equal(wav.declaredDataBytes, wav.dataBytes, 'the header declares the data it holds');
    await waitFor('the success notification', async () => (await session.workbench.notifications()).some((n) => n.includes(basename(file))));
  });

  scenario('Render to WAV of a silent patch says so in a warning', async () => {
    await session.workbench.quickOpen(SILENT);
    const file = await renderWithSaveDialog(session, 'patchscope.renderWav', 'wav');
    await waitForFinishedFile(file, 120_000);
    const notice = await waitFor('the warning notification', async () => (await session.workbench.notifications()).find((n) => n.includes(basename(file))));
    assert.match(notice, /Warning: the render is silent \(every sample is 0\)/, notice);
  });

  scenario('a Render to WAV error leaves Problems when the patch is fixed and saved, and when it is deleted', async () => {
    const workbench = session.workbench;
    const relativePath = 'fixtures/stale-problem.synth.js';
    const file = session.path(relativePath);
    const good = 'export default {\n  duration: 1,\n  channels: 1,\n  build(ctx, out) {\n    const tone = new OscillatorNode(ctx, { frequency: 330 });\n    tone.connect(out);\n    tone.start(0);\n  },\n};\n';
    const broken = good.replace('tone.connect(out);', 'tone.connect(out); @@');
    const problems = async () => (await workbench.problems()).filter((row) => row.file === 'stale-problem.synth.js' && row.source === 'patchscope');
    const renderFails = async () => {
      const output = await renderWithSaveDialog(session, 'patchscope.renderWav', 'wav');
      await waitFor('the compile error in Problems', async () => (await problems()).length === 1, { timeoutMs: 60_000, intervalMs: 500 });
      assert.equal(existsSync(output), false, 'a failed render writes no file');
    };
    writeFileSync(file, broken);
    try {
      await workbench.quickOpen(relativePath);
      await renderFails();
      // Fixed in the editor and saved, with no preview render to say so (the preview may be closed).
      const target = locate(broken, / @@$/);
      await workbench.focusEditor();
      await workbench.goTo(target.line, 1);
      await workbench.press('End');
      await workbench.press('Backspace', { times: 3 });
      await waitFor('the fix in the editor', async () => !(await workbench.editorText()).includes('@@'));
      await workbench.save();
      await waitFor('the saved fix on disk', async () => readFileSync(file, 'utf8') === good);
      await waitFor('Problems to clear after the save', async () => (await problems()).length === 0, { timeoutMs: 30_000, intervalMs: 500 });

      // Broken again on disk (the editor reloads it), failed again, then deleted outside the editor.
      writeFileSync(file, broken);
      await workbench.focusEditor();
      await waitFor('the editor to reload the broken patch', async () => (await workbench.editorText()).includes('@@'));
      await renderFails();
      rmSync(file);
      await waitFor('Problems to clear after the delete', async () => (await problems()).length === 0, { timeoutMs: 30_000, intervalMs: 500 });
    } finally {
      rmSync(file, { force: true });
    }
  });

  scenario('Render to MP4 writes a video as long as the patch', async () => {
    await session.workbench.quickOpen(patch());
    const expected = declaredFormat(readFileSync(session.path(patch()), 'utf8'));
    const file = await renderWithSaveDialog(session, 'patchscope.renderMp4', 'mp4');
    await waitForFinishedFile(file, 300_000);
    const media = await probeMedia(file);
    const video = media.streams.find((s) => s.type === 'video');
    const audio = media.streams.find((s) => s.type === 'audio');
    assert.ok(video, 'the MP4 has a video stream');
    assert.ok(audio, 'the MP4 has an audio stream');
    // AAC priming and the last video frame make container durations differ from the patch by a frame or so.
    assert.ok(Math.abs(media.duration - expected.duration) < 0.1, `duration ${media.duration} s is the patch's ${expected.duration} s`);
    assert.ok(Math.abs(audio.duration - expected.duration) < 0.1, `audio lasts ${audio.duration} s`);
  });

  scenario('Run Parity Test reports the streamed render bit-exact', async () => {
    const workbench = session.workbench;
    await workbench.quickOpen(patch());
    await workbench.runCommand(commandTitle(session.options.repoRoot, 'patchscope.runParityTest'));
    const verdict = await waitFor(
      'the parity verdict',
      async () => (await workbench.notifications()).find((n) => /bit-exact|differs/.test(n)),
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    assert.match(verdict, /is bit-exact/, verdict);
    const output = await waitFor('the parity report in the Output panel', async () => {
      const text = await workbench.outputText();
      return text.includes('bitExact:') ? text : undefined;
    });
    assert.match(output, /bitExact: true/);
    assert.match(output, /maxAbsDiff: 0\b/);
  });
}
