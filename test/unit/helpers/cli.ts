// The built `patchscope` command, run as a user runs it: `node dist/cli.js ...` in a process of its own.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The CLI bundle `npm run build` writes (the tests run after the build). */
export const CLI_PATH = path.join(ROOT, 'dist', 'cli.js');

/** Where and how long the CLI runs. */
export interface CliRunOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Killed after this long (default 240 s): a hung render fails its test instead of the suite. */
  timeoutMs?: number;
}

/** What a finished CLI run gave: exit status (null when killed) and its output. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args` and waits for it to exit. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
