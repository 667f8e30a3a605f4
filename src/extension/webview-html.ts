import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** A fresh nonce for one page's CSP. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The preview page: a strict CSP (scripts only by nonce, styles and fonts only from the extension, no remote
 * resources), the codicon stylesheet (the id is the one vscode-elements looks for) and the webview bundle.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = makeNonce()): string {
  const asset = (...segments: string[]): string => webview.asWebviewUri(joinUri(extensionUri, segments)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" id="vscode-codicon-stylesheet" href="${asset('node_modules', '@vscode', 'codicons', 'dist', 'codicon.css')}">
<link rel="stylesheet" nonce="${nonce}" href="${asset('media', 'preview.css')}">
<title>Patchscope</title>
</head>
<body>
<div id="app" class="app"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}

function joinUri(base: vscode.Uri, segments: string[]): vscode.Uri {
  return base.with({ path: [base.path.replace(/\/$/, ''), ...segments].join('/') });
}
