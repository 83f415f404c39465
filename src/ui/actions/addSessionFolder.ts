import * as vscode from 'vscode';
import { CommandId } from '../ids';
import type { ActionContext } from './actionContext';

/** Adds a folder to scan for sessions; a folder URI argument skips the picker. */
export function registerAddSessionFolder(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.addSessionFolder, async (arg?: unknown) => {
    const folder =
      arg instanceof vscode.Uri
        ? arg
        : (await vscode.window.showOpenDialog({ title: 'Add Session Folder', canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Add Folder' }))?.[0];
    if (!folder) return;
    const existing = await ctx.core.run('get_session_paths', {}, 'read the session folders');
    if (!existing) return;
    if (existing.includes(folder.fsPath)) {
      void vscode.window.showInformationMessage(`${folder.fsPath} is already scanned.`);
      return;
    }
    const saved = await ctx.core.run('save_session_paths', { paths: [...existing, folder.fsPath] }, 'add the session folder');
    if (saved !== undefined) void vscode.window.showInformationMessage(`Pi Sessions now also scans ${folder.fsPath}.`);
  });
}
