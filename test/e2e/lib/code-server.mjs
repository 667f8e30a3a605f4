// code-server: installing it (through setup-code-server.sh), starting it on loopback, stopping it.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawnGroup, stopGroup } from './processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs the idempotent install script and returns the Node 24 binary and code-server's entry script.
 * @returns {Promise<{ node: string, entry: string }>}
 */
export async function ensureCodeServer() {
  const script = join(here, '..', 'setup-code-server.sh');
  const { stdout } = await promisify(execFile)('bash', [script], {
    maxBuffer: 64 * 1024 * 1024,
    // The install can take minutes on a fresh machine; its log goes to our stderr via the script's own >&2.
  }).catch((error) => {
    throw new Error(`setup-code-server.sh failed:\n${error.stderr?.slice(-4000) ?? error.message}`);
  });
  const value = (key) => stdout.match(new RegExp(`^${key}=(.+)$`, 'm'))?.[1];
  const node = value('NODE24');
  const entry = value('CODE_SERVER');
  if (!node || !entry) throw new Error(`setup-code-server.sh printed no paths:\n${stdout}`);
  return { node, entry };
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * A running code-server serving one folder on loopback.
 */
export class CodeServer {
  /** @param {{ child: import('node:child_process').ChildProcess, url: string, logFile: string }} parts */
  constructor({ child, url, logFile }) {
    this.child = child;
    this.url = url;
    this.logFile = logFile;
  }

  /**
   * Starts code-server and waits until it answers.
   * @param {{ node: string, entry: string, folder: string, extensionsDir: string, userDataDir: string, logFile: string, workspaceTrust?: boolean, timeoutMs?: number }} options
   */
  static async start({ node, entry, folder, extensionsDir, userDataDir, logFile, workspaceTrust = false, timeoutMs = 60_000 }) {
    const port = await freePort();
    const args = [
      entry,
      // A config file of the run's own: code-server would otherwise write one into the user's home.
      '--config', join(dirname(userDataDir), 'code-server-config.yaml'),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--extensions-dir', extensionsDir,
      '--user-data-dir', userDataDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--log', 'info',
      folder,
    ];
    const log = createWriteStream(logFile);
    const child = spawnGroup(node, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` },
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const url = `http://127.0.0.1:${port}`;
    const server = new CodeServer({ child, url, logFile });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
      try {
        const response = await fetch(`${url}/healthz`);
        if (response.ok) return server;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await server.stop();
    throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms; see ${logFile}`);
  }

  /** The workbench URL for a folder. */
  folderUrl(folder) {
    return `${this.url}/?folder=${encodeURIComponent(folder)}`;
  }

  /** Stops code-server and everything it started. */
  async stop() {
    await stopGroup(this.child);
  }
}
