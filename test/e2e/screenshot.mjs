#!/usr/bin/env node
// Takes the README's screenshot: an example playing in the Patchscope preview inside a real VS Code
// (code-server), driven by Debian's Chromium.   node test/e2e/screenshot.mjs [examples/NAME.synth.js] [out.png]
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandTitle, Session } from './lib/session.mjs';
import { previewState, waitForAdvancingClock } from './lib/patchscope-view.mjs';
import { waitFor } from './lib/workbench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const patch = process.argv[2] ?? 'examples/02-pentatonic-rain.synth.js';
const out = resolve(process.argv[3] ?? join(repoRoot, 'docs', 'preview.png'));

const session = new Session({ repoRoot, resultsDir: join(repoRoot, 'test-results'), fixturesDir: join(here, 'fixtures') });
try {
  await session.start();
  const workbench = session.workbench;
  await workbench.quickOpen(patch);
  await workbench.runCommand(commandTitle(repoRoot, 'patchscope.openPreview'));
  const frame = await workbench.webviewFrame(session.extensionId, { selector: 'canvas.spectrogram' });
  const name = patch.split('/').pop();
  await waitFor(`the preview to show ${name}`, async () => (await previewState(frame)).patchName === name);
  await waitForAdvancingClock(frame);
  // Let a few seconds of spectrogram scroll in before the picture.
  await new Promise((r) => setTimeout(r, 7000));
  mkdirSync(dirname(out), { recursive: true });
  await workbench.page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await session.stop();
}
