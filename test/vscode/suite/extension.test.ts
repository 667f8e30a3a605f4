// In-host integration tests: the extension in a real VS Code, driven through its API and its commands.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PatchscopeApi } from '../../../src/extension/api';
import type { ParityReport } from '../../../src/engine/render-types';

const EXTENSION_ID = 'patchscope.patchscope';

/** The workspace run.mjs opened (a copy of the end-to-end fixtures). */
function workspacePath(...parts: string[]): string {
  const root = process.env.PATCHSCOPE_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) throw new Error('no test workspace');
  return path.join(root, ...parts);
}

/** Polls until `probe` returns a truthy value. */
async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`);
}

/** Replaces the first match of `pattern` in a document with `replacement` (an unsaved edit, as typing makes). */
async function replaceInDocument(document: vscode.TextDocument, pattern: RegExp, replacement: string): Promise<void> {
  const text = document.getText();
  const match = pattern.exec(text);
  assert.ok(match, `${pattern} is in ${document.fileName}`);
  const range = new vscode.Range(document.positionAt(match.index), document.positionAt(match.index + match[0].length));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, range, replacement);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
}

describe('Patchscope in the extension host', () => {
  let api: PatchscopeApi;
  const sine = workspacePath('fixtures', 'sine.synth.js');
  let document: vscode.TextDocument;

  before(async () => {
    const extension = vscode.extensions.getExtension<PatchscopeApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    document = await vscode.workspace.openTextDocument(sine);
    await vscode.window.showTextDocument(document);
  });

  it('opens the preview and streams a render of the patch to it', async () => {
    await api.openPreview(sine);
    const timings = await eventually('a render with its first chunk posted', () => {
      const last = api.getLastTimings();
      return last?.firstChunkPostedAt !== undefined ? last : undefined;
    });
    assert.equal(timings.patchPath, sine);
    const state = await eventually('chunks in the player', async () => {
      const snapshot = await api.getPlayerState();
      return snapshot && snapshot.scheduled.length > 0 ? snapshot : undefined;
    });
    // Desktop VS Code keeps a webview's AudioContext suspended until a click: chunks wait on a stopped clock.
    assert.ok(['running', 'suspended'].includes(state.audioState));
    for (let i = 1; i < state.scheduled.length; i++) {
      const previous = state.scheduled[i - 1];
      const span = state.scheduled[i];
      if (span.renderId !== previous.renderId) continue;
      assert.equal(span.when, previous.when + previous.frames / previous.sampleRate, 'chunks tile the clock exactly');
    }
  });

  it('an edit starts a new render of the unsaved text', async () => {
    const before = api.getLastTimings();
    assert.ok(before);
    await replaceInDocument(document, /frequency: \d+/, 'frequency: 880');
    const after = await eventually('a newer render', () => {
      const last = api.getLastTimings();
      return last && last.renderId > before.renderId && last.firstChunkPostedAt !== undefined ? last : undefined;
    });
    assert.ok(after.editToFirstChunkMs !== undefined && after.editToFirstChunkMs >= 0);
  });

  it('a syntax error is a problem at its line, and the fix clears it', async () => {
    const line = document.getText().split('\n').findIndex((text) => text.includes('tone.connect(level)'));
    assert.ok(line >= 0);
    await replaceInDocument(document, /tone\.connect\(level\)\.connect\(out\);/, 'tone.connect(level).connect(out) @@;');
    const problems = await eventually('the problem', () => {
      const list = api.getProblems(sine);
      return list.length > 0 ? list : undefined;
    });
    assert.equal(problems[0].line, line + 1, 'the problem is on the edited line');
    const diagnostics = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'patchscope');
    assert.equal(diagnostics[0]?.range.start.line, line, 'the Problems panel has it at the same line');

    await replaceInDocument(document, / @@;/, ';');
    await eventually('the problem to clear', () => api.getProblems(sine).length === 0);
    assert.equal(vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'patchscope').length, 0);
  });

  it('Run Parity Test reports the streamed render bit-exact', async () => {
    const report = await vscode.commands.executeCommand<ParityReport | undefined>('patchscope.runParityTest', document.uri);
    assert.ok(report, 'the command returns its report');
    assert.equal(report.bitExact, true, `max |diff| ${report.maxAbsDiff}, first difference at frame ${report.firstDiffFrame}`);
    assert.equal(report.frames, 30 * (report.sampleRate || 48000));
  });
});
