import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMAND_CATEGORY, COMMANDS } from '../../src/extension/command-ids';
import { batchSummary, forEachLimited } from '../../src/extension/commands/batch';
import { parityLines, parityVerdict } from '../../src/extension/commands/parity-report';
import { wavFormatOf } from '../../src/extension/commands/wav-format';
import { decideOnEdit } from '../../src/extension/edit-debouncer';
import { patchesStaleAfterRemoval, patchesStaleAfterSave, type ReportedProblems } from '../../src/extension/diagnostics-model';
import { findFileDocument, findPatchDocument, isDocumentOf, patchPathOf } from '../../src/extension/patch-documents';
import { PatchInputs } from '../../src/extension/patch-inputs';
import {
  DEFAULT_SETTINGS,
  parseSettings,
  previewSettings,
  renderLimits,
  SETTINGS_SECTION,
  streamOptions,
  streamSettingsChanged,
} from '../../src/extension/settings-model';
import { formatMs, formatRtf, statusText } from '../../src/extension/status-text';
import { TimingsRecorder } from '../../src/extension/timings';
import { EngineHost } from '../../src/extension/engine-host';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { type: string; default: unknown; enum?: unknown[]; minimum?: number; maximum?: number }> };
    menus: Record<string, { command: string; when?: string }[]>;
  };
  capabilities: { untrustedWorkspaces: { supported: string; description: string } };
  activationEvents: string[];
};

function settingAt(key: string): unknown {
  return key.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown>)[part], DEFAULT_SETTINGS);
}

describe('settings', () => {
  it('declares every setting in package.json with the reader’s default', () => {
    const properties = manifest.contributes.configuration.properties;
    const keys = Object.keys(properties).map((key) => key.slice(SETTINGS_SECTION.length + 1));
    assert.deepEqual(keys.sort(), [
      'autoRender', 'capture', 'debounceMs', 'ffmpegPath', 'maxChunk', 'maxDuration', 'minChunk', 'renderTimeout',
      'spectrogram.colorMap', 'spectrogram.fftSize', 'spectrogram.scale', 'targetLatency',
      'video.fps', 'video.height', 'video.width', 'wav.bitDepth',
    ]);
    for (const key of keys) assert.deepEqual(properties[`${SETTINGS_SECTION}.${key}`].default, settingAt(key), key);
  });

  it('accepts every value package.json offers for an enum setting', () => {
    for (const [fullKey, property] of Object.entries(manifest.contributes.configuration.properties)) {
      if (!property.enum) continue;
      const key = fullKey.slice(SETTINGS_SECTION.length + 1);
      for (const value of property.enum) {
        const parsed = parseSettings((k) => (k === key ? value : undefined));
        assert.deepEqual(lookup(parsed, key), value, `${key} = ${String(value)}`);
      }
    }
  });

  it('falls back to defaults on wrong types and clamps ranges', () => {
    const parsed = parseSettings((key) =>
      ({ targetLatency: 'fast', minChunk: 0.5, maxChunk: 0.1, 'spectrogram.fftSize': 3000, 'video.width': 1001, debounceMs: -5, capture: 'nope' })[key],
    );
    assert.equal(parsed.targetLatency, DEFAULT_SETTINGS.targetLatency);
    assert.equal(parsed.minChunk, 0.5);
    assert.equal(parsed.maxChunk, 0.5, 'never below minChunk');
    assert.equal(parsed.spectrogram.fftSize, 2048);
    assert.equal(parsed.video.width, 1002, 'even');
    assert.equal(parsed.debounceMs, 0);
    assert.equal(parsed.capture, 'auto');
    assert.deepEqual(previewSettings(parsed), { spectrogram: parsed.spectrogram, autoRender: 'onType' });
  });

  it('passes the duration limit and the timeout to every render, within the range package.json declares', () => {
    const parsed = parseSettings((key) => ({ maxDuration: 7200, renderTimeout: 30 })[key]);
    assert.deepEqual(renderLimits(parsed), { timeout: 30, maxDuration: 7200 });
    const stream = streamOptions(parsed);
    assert.equal(stream.maxDuration, 7200);
    assert.equal(stream.timeout, 30);
    const declared = manifest.contributes.configuration.properties['patchscope.maxDuration'];
    assert.equal(parseSettings((key) => (key === 'maxDuration' ? 1e9 : undefined)).maxDuration, declared.maximum);
    assert.equal(parseSettings((key) => (key === 'maxDuration' ? 0 : undefined)).maxDuration, declared.minimum);
    assert.equal(parseSettings((key) => (key === 'maxDuration' ? 'long' : undefined)).maxDuration, 3600);
  });
});

