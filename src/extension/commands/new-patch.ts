import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isPatchPath, toPatchFileName } from '../patch-files';
import type { CommandContext } from './command-context';

/** File name of the patch types written beside a new patch (the template references it). */
export const PATCH_TYPES_FILE = 'patchscope.d.ts';

/** Template file (under media/templates) for a patch file name: TypeScript for .ts, JavaScript otherwise. */
export function templateFileFor(patchFile: string): string {
  return patchFile.endsWith('.ts') ? 'patch.ts.template' : 'patch.js.template';
}

/** A free file name in `folder`: `patch.synth.ts`, then `patch-2.synth.ts`, ... */
export function freePatchPath(folder: string, base = 'patch', extension = 'ts', exists: (file: string) => boolean = existsSync): string {
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, `${n === 1 ? base : `${base}-${n}`}.synth.${extension}`);
    if (!exists(candidate)) return candidate;
  }
}

/**
 * Writes a new patch from the template at `patchPath`, and the patch types beside it unless they are there,
 * so completion and checking work at once without any project setup.
 */
export async function writeNewPatch(extensionPath: string, patchPath: string): Promise<void> {
  const template = await readFile(path.join(extensionPath, 'media', 'templates', templateFileFor(patchPath)), 'utf8');
  await writeFile(patchPath, template, { flag: 'wx' });
  const typesPath = path.join(path.dirname(patchPath), PATCH_TYPES_FILE);
  if (!existsSync(typesPath)) await copyFile(path.join(extensionPath, 'types', 'patchscope.d.ts'), typesPath);
}

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
  if (vscode.workspace.isTrusted) await vscode.commands.executeCommand('patchscope.openPreview', document.uri);
  return patchPath;
}
