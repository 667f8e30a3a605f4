import { ensureCodeServer, CodeServer } from './lib/code-server.mjs';
import { makeRunRoot, stageExtension, makeWorkspace, makeUserDataDir } from './lib/staging.mjs';
import { cleanupAll } from './lib/processes.mjs';
import { launchChromium, Workbench } from './lib/workbench.mjs';
import { installWebviewProbe } from './lib/webview-probe.mjs';
const repo = '/work/main';
const root = makeRunRoot();
const cs = await ensureCodeServer();
const ext = stageExtension(repo, root);
const ws = makeWorkspace(repo, root, repo + '/test/e2e/fixtures');
const udd = makeUserDataDir(root);
let t = Date.now();
const server = await CodeServer.start({ ...cs, folder: ws.workspaceDir, extensionsDir: ext.extensionsDir, userDataDir: udd, logFile: root + '/cs.log' });
const browser = await launchChromium();
try {
const wb = await Workbench.open(browser, server.folderUrl(ws.workspaceDir), '/tmp/shots', { initScript: installWebviewProbe });
console.log('workbench', Date.now() - t);
await wb.quickOpen('fixtures/sine.synth.js');
console.log('opened', Date.now() - t, JSON.stringify(await wb.editorText()));
await wb.runCommand('Patchscope: Open Preview');
const frame = await wb.webviewFrame('patchscope.patchscope', { selector: '#app' });
console.log('webview', Date.now() - t, frame.url().slice(0,120));
await wb.page.waitForTimeout(4000);
console.log(await frame.evaluate(() => ({ html: document.body.innerHTML.slice(0, 3000), probe: window.patchscopeE2eProbe && { contexts: window.patchscopeE2eProbe.contexts.map(c => [c.state, c.currentTime]), starts: window.patchscopeE2eProbe.starts.length, messages: window.patchscopeE2eProbe.messages.slice(0,5) } })));
await wb.screenshot('after-preview');
console.log(await wb.statusBarTexts());
await wb.page.waitForTimeout(2000);
console.log(await wb.statusBarTexts(), await wb.problems());
await wb.screenshot('problems');
} finally {
await browser.close();
await cleanupAll();
console.log(root);
}
