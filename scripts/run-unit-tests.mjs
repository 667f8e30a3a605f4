#!/usr/bin/env node
// Runs each unit test file in its own process (`npm test`, after the build).
//
// node-web-audio-api 2.2.0 keeps native state for the whole process (renders run in worker processes for that
// reason, but the tests also render in their own process, for the STFT and WAV checks): a process per file
// keeps one file's renders from affecting another's. Extra arguments are passed to mocha; `--file NAME` runs
// the files whose name contains NAME.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const fileFilter = args.includes('--file') ? args[args.indexOf('--file') + 1] : undefined;
const mochaArgs = args.filter((arg, i) => arg !== '--file' && args[i - 1] !== '--file');
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const files = readdirSync(join(root, 'test', 'unit'))
  .filter((name) => name.endsWith('.test.ts') && (!fileFilter || name.includes(fileFilter)))
  .sort()
  .map((name) => join('test', 'unit', name));

let passed = 0;
let failed = 0;
const failedFiles = [];
const runFile = (file) =>
  spawnSync(process.execPath, [mocha, '--no-config', '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '120000', '--reporter', 'spec', ...mochaArgs, file], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const crashes = [];
for (const file of files) {
  let run = runFile(file);
  process.stdout.write(run.stdout);
  if (run.signal) {
    // A process killed by a signal is a native crash. The one known cause (terminating a render worker thread
    // mid-render) is gone since renders run in processes; should another appear, it is reported loudly and the
    // file runs once more. A failed assertion is never retried.
    crashes.push(`${file} (${run.signal})`);
    process.stdout.write(`\nWARNING: ${file} was killed by ${run.signal}; running it once more\n`);
    run = runFile(file);
    process.stdout.write(run.stdout);
  }
  const passing = Number(/(\d+) passing/.exec(run.stdout)?.[1] ?? 0);
  const failing = Number(/(\d+) failing/.exec(run.stdout)?.[1] ?? 0);
  passed += passing;
  failed += failing;
  if (run.status !== 0) {
    if (failing === 0) failed += 1;
    failedFiles.push(run.signal ? `${file} (killed by ${run.signal})` : file);
  }
}
if (crashes.length > 0) process.stdout.write(`\nWARNING: processes killed by a signal (re-run once): ${crashes.join(', ')}\n`);
if (failedFiles.length > 0) process.stdout.write(`\nfailed files: ${failedFiles.join(', ')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
