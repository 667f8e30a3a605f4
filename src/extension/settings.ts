import * as vscode from 'vscode';
import type { IDisposable } from './disposable';
import { parseSettings, SETTINGS_SECTION, type PatchscopeSettings } from './settings-model';

export * from './settings-model';

/** Reads every Patchscope setting for `scope` (a patch's URI, so folder settings apply). */
export function readSettings(scope?: vscode.ConfigurationScope): PatchscopeSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return parseSettings((key) => config.get(key));
}

/** Calls `listener` whenever a Patchscope setting changes in any scope; it reads the settings for its own scope. */
export function onDidChangeSettings(listener: () => void): IDisposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SETTINGS_SECTION)) listener();
  });
}

