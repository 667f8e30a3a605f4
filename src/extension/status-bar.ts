import * as vscode from 'vscode';
import { COMMANDS } from './command-ids';
import { Disposable } from './disposable';
import { statusText, type StatusFigures } from './status-text';

/** The Patchscope item in the status bar: live figures while the preview is open, a shortcut otherwise. */
export class StatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('patchscope.status', vscode.StatusBarAlignment.Right, 100));

  constructor() {
    super();
    this.item.name = 'Patchscope';
    this.item.command = COMMANDS.openPreview.id;
  }

  /** Redraws the item; hides it unless the preview is open or the active editor holds a patch. */
  update(figures: StatusFigures, patchEditorActive: boolean): void {
    if (!figures.previewOpen && !patchEditorActive) {
      this.item.hide();
      return;
    }
    const { text, lines } = statusText(figures);
    this.item.text = text;
    const tooltip = new vscode.MarkdownString(`**Patchscope**\n\n| | |\n|---|---|\n${lines.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`).join('\n')}`);
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = figures.live.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
