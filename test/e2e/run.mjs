#!/usr/bin/env node
// End-to-end suite: Patchscope installed in a real VS Code (code-server), driven through Debian's Chromium.
//
//   npm run test:e2e                      build, then every scenario (node:test report on stdout)
//   node test/e2e/run.mjs --bench         open the preview and measure keystroke-to-chunk / -to-sound
//   options: --edits N (bench edits, default 8)  --keep (keep the temp folders)  --grep TEXT (scenarios to run)
//            --suite workbench,preview,commands (groups to run; these three by default)
//            --suite trust (Restricted Mode, in a session of its own with workspace trust on; `npm run test:e2e`
//            runs it after the others)
//   env: PATCHSCOPE_E2E_HEADED=1 shows the browser; PATCHSCOPE_CHROMIUM overrides /usr/bin/chromium.
//
// Screenshots of failed scenarios, and the logs of code-server and the extension host, go to test-results/.
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { commandScenarios } from './scenarios/commands.mjs';
import { benchMarkdown, measureKeystrokes, measureRenderNowClicks } from './scenarios/bench.mjs';
import { followPatch, previewScenarios, SINE } from './scenarios/preview.mjs';
import { trustScenarios } from './scenarios/trust.mjs';
import { workbenchScenarios } from './scenarios/workbench.mjs';
import { commandTitle, extensionProvides, log, Session } from './lib/session.mjs';
import { progress } from './lib/workbench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const resultsDir = join(repoRoot, 'test-results');

const { values: options } = parseArgs({
  options: {
    bench: { type: 'boolean', default: false },
    edits: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
    grep: { type: 'string' },
    suite: { type: 'string', default: 'workbench,preview,commands' },
  },
});

// Screenshots and logs of an earlier run would be mistaken for this one's.
mkdirSync(resultsDir, { recursive: true });
rmSync(join(resultsDir, 'logs'), { recursive: true, force: true });
for (const name of readdirSync(resultsDir)) if (name.startsWith('FAILED-')) rmSync(join(resultsDir, name), { force: true });

const suites = new Set(options.suite.split(','));
// Trust is a property of the whole workbench: the Restricted Mode suite needs a session of its own.
if (suites.has('trust') && suites.size > 1) {
  process.stderr.write('--suite trust runs alone (its workspace starts untrusted)\n');
  process.exit(2);
}
const session = new Session({ repoRoot, resultsDir, fixturesDir: join(here, 'fixtures'), keep: options.keep, workspaceTrust: suites.has('trust') });

/** Rejects after `ms` naming what the scenario was waiting for (so a slow step still gets its screenshot). */
function deadline(ms) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario timed out after ${ms / 1000} s while waiting for ${progress.waitingFor || 'a step'}`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Keeps what explains a failure: a screenshot, and (at the end) the logs; prints the browser's errors. */
async function reportFailure(name) {
  session.failed = true;
  const shot = await session.workbench?.screenshot(`FAILED ${name}`).catch(() => undefined);
  if (shot) log(`screenshot: ${shot}`);
  // Errors the offline machine always produces (marketplace, GitHub, a missing optional asset) are left out.
  const noise = /open-vsx|github|ERR_NAME_NOT_RESOLVED|status of 404/;
  const errors = session.workbench?.consoleErrors.filter((e) => !noise.test(e)) ?? [];
  if (errors.length) log(`browser console errors:\n  ${errors.slice(-10).join('\n  ')}`);
}

/** A scenario: a node:test test that saves a screenshot and the logs when it fails. */
function scenario(name, body, { timeoutMs = 240_000 } = {}) {
  const skip = options.grep !== undefined && !name.toLowerCase().includes(options.grep.toLowerCase());
  it(name, { timeout: timeoutMs + 60_000, skip }, async () => {
    const timer = deadline(timeoutMs);
    try {
      await Promise.race([body(), timer.promise]);
    } catch (error) {
      await reportFailure(name);
      throw error;
    } finally {
      timer.cancel();
    }
  });
}

before(
  async () => {
    try {
      await session.start();
    } catch (error) {
      await reportFailure('start-up');
      throw error;
    }
  },
  { timeout: 20 * 60_000 },
);
after(() => session.stop(), { timeout: 60_000 });

const extensionReady = extensionProvides(repoRoot, 'patchscope.openPreview');
const missing = extensionReady ? false : 'the built extension (dist/extension.js with patchscope.openPreview) is not there yet';

if (options.bench) {
  describe('benchmark: keystroke to first chunk and first sound', { skip: missing }, () => {
    scenario(
      `${options.edits} one-key edits of the sine's frequency`,
      async () => {
        const workbench = session.workbench;
        await workbench.quickOpen(SINE);
        await workbench.runCommand(commandTitle(repoRoot, 'patchscope.openPreview'));
        const frame = await workbench.webviewFrame(session.extensionId, { selector: 'canvas.spectrogram' });
        await followPatch(session, frame, SINE);
        // One edit to warm the render workers, then the measured ones.
        await measureKeystrokes(session, frame, { edits: 1 });
        const result = await measureKeystrokes(session, frame, { edits: Number(options.edits) });
        result.clicks = await measureRenderNowClicks(frame, { clicks: Number(options.edits) });
        const context = {
          codeServer: '4.139.1',
          chromium: execFileSync(process.env.PATCHSCOPE_CHROMIUM ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(' ')[1],
          patch: `${SINE} (1 sine, 30 s, mono)`,
          date: new Date().toISOString().slice(0, 10),
        };
        const markdown = benchMarkdown(result, context);
        writeFileSync(join(resultsDir, 'e2e-bench.json'), JSON.stringify({ context, ...result }, null, 2));
        writeFileSync(join(resultsDir, 'e2e-bench.md'), `${markdown}\n`);
        process.stderr.write(`\n${markdown}\n\n`);
      },
      { timeoutMs: 600_000 },
    );
  });
} else {
  const shared = {};
  if (suites.has('workbench')) describe('VS Code workbench (harness)', () => workbenchScenarios(session, scenario));
  if (suites.has('preview')) describe('Patchscope preview', { skip: missing }, () => previewScenarios(session, scenario, shared));
  if (suites.has('commands')) describe('Patchscope commands', { skip: missing }, () => commandScenarios(session, scenario));
  if (suites.has('trust')) describe('Restricted Mode', { skip: missing }, () => trustScenarios(session, scenario));
}