describe('settings that re-render the preview', () => {
  /** The settings a streamed render reads: a change of any other is for the webview, the exports or the editor. */
  const RENDER_KEYS = ['capture', 'maxChunk', 'maxDuration', 'minChunk', 'renderTimeout', 'targetLatency'];

  it('re-renders for a change of every setting the streamed render uses, and of no other', () => {
    for (const [fullKey, property] of Object.entries(manifest.contributes.configuration.properties)) {
      const key = fullKey.slice(SETTINGS_SECTION.length + 1);
      const other =
        property.enum?.find((value) => value !== property.default) ??
        (property.type === 'string' ? '/opt/ffmpeg/bin/ffmpeg' : property.default === property.minimum ? property.maximum : property.minimum);
      const changed = parseSettings((k) => (k === key ? other : undefined));
      assert.notDeepEqual(lookup(changed, key), lookup(DEFAULT_SETTINGS, key), `${key} changed`);
      assert.equal(streamSettingsChanged(DEFAULT_SETTINGS, changed), RENDER_KEYS.includes(key), key);
    }
    assert.equal(streamSettingsChanged(DEFAULT_SETTINGS, parseSettings(() => undefined)), false, 'the same settings read again');
  });

  it('re-renders a patch refused for its duration once the limit is raised', () => {
    const refused = parseSettings((key) => (key === 'maxDuration' ? 10 : undefined));
    assert.ok(streamSettingsChanged(refused, parseSettings((key) => (key === 'maxDuration' ? 60 : undefined))));
  });
});

describe('patch documents', () => {
  const file = (fsPath: string) => ({ uri: { scheme: 'file', fsPath }, label: 'file' });
  const view = (scheme: string, fsPath: string) => ({ uri: { scheme, fsPath }, label: scheme });

  it('takes only a file (or a new untitled file) as a patch, never a git or diff view of it', () => {
    assert.equal(patchPathOf({ scheme: 'file', fsPath: '/w/bell.synth.ts' }), '/w/bell.synth.ts');
    assert.equal(patchPathOf({ scheme: 'untitled', fsPath: '/w/new.synth.js' }), '/w/new.synth.js');
    assert.equal(patchPathOf({ scheme: 'git', fsPath: '/w/bell.synth.ts' }), undefined);
    assert.equal(patchPathOf({ scheme: 'file', fsPath: '/w/notes.txt' }), undefined);
    assert.ok(isDocumentOf({ scheme: 'file', fsPath: '/w/bell.synth.ts' }, '/w/bell.synth.ts'));
    assert.ok(!isDocumentOf({ scheme: 'git', fsPath: '/w/bell.synth.ts' }, '/w/bell.synth.ts'));
    assert.ok(!isDocumentOf({ scheme: 'vscode-scm', fsPath: '/w/bell.synth.ts' }, '/w/bell.synth.ts'));
  });

  it('reads the patch’s unsaved text from its file’s document, not from an SCM diff opened before it', () => {
    const documents = [view('git', '/w/bell.synth.ts'), view('untitled', '/w/bell.synth.ts'), file('/w/bell.synth.ts'), file('/w/other.synth.ts')];
    assert.equal(findPatchDocument(documents, '/w/bell.synth.ts')?.label, 'file');
    assert.equal(findPatchDocument([view('git', '/w/bell.synth.ts')], '/w/bell.synth.ts'), undefined, 'only the diff is open: the file on disk');
    assert.equal(findPatchDocument([view('git', '/w/bell.synth.ts'), view('untitled', '/w/bell.synth.ts')], '/w/bell.synth.ts')?.label, 'untitled');
    assert.equal(findFileDocument([view('git', '/w/lib/env.js'), file('/w/lib/env.js')], '/w/lib/env.js')?.label, 'file');
    assert.equal(findFileDocument([view('git', '/w/lib/env.js')], '/w/lib/env.js'), undefined);
  });
});

