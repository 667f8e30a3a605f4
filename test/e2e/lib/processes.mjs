// Child processes the suite starts, and the guarantee that none outlives it (normal end, failure, Ctrl+C).
import { spawn } from 'node:child_process';

/** @type {Set<import('node:child_process').ChildProcess>} */
const groups = new Set();
/** @type {Array<() => Promise<void>>} */
const asyncCleanups = [];
let handlersInstalled = false;
let cleaningUp = false;

/** Sends a signal to a child's whole process group (code-server forks an extension host and helpers). */
function signalGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Spawns a command in its own process group so that stopping it stops everything it started. */
export function spawnGroup(command, args, options = {}) {
  installHandlers();
  const child = spawn(command, args, { ...options, detached: true });
  groups.add(child);
  child.once('exit', () => groups.delete(child));
  return child;
}

/** Stops a group started by spawnGroup: SIGTERM, then SIGKILL after a grace period. */
export async function stopGroup(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, 'SIGKILL');
    groups.delete(child);
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signalGroup(child, 'SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
  // Grandchildren that left the group's leader behind still share the group id.
  signalGroup(child, 'SIGKILL');
  groups.delete(child);
}

/** Registers an asynchronous cleanup (closing the browser) to run before exit on a signal. */
export function onCleanup(cleanup) {
  installHandlers();
  asyncCleanups.push(cleanup);
}

/** Runs every registered cleanup and stops every group; safe to call more than once. */
export async function cleanupAll() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const cleanup of asyncCleanups.splice(0).reverse()) {
    await Promise.race([cleanup().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  await Promise.all([...groups].map((child) => stopGroup(child)));
  cleaningUp = false;
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.error(`\n[e2e] ${signal}: stopping code-server and Chromium`);
      cleanupAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  // Last resort when the process exits without the cleanup having run (uncaught error, process.exit).
  process.once('exit', () => {
    for (const child of groups) signalGroup(child, 'SIGKILL');
  });
}
