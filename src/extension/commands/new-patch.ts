import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../command-ids';
import { isPatchPath, toPatchFileName } from '../../engine/patch-files';
import type { CommandContext } from './command-context';
import { freePatchPath, writeNewPatch } from './new-patch-files';

/** `Patchscope: New Patch`: asks where, writes a working patch with types, opens it and the preview. */
export async function newPatchCommand(context: CommandContext): Promise<string | undefined> {
  const activeFile = vscode.window.activeTextEditor?.document.uri;
  const folder =
    (activeFile?.scheme === 'file' ? path.dirname(activeFile.fsPath) : undefined) ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.file(freePatchPath(folder)) : undefined,
    filters: { 'TypeScript patch': ['ts'], 'JavaScript patch': ['js', 'mjs'] },
    title: 'New Patchscope Patch',
    saveLabel: 'Create Patch',
  });
  if (!target) return undefined;
  const patchPath = path.join(path.dirname(target.fsPath), toPatchFileName(path.basename(target.fsPath)));
  if (!isPatchPath(patchPath)) return undefined;
  try {
    await writeNewPatch(context.extensionUri.fsPath, patchPath);
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    void vscode.window.showErrorMessage(exists ? `${path.basename(patchPath)} already exists.` : `Could not create the patch: ${String(error)}`);
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(patchPath));
  await vscode.window.showTextDocument(document, { preview: false });
  if (vscode.workspace.isTrusted) await vscode.commands.executeCommand(COMMANDS.openPreview.id, document.uri);
  return patchPath;
}
