// Driving the VS Code workbench in Chromium the way a person does: keyboard, command palette, Quick Open,
// the editor, the Problems panel, notifications and webviews.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Chromium flags measured to work here (see PLATFORM-NOTES): no sandbox as root, no GPU, sound without a gesture. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  // Timers and audio in a hidden or occluded headless page must keep running at full rate.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Launches Debian's Chromium, headless unless PATCHSCOPE_E2E_HEADED is set. */
export async function launchChromium() {
  const executablePath = process.env.PATCHSCOPE_CHROMIUM ?? '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: !process.env.PATCHSCOPE_E2E_HEADED,
    args: CHROMIUM_ARGS,
    // The suite's own handlers stop code-server and Chromium together.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/** What the suite is waiting for right now (named in the error when a scenario runs out of time). */
export const progress = { waitingFor: '' };

/** Polls `probe` until it returns a truthy value; fails with `what` and the last value seen. */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  progress.waitingFor = what;
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const seen = lastError ? `; last error: ${lastError.message}` : `; last value: ${JSON.stringify(last)?.slice(0, 500)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
}

/** Monaco shows spaces as no-break spaces in its view lines. */
function plainText(text) {
  return text.replace(/\u00a0/g, ' ');
}

/** The workbench of one code-server window. */
export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page, resultsDir) {
    this.page = page;
    this.resultsDir = resultsDir;
    /** Console errors of the page and its frames, for failure reports. */
    this.consoleErrors = [];
    /** Set when the workbench reports that the extension host failed to start (seen on an overloaded machine). */
    this.extensionHostFailed = false;
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      this.consoleErrors.push(text.slice(0, 500));
      if (/Error received from starting extension host|extension host took longer than \d+s/i.test(text)) this.extensionHostFailed = true;
    });
    page.on('pageerror', (error) => this.consoleErrors.push(`pageerror: ${error.message}`));
  }

  /**
   * Opens the workbench on a folder and waits until it is usable.
   * @param {import('playwright-core').Browser} browser
   */
  static async open(browser, url, resultsDir, { initScript } = {}) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    if (initScript) await context.addInitScript(initScript);
    const page = await context.newPage();
    const workbench = new Workbench(page, resultsDir);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await workbench.waitForWorkbench();
    return workbench;
  }

  /** Waits for the workbench to draw the folder (the remote file system answers). */
  async waitForWorkbench() {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 120_000 });
  }

  /**
   * Waits until the remote extension host answers: Quick Open's file search runs in it, so a file found by
   * Quick Open proves it up. When the workbench reports that the extension host failed to start (a slow
   * machine can miss its 60 s handshake), reloads the window, as a user would, up to `reloads` times.
   */
  async waitForExtensionHost(knownFile, { timeoutMs = 240_000, reloads = 2 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let reloadsLeft = reloads;
    while (Date.now() < deadline) {
      if (this.extensionHostFailed && reloadsLeft > 0) {
        reloadsLeft--;
        this.extensionHostFailed = false;
        process.stderr.write('[e2e] the extension host failed to start: reloading the window\n');
        await this.page.reload({ waitUntil: 'domcontentloaded', timeout: 120_000 });
        await this.waitForWorkbench();
      }
      const found = await this.quickOpenLists(knownFile, 15_000).catch(() => false);
      await this.dismissQuickInput();
      if (found) return;
    }
    throw new Error(`the extension host did not answer within ${timeoutMs} ms (Quick Open never listed ${knownFile})`);
  }

  /**
   * Opens Quick Open on a path and reports whether a row (the highlighted one, with `focused`) names the file
   * within `timeoutMs`.
   */
  async quickOpenLists(relativePath, timeoutMs, { focused = false } = {}) {
    const name = relativePath.split('/').pop();
    await this.dismissQuickInput();
    await this.page.keyboard.press('Control+P');
    const box = await this.quickInputBox();
    await box.fill(relativePath);
    const rows = focused ? '.quick-input-list .monaco-list-row.focused' : '.quick-input-list .monaco-list-row';
    const labels = () =>
      this.quickInput()
        .locator(rows)
        .evaluateAll((elements) => elements.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
    return waitFor('a result row', async () => (await labels()).some((label) => label.includes(name)), {
      timeoutMs,
      intervalMs: 250,
    });
  }

  /** Closes the page's browser context. */
  async close() {
    await this.page.context().close();
  }

  /** Saves a full-page screenshot into the results folder; returns its path. */
  async screenshot(name) {
    mkdirSync(this.resultsDir, { recursive: true });
    const path = join(this.resultsDir, `${name.replace(/[^a-z0-9._-]+/gi, '-').slice(0, 120)}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  /** The quick input (command palette, Quick Open, prompts), visible. */
  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  /** Waits for the quick input to open and returns its text box. */
  async quickInputBox() {
    const box = this.quickInput().locator('.quick-input-box input');
    await box.waitFor({ state: 'visible', timeout: 10_000 });
    return box;
  }

  /** Closes any open quick input. */
  async dismissQuickInput() {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }

  /**
   * Runs a command through the command palette (F1, its title, Enter). Waits until the highlighted row is
   * exactly that command, so Enter never runs a neighbour.
   */
  async runCommand(title, { timeoutMs = 90_000 } = {}) {
    const focusedLabel = () =>
      this.quickInput()
        .locator('.quick-input-list .monaco-list-row.focused')
        .first()
        .evaluate((row) => (row.querySelector('.label-name')?.textContent ?? row.getAttribute('aria-label') ?? '').trim())
        .catch(() => '');
    // Commands of an extension appear once the extension host has registered them: reopen the palette until then.
    await waitFor(
      `command "${title}" in the palette`,
      async () => {
        await this.dismissQuickInput();
        await this.page.keyboard.press('F1');
        const box = await this.quickInputBox();
        await box.fill(`>${title}`);
        return waitFor('the command row', async () => (await focusedLabel()) === title, { timeoutMs: 4000 }).catch(() => false);
      },
      { timeoutMs, intervalMs: 500 },
    );
    await this.page.keyboard.press('Enter');
    // The palette closes, or the command reuses it for a prompt of its own (a save dialog).
    await waitFor(`the palette to run "${title}"`, async () => {
      if (!(await this.quickInput().isVisible())) return true;
      const value = await this.quickInput().locator('.quick-input-box input').inputValue().catch(() => '');
      return value !== `>${title}`;
    });
  }

  /** Opens a workspace file by Quick Open (Ctrl+P, its path, Enter) and waits for its editor. */
  async quickOpen(relativePath, { timeoutMs = 90_000 } = {}) {
    const name = relativePath.split('/').pop();
    // The file index may still be building right after start-up, and the list refills as it searches:
    // press Enter only when the highlighted row is the file, and try again if another editor opened.
    await waitFor(
      `Quick Open to open ${relativePath}`,
      async () => {
        if (!(await this.quickOpenLists(relativePath, 5000, { focused: true }).catch(() => false))) return false;
        await this.page.keyboard.press('Enter');
        return this.waitForActiveEditor(name, { timeoutMs: 15_000 }).then(
          () => true,
          () => false,
        );
      },
      { timeoutMs, intervalMs: 500 },
    );
  }

  /** Waits until the active editor tab shows `name` and its text is drawn. */
  async waitForActiveEditor(name, { timeoutMs = 90_000 } = {}) {
    await this.page
      .locator(`.editor-group-container.active .tabs-container .tab.active[aria-label*="${name}"]`)
      .first()
      .waitFor({ timeout: timeoutMs });
    await this.activeEditor().locator('.view-lines').waitFor({ timeout: timeoutMs });
  }

  /** The active text editor's Monaco element. */
  activeEditor() {
    // A group keeps the editors of other tabs in the DOM, hidden: the visible one is the active tab's.
    return this.page.locator('.editor-group-container.active .monaco-editor').filter({ visible: true }).first();
  }

  /** Gives the active editor keyboard focus (View: Focus Active Editor Group), its cursor where it was. */
  async focusEditor() {
    await this.runCommand('View: Focus Active Editor Group');
  }

  /** The text of the active editor's visible lines (the fixtures are short enough to be fully visible). */
  async editorText() {
    const lines = await this.activeEditor()
      .locator('.view-lines .view-line')
      .evaluateAll((elements) =>
        elements
          .map((element) => ({ top: Number.parseFloat(element.style.top || '0'), text: element.textContent ?? '' }))
          .sort((a, b) => a.top - b.top)
          .map((line) => line.text),
      );
    return plainText(lines.join('\n'));
  }

  /** Moves the cursor with Go to Line (Ctrl+G `line:column`), 1-based, and waits until the status bar shows it. */
  async goTo(line, column = 1) {
    await this.dismissQuickInput();
    await this.page.keyboard.press('Control+G');
    const box = await this.quickInputBox();
    // The prompt opens with its ":" prefix; filling replaces it, so it goes back in.
    await box.fill(`:${line}:${column}`);
    // Enter before the prompt has read the text would go nowhere: wait for it to name the line.
    await waitFor(`Go to Line to offer line ${line}`, async () =>
      new RegExp(`line ${line}\\b`, 'i').test((await this.quickInput().textContent()) ?? ''),
    );
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 10_000 });
    await waitFor(`the cursor at Ln ${line}, Col ${column}`, async () =>
      (await this.statusBarTexts()).some((text) => text.startsWith(`Ln ${line}, Col ${column}`)),
    );
  }

  /** Selects the word at the cursor (Ctrl+D, the first press selects the word). */
  async selectWordAtCursor() {
    await this.page.keyboard.press('Control+D');
  }

  /** Types text at the cursor, key by key (never into a prompt left open). */
  async type(text, { delayMs = 0 } = {}) {
    if (await this.quickInput().isVisible()) throw new Error(`a prompt is open: not typing ${JSON.stringify(text)} into it`);
    await this.page.keyboard.type(text, { delay: delayMs });
  }

  /** Presses one key or chord in the editor (never into a prompt left open). */
  async press(key, { times = 1 } = {}) {
    if (await this.quickInput().isVisible()) throw new Error(`a prompt is open: not pressing ${key} into it`);
    for (let i = 0; i < times; i++) await this.page.keyboard.press(key);
  }

  /** Saves the active editor. */
  async save() {
    await this.page.keyboard.press('Control+S');
  }

  /**
   * The Problems panel's markers, each with the file it belongs to (the panel groups them under file rows),
   * its line and column as the panel shows them, and its source. Opens the panel.
   * @returns {Promise<Array<{ file: string | undefined, line: number, column: number, source: string | undefined, text: string }>>}
   */
  async problems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor({ timeout: 10_000 });
    }
    return panel.locator('.monaco-list-row').evaluateAll((rows) => {
      const markers = [];
      let file;
      const ordered = [...rows].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
      for (const row of ordered) {
        const text = (row.textContent ?? '').replace(/\u00a0/g, ' ');
        const label = row.getAttribute('aria-label') ?? '';
        const position = /\[Ln (\d+), Col (\d+)\]/.exec(text);
        if (!position) {
          // A file row: its name is the resource label.
          file = row.querySelector('.label-name')?.textContent?.trim() ?? file;
          continue;
        }
        markers.push({
          file,
          line: Number(position[1]),
          column: Number(position[2]),
          source: /generated by (\S+?)\.?$/.exec(label)?.[1],
          text,
        });
      }
      return markers;
    });
  }

  /** Texts of the notification toasts on screen. */
  async notifications() {
    return this.page
      .locator('.notification-toast .notification-list-item-message')
      .evaluateAll((elements) => elements.map((element) => (element.textContent ?? '').replace(/\u00a0/g, ' ')));
  }

  /** Texts of the status bar items. */
  async statusBarTexts() {
    return this.page
      .locator('.statusbar-item')
      .evaluateAll((elements) => elements.map((element) => (element.textContent ?? '').trim()).filter(Boolean));
  }

  /** The text of the Output panel's visible lines (after `showOutputChannel`). */
  async outputText() {
    const lines = await this.page
      .locator('.part.panel .monaco-editor .view-lines .view-line')
      .evaluateAll((elements) =>
        elements
          .map((element) => ({ top: Number.parseFloat(element.style.top || '0'), text: element.textContent ?? '' }))
          .sort((a, b) => a.top - b.top)
          .map((line) => line.text),
      );
    return plainText(lines.join('\n'));
  }

  /**
   * The content frame of an extension's webview. VS Code nests it twice: an outer frame (index.html,
   * whose URL names the extension) and the inner frame that holds the extension's HTML.
   * @returns {Promise<import('playwright-core').Frame>}
   */
  async webviewFrame(extensionId, { selector = 'body', timeoutMs = 60_000 } = {}) {
    return waitFor(
      `the webview of ${extensionId}`,
      async () => {
        for (const outer of this.page.frames()) {
          if (!outer.url().includes(`extensionId=${extensionId}`)) continue;
          for (const inner of outer.childFrames()) {
            if (inner.isDetached()) continue;
            if (await inner.locator(selector).count().catch(() => 0)) return inner;
          }
        }
        return undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }
}