describe('stale problems', () => {
  const reported = new Map<string, ReportedProblems>([
    ['/w/bell.synth.ts', { files: new Set(['/w/bell.synth.ts']), text: 'export default { duration: 1, build() { oops( } };' }],
    ['/w/pad.synth.js', { files: new Set(['/w/lib/env.js']), text: undefined }],
    ['/w/deep/drum.synth.js', { files: new Set(['/w/deep/drum.synth.js']), text: undefined }],
  ]);
  const never = (): boolean => false;

  it('clears a deleted or renamed patch’s problems, those in a deleted file and those under a deleted folder', () => {
    assert.deepEqual(patchesStaleAfterRemoval(reported, '/w/bell.synth.ts'), ['/w/bell.synth.ts']);
    assert.deepEqual(patchesStaleAfterRemoval(reported, '/w/lib/env.js'), ['/w/pad.synth.js'], 'the file the problem points at is gone');
    assert.deepEqual(patchesStaleAfterRemoval(reported, '/w/deep'), ['/w/deep/drum.synth.js']);
    assert.deepEqual(patchesStaleAfterRemoval(reported, '/w/dee'), [], 'a folder whose name is a prefix holds nothing');
    assert.deepEqual(patchesStaleAfterRemoval(reported, '/w').sort(), [...reported.keys()].sort());
    assert.deepEqual(patchesStaleAfterRemoval(reported, '/w/other.synth.ts'), []);
  });

  it('clears problems on a save that changed the failing text when the preview will not render it', () => {
    assert.deepEqual(patchesStaleAfterSave(reported, '/w/bell.synth.ts', 'export default { duration: 1, build() {} };', never), ['/w/bell.synth.ts']);
    assert.deepEqual(
      patchesStaleAfterSave(reported, '/w/bell.synth.ts', 'export default { duration: 1, build() { oops( } };', never),
      [],
      'saving the very text that failed keeps its error',
    );
    assert.deepEqual(patchesStaleAfterSave(reported, '/w/deep/drum.synth.js', 'fixed', never), ['/w/deep/drum.synth.js'], 'read from disk before: the save changed it');
    assert.deepEqual(patchesStaleAfterSave(reported, '/w/lib/env.js', 'fixed', never), ['/w/pad.synth.js'], 'a saved module the problem points at');
    assert.deepEqual(patchesStaleAfterSave(reported, '/w/other.synth.ts', 'x', never), []);
  });

  it('leaves a saved patch’s problems to the preview when it renders that patch', () => {
    const previewRenders = (patchPath: string): boolean => patchPath === '/w/bell.synth.ts';
    assert.deepEqual(patchesStaleAfterSave(reported, '/w/bell.synth.ts', 'export default {};', previewRenders), []);
  });
});

function lookup(settings: object, key: string): unknown {
  return key.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown>)[part], settings);
}

describe('package.json contributions', () => {
  it('contributes exactly the registered commands, titled as users see them', () => {
    const contributed = manifest.contributes.commands.map((c) => `${c.category}: ${c.title} (${c.command})`).sort();
    const registered = Object.values(COMMANDS).map((c) => `${COMMAND_CATEGORY}: ${c.title} (${c.id})`).sort();
    assert.deepEqual(contributed, registered);
    assert.ok(contributed.includes('Patchscope: Open Preview (patchscope.openPreview)'));
  });

  it('puts Open Preview on the title bar of patch editors only, and runs limited in Restricted Mode', () => {
    const title = manifest.contributes.menus['editor/title'].find((m) => m.command === COMMANDS.openPreview.id);
    assert.ok(title?.when);
    const pattern = /\/(.*)\/$/.exec(title.when.split('=~ ')[1])?.[1];
    const regex = new RegExp(pattern ?? '^$');
    assert.ok(regex.test('bell.synth.ts') && regex.test('a.synth.mjs') && regex.test('b.synth.js'));
    assert.ok(!regex.test('bell.ts') && !regex.test('synth.js'));
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:patchscope.preview'), 'the serializer needs its activation event');
  });
});

describe('edit debounce', () => {
  it('renders the first edit after a pause at once and folds a burst into one later render', () => {
    assert.deepEqual(decideOnEdit(1000, undefined, 150, false), { kind: 'now' });
    assert.deepEqual(decideOnEdit(1000, 700, 150, false), { kind: 'now' });
    assert.deepEqual(decideOnEdit(1000, 900, 150, false), { kind: 'later', delayMs: 150 });
    assert.deepEqual(decideOnEdit(1000, 700, 150, true), { kind: 'later', delayMs: 150 }, 'a trailing render is already due');
    assert.deepEqual(decideOnEdit(1000, 999, 0, false), { kind: 'now' }, 'no debounce');
  });
});

