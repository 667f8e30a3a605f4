// Restricted Mode: a workspace that is not trusted opens the preview silent and says why; trusting the
// workspace from the preview's own button makes it render and play, without a reload. Runs in a session of its
// own, opened with workspace trust on (`--suite trust`).
import assert from 'node:assert/strict';
import { commandTitle } from '../lib/session.mjs';
import { previewState, probeRecords, waitForAdvancingClock, waitForNewRender } from '../lib/patchscope-view.mjs';
import { waitFor } from '../lib/workbench.mjs';
import { locate, SINE } from './preview.mjs';

/**
 * @param {import('../lib/session.mjs').Session} session
 * @param {Function} scenario
 */
export function trustScenarios(session, scenario) {
  scenario('in Restricted Mode the preview stays silent and says why; trusting the workspace makes it play', async () => {
    const workbench = session.workbench;
    await workbench.quickOpen(SINE);
    await workbench.runCommand(commandTitle(session.options.repoRoot, 'patchscope.openPreview'));
    const frame = await workbench.webviewFrame(session.extensionId, { selector: 'canvas.spectrogram' });
    await waitFor('the Restricted Mode card in the preview', async () => (await previewState(frame)).overlay === 'Restricted Mode');

    // An edit in Restricted Mode runs nothing: no render starts and no sound is scheduled.
    const text = await workbench.editorText();
    const frequency = locate(text, /frequency: (\d+)/, 1);
    await workbench.goTo(frequency.line, frequency.column);
    await workbench.press('Shift+End');
    await workbench.type(`550 });`);
    await waitFor('the edit in the editor', async () => (await workbench.editorText()).includes('frequency: 550 });'));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const silent = await probeRecords(frame);
    assert.deepEqual(
      silent.messages.filter((m) => m.type === 'renderStart' || m.type === 'chunk').map((m) => m.type),
      [],
      'nothing rendered in Restricted Mode',
    );
    assert.equal(silent.starts.length, 0, 'no sound scheduled in Restricted Mode');
    const restricted = await previewState(frame);
    assert.equal(restricted.overlay, 'Restricted Mode');

    // The card's button opens VS Code's trust editor; trusting there reaches the extension live.
    await frame.locator('.overlay-action').click();
    const trustButton = workbench.page.getByRole('button', { name: 'Trust', exact: true });
    await waitFor('the workspace trust editor', async () => (await trustButton.count()) > 0, { timeoutMs: 30_000 });
    await trustButton.first().click();
    const renderId = await waitForNewRender(frame, 0);
    assert.ok(renderId > 0);
    await waitForAdvancingClock(frame);
    const trusted = await previewState(frame);
    assert.equal(trusted.overlay, undefined, 'the Restricted Mode card is gone');
    assert.ok(trusted.starts > 0, 'the preview schedules sound once trusted');
  });
}
