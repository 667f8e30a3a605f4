// The harness proven on VS Code's own features: Quick Open, the editor, the command palette, the Problems
// panel. These pass whatever state the extension is in, so a failure here is the harness, not Patchscope.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { waitFor } from '../lib/workbench.mjs';

/** @param {import('../lib/session.mjs').Session} session @param {Function} scenario */
export function workbenchScenarios(session, scenario) {
  const notes = 'fixtures/notes.txt';

  scenario('Quick Open opens a workspace file and the editor shows its text', async () => {
    const workbench = session.workbench;
    await workbench.quickOpen(notes);
    const onDisk = readFileSync(session.path(notes), 'utf8');
    await waitFor('the editor to show the file', async () => (await workbench.editorText()).trimEnd() === onDisk.trimEnd());
  });

  scenario('the command palette runs a built-in command on the selection', async () => {
    const workbench = session.workbench;
    await workbench.goTo(1, 1);
    await workbench.selectWordAtCursor();
    await workbench.runCommand('Transform to Uppercase');
    await waitFor('the first word in upper case', async () => (await workbench.editorText()).startsWith('HELLO world'));
    await workbench.press('Control+Z');
    await waitFor('undo to restore the word', async () => (await workbench.editorText()).startsWith('hello world'));
  });

  scenario('typing lands in the editor exactly as typed', async () => {
    const workbench = session.workbench;
    await workbench.goTo(2, 1);
    await workbench.press('End');
    const typed = ' (typed: {braces} "quotes" [brackets])';
    await workbench.type(typed);
    await waitFor('the typed text', async () => (await workbench.editorText()).split('\n')[1] === `second line${typed}`);
    // Undo until the document is back to what is on disk.
    const onDisk = readFileSync(session.path(notes), 'utf8').trimEnd();
    await waitFor(
      'undo to restore the file',
      async () => {
        if ((await workbench.editorText()).trimEnd() === onDisk) return true;
        await workbench.press('Control+Z');
        return false;
      },
      { intervalMs: 200 },
    );
  });

  scenario('the Problems panel lists a JSON syntax error at its line', async () => {
    const workbench = session.workbench;
    await workbench.quickOpen('fixtures/broken.json');
    const errorLine = readFileSync(session.path('fixtures/broken.json'), 'utf8').split('\n').findIndex((line) => line.includes('2 3')) + 1;
    const problems = await waitFor(
      'the JSON error in Problems',
      async () => {
        const rows = (await workbench.problems()).filter((row) => row.file === 'broken.json');
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    assert.ok(problems.every((row) => row.line === errorLine), `every problem of broken.json is on line ${errorLine}: ${JSON.stringify(problems)}`);
    await workbench.runCommand('View: Close All Editors');
  });
}
