#!/usr/bin/env node
// In-host integration tests: mocha inside VS Code's extension host, driving Patchscope's API and commands,
// launched by @vscode/test-electron. `npm run test:vscode` (builds first).
//
// It downloads VS Code (cached in .vscode-test/) unless PATCHSCOPE_VSCODE_EXECUTABLE names an installed one.
// On Linux without a display run it under Xvfb: `xvfb-run -a npm run test:vscode`.
// Where VS Code cannot be downloaded it says so and exits 1; the end-to-end suite (npm run test:e2e) runs
// the extension in code-server instead and needs no download.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
// Inside the repo (ignored by git) so that the bundled suite resolves `mocha` from the repo's node_modules.
const outDir = join(repoRoot, 'out', 'vscode-test');

/** Bundles the suite (TypeScript) into CommonJS files the extension host can require. */
async function buildSuite() {
  rmSync(outDir, { recursive: true, force: true });
  const suiteDir = join(here, 'suite');
  const entryPoints = readdirSync(suiteDir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(suiteDir, name));
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}

/** A workspace with the end-to-end fixtures (and the examples when there are any). */
function makeWorkspace() {
  const workspace = mkdtempSync(join(tmpdir(), 'patchscope-vscode-test-'));
  cpSync(join(repoRoot, 'test', 'e2e', 'fixtures'), join(workspace, 'fixtures'), { recursive: true });
  if (existsSync(join(repoRoot, 'examples'))) cpSync(join(repoRoot, 'examples'), join(workspace, 'examples'), { recursive: true });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  return workspace;
}

/** The VS Code to run: an installed one, or a download; undefined (after explaining) when there is none. */
async function findVsCode() {
  const installed = process.env.PATCHSCOPE_VSCODE_EXECUTABLE;
  if (installed) {
    if (!existsSync(installed)) {
      console.error(`PATCHSCOPE_VSCODE_EXECUTABLE=${installed} does not exist.`);
      return undefined;
    }
    return installed;
  }
  try {
    return await downloadAndUnzipVSCode({ version: process.env.PATCHSCOPE_VSCODE_VERSION ?? 'stable', timeout: 30_000 });
  } catch (error) {
    console.error(
      [
        '',
        'npm run test:vscode: VS Code could not be downloaded on this machine, so the in-host tests cannot run here.',
        `  reason: ${error instanceof Error ? error.message : String(error)}`,
        '  On a machine with internet access this downloads VS Code once (into .vscode-test/).',
        '  Or point PATCHSCOPE_VSCODE_EXECUTABLE at an installed VS Code binary.',
        '  The end-to-end suite, `npm run test:e2e`, runs the extension in code-server and needs no download.',
        '',
      ].join('\n'),
    );
    return undefined;
  }
}

const vscodeExecutablePath = await findVsCode();
if (!vscodeExecutablePath) process.exit(1);

const extensionTestsPath = await buildSuite();
const workspace = makeWorkspace();
try {
  const exitCode = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: { PATCHSCOPE_TEST_WORKSPACE: workspace },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  process.exitCode = exitCode;
} catch (error) {
  console.error(`The in-host tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
