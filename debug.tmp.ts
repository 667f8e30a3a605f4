import { chromium } from 'playwright-core';
import { startHarness } from './test/webview-harness/serve';
void (async () => {
  const h = await startHarness();
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
  const p = await b.newPage();
  p.on('console', (m) => console.log('console', m.type(), m.text()));
  p.on('pageerror', (e) => console.log('pageerror', e.message));
  p.on('response', (r) => { if (r.status() >= 400) console.log('status', r.status(), r.url()); });
  await p.goto(h.url + '?theme=dark');
  await p.waitForTimeout(8000);
  console.log(await p.evaluate(() => JSON.stringify({ ready: window.harness?.ready, renders: window.harness?.renders, done: window.harness?.lastRenderDone, msgs: window.harness?.fromWebview.map((m) => m.type) })));
  await b.close(); await h.close();
})();
