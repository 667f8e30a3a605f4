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

/** Polls `probe` until it returns a truthy value; fails with `what` and the last value seen. */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
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
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text().slice(0, 500));
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
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    // The explorer lists the folder once the remote file system and the extension host answer.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 120_000 });
    return workbench;
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

  /** Labels of the rows the quick input shows. */
  async quickInputRows() {
    return this.quickInput()
      .locator('.quick-input-list .monaco-list-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
  }

  /** Closes any open quick input. */
  async dismissQuickInput() {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }

  /**
   * Runs a command through the command palette (F1, its title, Enter). Waits until the first row is exactly
   * that command, so Enter never runs a neighbour.
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
    await this.quickInput().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
  }

  /** Opens a workspace file by Quick Open (Ctrl+P, its path, Enter) and waits for its editor. */
  async quickOpen(relativePath, { timeoutMs = 60_000 } = {}) {
    const name = relativePath.split('/').pop();
    await this.dismissQuickInput();
    await this.page.keyboard.press('Control+P');
    const box = await this.quickInputBox();
    // The file index may still be building right after start-up: type again until the file is listed.
    await waitFor(
      `Quick Open to list ${relativePath}`,
      async () => {
        await box.fill('');
        await box.fill(relativePath);
        const found = await waitFor(
          'a result row',
          async () => (await this.quickInputRows()).some((label) => label.includes(name)),
          { timeoutMs: 3000 },
        ).catch(() => false);
        return found;
      },
      { timeoutMs, intervalMs: 500 },
    );
    await this.page.keyboard.press('Enter');
    await this.waitForActiveEditor(name);
  }

  /** Waits until the active editor tab shows `name` and its text area has focus. */
  async waitForActiveEditor(name) {
    await this.page
      .locator(`.tabs-container .tab.active[aria-label*="${name}"], .title .label-name:text-is("${name}")`)
      .first()
      .waitFor({ timeout: 30_000 });
    await this.activeEditor().locator('.view-lines').waitFor({ timeout: 30_000 });
  }

  /** The active text editor's Monaco element. */
  activeEditor() {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** Gives the active editor keyboard focus (click into its text). */
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

  /** Moves the cursor with Go to Line (Ctrl+G `line:column`), 1-based. */
  async goTo(line, column = 1) {
    await this.dismissQuickInput();
    await this.page.keyboard.press('Control+G');
    const box = await this.quickInputBox();
    await box.fill(`${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }

  /** Selects the word at the cursor (Ctrl+D, the first press selects the word). */
  async selectWordAtCursor() {
    await this.page.keyboard.press('Control+D');
  }

  /** Types text at the cursor, key by key. */
  async type(text, { delayMs = 0 } = {}) {
    await this.page.keyboard.type(text, { delay: delayMs });
  }

  /** Presses one key or chord. */
  async press(key, { times = 1 } = {}) {
    for (let i = 0; i < times; i++) await this.page.keyboard.press(key);
  }

  /** Saves the active editor. */
  async save() {
    await this.page.keyboard.press('Control+S');
  }

  /**
   * The Problems panel's entries: message, line and column as the panel shows them. Opens the panel.
   * @returns {Promise<Array<{ text: string, line: number | undefined, column: number | undefined, file: string | undefined }>>}
   */
  async problems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor({ timeout: 10_000 });
    }
    // Expand every file node so the markers themselves are rendered.
    return panel.locator('.monaco-list-row').evaluateAll((rows) =>
      rows
        .map((row) => {
          const marker = row.querySelector('.marker-message-details, .marker-line-and-column, .marker-line');
          const label = row.getAttribute('aria-label') ?? '';
          const text = (row.textContent ?? '').replace(/\u00a0/g, ' ');
          const position = /\[Ln (\d+), Col (\d+)\]/.exec(text) ?? /line (\d+) column (\d+)/i.exec(label);
          return {
            text,
            label,
            line: position ? Number(position[1]) : undefined,
            column: position ? Number(position[2]) : undefined,
            isMarker: marker !== null || position !== null,
          };
        })
        .filter((row) => row.isMarker),
    );
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
