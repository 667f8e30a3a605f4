import { chromium } from 'playwright-core';
import { startHarness } from './test/webview-harness/serve';
void (async () => {
  const h = await startHarness();
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
  const p = await b.newPage({ viewport: { width: 920, height: 560 } });
  await p.goto(h.url + '?theme=dark');
  await p.waitForFunction(() => window.harness?.lastRenderDone === true, undefined, { timeout: 60000 });
  await p.keyboard.press('l');
  await p.waitForTimeout(500);
  const n0 = await p.evaluate(() => window.harness.fromWebview.length);
  await p.waitForTimeout(5000);
  const stats = await p.evaluate((n) => window.harness.fromWebview.slice(n).filter((m) => m.type === 'playbackStatus'), n0);
  for (const s of stats) if (s.type === 'playbackStatus') console.log(s.state, 'frames', s.frames, 'maxDraw', s.maxDrawMs.toFixed(2), 'maxFrame', s.maxFrameMs.toFixed(2), 'mean', s.meanFrameMs.toFixed(2));
  await b.close(); await h.close();
})();