describe('timings', () => {
  it('combines host and webview times into edit-to-chunk and edit-to-sound', () => {
    const timings = new TimingsRecorder(2);
    const changes: number[] = [];
    timings.onDidChange((t) => changes.push(t.renderId));
    timings.start(1, '/p.synth.js', 100, 110);
    timings.firstChunkPosted(1, 130);
    timings.firstChunkPosted(1, 999);
    timings.webviewTimings(1, 132, 150);
    timings.finish(1, 'done', 400);
    const record = timings.get(1);
    assert.equal(record?.editToFirstChunkMs, 30);
    assert.equal(record?.renderStartToFirstChunkMs, 20);
    assert.equal(record?.editToFirstSoundMs, 50);
    assert.equal(record?.outcome, 'done');
    timings.start(2, '/p.synth.js', 500, 500);
    timings.start(3, '/p.synth.js', 600, 600);
    assert.equal(timings.get(1), undefined, 'capacity');
    assert.equal(timings.last()?.renderId, 3);
    assert.deepEqual(changes, [1, 1, 1, 1, 2, 3]);
  });
});

describe('status text', () => {
  it('shows RTF, time to first sound and buffered seconds while the preview is open', () => {
    const { text, lines } = statusText({
      live: { patch: { path: '/a/bell.synth.ts', name: 'bell.synth.ts' }, rendering: false, rtf: 0.083, chunkFrames: 2400, sampleRate: 48000, capture: 'script-processor', error: undefined },
      timings: { renderId: 1, patchPath: '/a', editAt: 0, renderStartAt: 0, outcome: 'done', editToFirstChunkMs: 21.5, editToFirstSoundMs: 48.25 },
      playback: { state: 'playing', audioState: 'running', positionSeconds: 1, bufferedSeconds: 2.44, maxFrameMs: 1, meanFrameMs: 1, maxDrawMs: 1, worstFrameMs: 1, worstDrawMs: 1 },
      previewOpen: true,
      trusted: true,
    });
    assert.equal(text, '$(unmute) RTF 0.083 · sound 48.3 ms · 2.4 s buf');
    assert.deepEqual(lines.find(([k]) => k === 'Chunk size'), ['Chunk size', '50.0 ms (2400 frames)']);
    assert.equal(formatRtf(12.3), '12');
    assert.equal(formatRtf(0.456), '0.46');
    assert.equal(formatRtf(0.0834), '0.083');
    assert.equal(formatMs(150.4), '150 ms');
  });

  it('says Restricted Mode when the workspace is not trusted', () => {
    const { text } = statusText({
      live: { patch: undefined, rendering: false, rtf: undefined, chunkFrames: undefined, sampleRate: undefined, capture: undefined, error: undefined },
      timings: undefined,
      playback: undefined,
      previewOpen: true,
      trusted: false,
    });
    assert.match(text, /workspace-untrusted/);
  });
});

describe('batch render helpers', () => {
  it('runs at most `limit` tasks at once and stops starting new ones when cancelled', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const abort = new AbortController();
    await forEachLimited([1, 2, 3, 4, 5, 6], 2, abort.signal, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      done.push(n);
      if (n === 4) abort.abort();
    });
    assert.equal(most, 2);
    assert.ok(!done.includes(6), 'nothing started after the cancel');
  });

  it('summarises a batch', () => {
    const text = batchSummary([{ patch: 'a', output: 'a.wav', seconds: 3 }, { patch: 'b', error: 'boom' }], 2, 1.25, false);
    assert.equal(text, 'Rendered 1 of 2 patches to WAV (3.0 s of audio in 1.3 s); 1 failed (see Problems).');
  });

  it('counts the renders that finished with warnings in a batch summary', () => {
    const items = [
      { patch: 'a', output: 'a.wav', seconds: 2, warnings: ['the render is silent (every sample is 0)'] },
      { patch: 'b', output: 'b.wav', seconds: 1 },
      { patch: 'c', output: 'c.wav', seconds: 1, warnings: ['3 samples exceed 0 dBFS (peak 0.5 dBFS) and clip in integer formats'] },
    ];
    assert.equal(batchSummary(items, 3, 2, false), 'Rendered 3 of 3 patches to WAV (4.0 s of audio in 2.0 s); 2 with warnings (see Output).');
  });
});

