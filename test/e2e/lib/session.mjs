// One end-to-end session: the extension installed into a fresh code-server, a fixtures workspace, Chromium
// on the workbench. start() builds it all, stop() takes it all down (also on failure and Ctrl+C).
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeServer, ensureCodeServer } from './code-server.mjs';
import { onCleanup } from './processes.mjs';
import { makeRunRoot, makeUserDataDir, makeWorkspace, removeRunRoot, stageExtension } from './staging.mjs';
import { installWebviewProbe } from './webview-probe.mjs';
import { launchChromium, Workbench } from './workbench.mjs';

/** Elapsed seconds since `start`, for the progress log. */
function since(start) {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}

/** Logs to stderr so the test runner's report on stdout stays clean. */
export function log(message) {
  process.stderr.write(`[e2e] ${message}\n`);
}

/** What the extension under test declares, read from the repo's package.json. */
export function extensionManifest(repoRoot) {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
}

/** True when the built extension is there and contributes the given command. */
export function extensionProvides(repoRoot, command) {
  const manifest = extensionManifest(repoRoot);
  const built = existsSync(join(repoRoot, manifest.main ?? 'dist/extension.js'));
  const commands = manifest.contributes?.commands ?? [];
  return built && commands.some((entry) => entry.command === command);
}

/** The title a command has in the palette (`Category: Title`). */
export function commandTitle(repoRoot, command) {
  const entry = (extensionManifest(repoRoot).contributes?.commands ?? []).find((c) => c.command === command);
  if (!entry) throw new Error(`package.json contributes no command ${command}`);
  return entry.category ? `${entry.category}: ${entry.title}` : entry.title;
}

/** A running workbench with the extension installed. */
export class Session {
  /**
   * `workspaceTrust`: open the workspace with VS Code's workspace trust on, so it starts in Restricted Mode
   * (every other session turns trust off).
   * @param {{ repoRoot: string, resultsDir: string, fixturesDir: string, keep?: boolean, workspaceTrust?: boolean }} options
   */
  constructor(options) {
    this.options = options;
    this.runRoot = undefined;
    this.server = undefined;
    this.browser = undefined;
    /** @type {Workbench | undefined} */
    this.workbench = undefined;
    this.workspaceDir = undefined;
    this.extensionId = undefined;
    /** Set by a failing scenario: stop() then keeps the logs. */
    this.failed = false;
  }

  /** Installs, starts and opens everything. */
  async start() {
    const started = Date.now();
    const { repoRoot, resultsDir, fixturesDir } = this.options;
    onCleanup(() => this.stop());
    const codeServer = await ensureCodeServer();
    log(`code-server ready (${since(started)})`);
    this.runRoot = makeRunRoot();
    const { extensionsDir, extensionId } = stageExtension(repoRoot, this.runRoot);
    this.extensionId = extensionId;
    const { workspaceDir, files } = makeWorkspace(repoRoot, this.runRoot, fixturesDir);
    this.workspaceDir = workspaceDir;
    this.workspaceFiles = files;
    const userDataDir = makeUserDataDir(
      this.runRoot,
      // No start-up dialog: the folder simply opens untrusted, in Restricted Mode.
      this.options.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {},
    );
    log(`staged ${extensionId} and a workspace of ${files.length} files in ${this.runRoot}`);
    this.server = await CodeServer.start({
      ...codeServer,
      folder: workspaceDir,
      extensionsDir,
      userDataDir,
      workspaceTrust: this.options.workspaceTrust === true,
      logFile: join(this.runRoot, 'code-server.log'),
    });
    log(`code-server listening on ${this.server.url} (${since(started)})`);
    this.browser = await launchChromium();
    this.workbench = await Workbench.open(this.browser, this.server.folderUrl(workspaceDir), resultsDir, {
      initScript: installWebviewProbe,
    });
    log(`workbench open (${since(started)})`);
    await this.workbench.waitForExtensionHost('fixtures/notes.txt');
    log(`extension host up (${since(started)})`);
  }

  /** Absolute path of a workspace file. */
  path(relativePath) {
    return join(this.workspaceDir, relativePath);
  }

  /** True when the workspace has this file. */
  has(relativePath) {
    return this.workspaceFiles.includes(relativePath);
  }

  /** Closes Chromium, stops code-server, removes the temp folders (kept with --keep). */
  async stop() {
    const browser = this.browser;
    this.browser = undefined;
    this.workbench = undefined;
    if (browser) await browser.close().catch(() => {});
    const server = this.server;
    this.server = undefined;
    if (server) await server.stop();
    // The logs of code-server and the extension host explain most failures: keep them with the screenshots.
    if (this.failed && this.runRoot) {
      const logsDir = join(this.options.resultsDir, 'logs');
      mkdirSync(logsDir, { recursive: true });
      for (const [from, to] of [
        ['code-server.log', 'code-server.log'],
        ['user-data/logs', 'vscode-logs'],
      ]) {
        const source = join(this.runRoot, from);
        if (existsSync(source)) cpSync(source, join(logsDir, to), { recursive: true });
      }
    }
    if (this.runRoot && !this.options.keep) removeRunRoot(this.runRoot);
    else if (this.runRoot) log(`kept ${this.runRoot}`);
    this.runRoot = undefined;
  }
}
