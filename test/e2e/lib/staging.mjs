// Temporary folders for one run: the installed extension, the fixtures workspace, the user data dir.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Settings that keep the workbench quiet and deterministic for a test, as a tidy user profile would. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
  'git.enabled': false,
  // Typed text must land exactly as typed: no auto-closing, completion or formatting on the way.
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnType': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.parameterHints.enabled': false,
  'editor.inlineSuggest.enabled': false,
  'editor.minimap.enabled': false,
  'notifications.showExtensionsNotifications': false,
};

/** Creates the run's root temp folder. */
export function makeRunRoot() {
  return mkdtempSync(join(tmpdir(), 'patchscope-e2e-'));
}

/** Removes the run's temp folder. */
export function removeRunRoot(root) {
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Resolves a package the way Node does from `fromDir`: the nearest node_modules/NAME walking up to `rootDir`.
 * @returns {string | undefined}
 */
function resolvePackageDir(name, fromDir, rootDir) {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === rootDir || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
    // Skip up past a node_modules folder itself (a/node_modules -> a).
    if (dir.endsWith('node_modules')) dir = dirname(dir);
  }
}

/**
 * Every package directory that the runtime dependencies of `repoRoot` need (dependencies and the installed
 * optional ones), relative to repoRoot.
 */
export function runtimeDependencyDirs(repoRoot) {
  const found = new Set();
  const queue = [repoRoot];
  while (queue.length > 0) {
    const dir = queue.shift();
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const name of [...required, ...optional]) {
      const packageDir = resolvePackageDir(name, dir, repoRoot);
      if (!packageDir) {
        if (required.includes(name) && !optional.includes(name)) {
          throw new Error(`runtime dependency ${name} of ${relative(repoRoot, dir) || 'the extension'} is not installed`);
        }
        continue;
      }
      const rel = relative(repoRoot, packageDir);
      if (!found.has(rel)) {
        found.add(rel);
        queue.push(packageDir);
      }
    }
  }
  return [...found].sort();
}

/**
 * Installs the built extension into a fresh extensions dir as `publisher.name-version`, the way a .vsix would.
 * @returns {{ extensionsDir: string, extensionDir: string, extensionId: string }}
 */
export function stageExtension(repoRoot, runRoot) {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const publisher = manifest.publisher ?? 'patchscope';
  const extensionId = `${publisher}.${manifest.name}`;
  const extensionsDir = join(runRoot, 'extensions');
  const extensionDir = join(extensionsDir, `${extensionId}-${manifest.version}`);
  if (!existsSync(join(repoRoot, manifest.main ?? 'dist/extension.js'))) {
    throw new Error(`${manifest.main} is missing: run npm run build first`);
  }
  mkdirSync(extensionDir, { recursive: true });
  // A manifest without a publisher would not load; the staged copy gets the id the suite expects.
  writeFileSync(join(extensionDir, 'package.json'), JSON.stringify({ ...manifest, publisher }, null, 2));
  for (const entry of ['dist', 'media', 'types', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    const source = join(repoRoot, entry);
    if (existsSync(source)) cpSync(source, join(extensionDir, entry), { recursive: true });
  }
  for (const rel of runtimeDependencyDirs(repoRoot)) {
    cpSync(join(repoRoot, rel), join(extensionDir, rel), {
      recursive: true,
      // Nested node_modules are copied on their own when they are runtime dependencies.
      filter: (source) => !relative(join(repoRoot, rel), source).split('/').includes('node_modules'),
    });
  }
  return { extensionsDir, extensionDir, extensionId };
}

/**
 * Creates the workspace folder the workbench opens: the repo's example patches when present, plus the suite's
 * own fixtures (a long sine whose frequency the tests edit).
 * @returns {{ workspaceDir: string, files: string[] }}
 */
export function makeWorkspace(repoRoot, runRoot, fixturesDir) {
  const workspaceDir = join(runRoot, 'workspace');
  mkdirSync(workspaceDir, { recursive: true });
  // The examples import helpers and worklets beside them, and their tsconfig includes ../types: both come along.
  // Renders the checkout may hold (the README's first command writes examples/hello.wav) stay behind: the render
  // scenarios expect to create their files, not to be asked whether to overwrite one.
  const isRenderedOutput = (source) => /\.(wav|mp4)$/i.test(source);
  for (const folder of ['examples', 'types']) {
    const source = join(repoRoot, folder);
    if (existsSync(source)) cpSync(source, join(workspaceDir, folder), { recursive: true, filter: (entry) => !isRenderedOutput(entry) });
  }
  cpSync(fixturesDir, join(workspaceDir, 'fixtures'), { recursive: true });
  mkdirSync(join(workspaceDir, 'out'), { recursive: true });
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(workspaceDir, path));
    }
  };
  walk(workspaceDir);
  return { workspaceDir, files: files.sort() };
}

/** Creates a user data dir whose settings suit an unattended run. */
export function makeUserDataDir(runRoot, extraSettings = {}) {
  const userDataDir = join(runRoot, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...USER_SETTINGS, ...extraSettings }, null, 2),
  );
  return userDataDir;
}