describe('WAV bit depth', () => {
  it('maps the setting to the writer’s sample formats', () => {
    assert.equal(wavFormatOf(16), 'pcm16');
    assert.equal(wavFormatOf(24), 'pcm24');
    assert.equal(wavFormatOf(32), 'float32');
  });
});

describe('parity report', () => {
  const base = { patch: '/w/bell.synth.js', sampleRate: 48000, channels: 2, frames: 96000, chunks: 12, capture: 'script-processor' as const, maxAbsDiff: 0, rmse: 0, firstDiffFrame: -1, bitExact: true };
  it('says bit-exact, or where the first difference is', () => {
    assert.match(parityVerdict(base), /^bell\.synth\.js: streamed render is bit-exact/);
    const differs = parityVerdict({ ...base, bitExact: false, firstDiffFrame: 24000, maxAbsDiff: 0.001 });
    assert.match(differs, /from frame 24000 \(0\.500000 s\)/);
    assert.deepEqual(parityLines(base).slice(-2), ['firstDiffFrame: -1', 'bitExact: true']);
    assert.equal(parityLines(base).length, 10);
  });
});

describe('engine host', function () {
  this.timeout(60_000);

  it('writes what a patch prints to its log sink (the output channel), one line each, named by the patch', async () => {
    const lines: string[] = [];
    const host = new EngineHost({ appendLine: (line) => lines.push(line) });
    try {
      const patchPath = path.join(__dirname, '..', 'fixtures', 'chatty.synth.js');
      const text = `export default { duration: 0.1, build(ctx, out) {
        console.log('voices', 3); console.error('too loud');
        const o = new OscillatorNode(ctx); o.connect(out); o.start(); } };`;
      await host.renderPool.stream({ path: patchPath, text });
      assert.deepEqual(lines, ['[chatty.synth.js] voices 3', '[chatty.synth.js] error: too loud']);
    } finally {
      host.dispose();
    }
  });
});

describe('patch inputs (the files an edit to re-renders the followed patch)', () => {
  const document = (fsPath: string, text: string, isDirty = true, scheme = 'file') => ({ uri: { scheme, fsPath }, isDirty, getText: () => text });

  it('counts the modules a render reported, and a file a failed render pointed at', () => {
    const inputs = new PatchInputs('/song/pad.synth.ts');
    assert.equal(inputs.isModule('/song/lib/scale.ts'), false);
    inputs.update(['/song/pad.synth.ts', '/song/lib/scale.ts', '/song/worklets/crush.js']);
    assert.equal(inputs.isModule('/song/lib/scale.ts'), true);
    assert.equal(inputs.isModule('/song/worklets/crush.js'), true);
    assert.equal(inputs.isModule('/song/pad.synth.ts'), false, 'the patch is followed as itself');
    inputs.add('/song/lib/broken.ts');
    inputs.add('');
    assert.equal(inputs.isModule('/song/lib/broken.ts'), true);
    assert.equal(inputs.isModule(''), false);
    inputs.update(['/song/pad.synth.ts']);
    assert.equal(inputs.isModule('/song/lib/scale.ts'), false, 'a module the patch no longer imports is dropped');
  });

  it('overlays the unsaved text of the patch’s modules only, from file documents', () => {
    const inputs = new PatchInputs('/song/pad.synth.ts');
    inputs.update(['/song/lib/scale.ts', '/song/lib/saved.ts']);
    const overlays = inputs.overlays([
      document('/song/pad.synth.ts', 'patch text'),
      document('/song/lib/scale.ts', 'export const ROOT = 62;'),
      document('/song/lib/saved.ts', 'as on disk', false),
      document('/song/lib/scale.ts', 'HEAD version', false, 'git'),
      document('/elsewhere/other.ts', 'unrelated'),
    ]);
    assert.deepEqual(overlays, { '/song/lib/scale.ts': 'export const ROOT = 62;' });
    assert.equal(inputs.overlays([document('/song/lib/saved.ts', 'x', false)]), undefined);
  });
});

