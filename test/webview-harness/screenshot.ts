// Opens the harness in headless Chromium (Debian's /usr/bin/chromium through playwright-core), plays a real
// render, and saves screenshots of the preview in several states and themes.
//
//   npm run build && npx tsx test/webview-harness/screenshot.ts [outDir]     (default /tmp/patchscope-shots)

import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PlayerStateSnapshot } from '../../src/shared/protocol';
import { startHarness } from './serve';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

interface Shot {
  name: string;
  query: string;
  width?: number;
  /** Runs after the page is ready, before the screenshot. */
  act?: (page: Page) => Promise<void>;
}

async function waitForRender(page: Page): Promise<void> {
  await page.waitForFunction(() => window.harness?.ready === true, undefined, { timeout: 60_000 });
  await page.waitForFunction(() => window.harness.lastRenderDone, undefined, { timeout: 60_000 });
}

const shots: Shot[] = [
  { name: 'dark-playing', query: 'theme=dark', act: (page) => page.waitForTimeout(1400) },
  { name: 'light-playing', query: 'theme=light', act: (page) => page.waitForTimeout(1400) },
  { name: 'dark-narrow', query: 'theme=dark', width: 500, act: (page) => page.waitForTimeout(1400) },
  {
    name: 'dark-error',
    query: 'theme=dark',
    act: async (page) => {
      await page.waitForTimeout(600);
      await page.evaluate(() =>
        window.harness.render({
          error: { kind: 'compile', message: 'Expected "}" but found ")"', file: '/workspace/examples/hello.synth.js', line: 27, column: 14 },
        }),
      );
      await page.waitForTimeout(400);
    },
  },
  {
    name: 'light-loop-region',
    query: 'theme=light&scale=mel&colormap=viridis',
    act: async (page) => {
      const box = await page.locator('canvas.spectrogram').boundingBox();
      if (!box) throw new Error('no spectrogram');
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.waitForTimeout(700);
    },
  },
  { name: 'dark-click-to-enable', query: 'theme=dark&suspended=1', act: (page) => page.waitForTimeout(300) },
  { name: 'dark-restricted', query: 'theme=dark&trusted=0', act: (page) => page.waitForTimeout(300) },
  { name: 'light-no-patch', query: 'theme=light&nopatch=1', act: (page) => page.waitForTimeout(300) },
];

function gapReport(state: PlayerStateSnapshot): string {
  const spans = state.scheduled.filter((span) => span.renderId === state.renderId);
  let exact = 0;
  let other = 0;
  for (let i = 1; i < spans.length; i++) {
    const expected = spans[i - 1].when + spans[i - 1].frames / spans[i - 1].sampleRate;
    if (spans[i].when === expected) exact++;
    else other++;
  }
  return `${spans.length} spans, ${exact} start exactly at previous start + length / rate, ${other} re-anchored, underruns ${state.underruns}`;
}

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? '/tmp/patchscope-shots';
  await mkdir(outDir, { recursive: true });
  const harness = await startHarness();
  const browsers: Browser[] = [];
  try {
    const withAutoplay = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, '--autoplay-policy=no-user-gesture-required'] });
    browsers.push(withAutoplay);
    for (const shot of shots) {
      const browser = withAutoplay;
      const page = await browser.newPage({ viewport: { width: shot.width ?? 920, height: 560 }, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(`${harness.url}?${shot.query}`);
      if (!shot.query.includes('nopatch') && !shot.query.includes('trusted=0')) await waitForRender(page);
      else await page.waitForFunction(() => window.harness?.ready === true);
      await shot.act?.(page);
      const file = path.join(outDir, `${shot.name}.png`);
      await page.screenshot({ path: file });
      const state = await page.evaluate(() => window.harness.playerState());
      const timings = await page.evaluate(() => window.harness.fromWebview.filter((m) => m.type === 'renderTimings'));
      console.log(`${shot.name}: ${file}`);
      console.log(`  state ${state.state}, audio ${state.audioState}, position ${state.positionSeconds.toFixed(3)} s, columns ${state.spectrogramColumns}`);
      console.log(`  ${gapReport(state)}`);
      if (timings.length) console.log(`  timings ${JSON.stringify(timings.at(-1))}`);
      const frames = await page.evaluate(() =>
        window.harness.fromWebview.flatMap((m) => (m.type === 'playbackStatus' && m.frames > 0 ? [[m.maxDrawMs, m.maxFrameMs, m.meanFrameMs, m.frames]] : [])),
      );
      if (frames.length) {
        const worst = (i: number): string => Math.max(...frames.map((f) => f[i])).toFixed(2);
        console.log(`  frames: worst draw ${worst(0)} ms, worst frame ${worst(1)} ms, worst mean ${worst(2)} ms over ${frames.reduce((n, f) => n + f[3], 0)} frames`);
      }
      if (errors.length) console.log(`  page errors: ${errors.join(' | ')}`);
      await page.close();
    }
  } finally {
    for (const browser of browsers) await browser.close();
    await harness.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
