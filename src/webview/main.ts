// Entry of the preview webview bundle (dist/webview.js).

import { PreviewApp } from './app';
import { vscodeApi } from './vscode-api';

const host = document.getElementById('app');
if (host) {
  const app = new PreviewApp(vscodeApi(), host);
  window.addEventListener('unload', () => app.dispose(), { once: true });
}
