import * as vscode from 'vscode';
import { CommandId } from '../ids';
import type { ActionContext } from './actionContext';

/** Adds a folder to scan for sessions; a folder URI argument skips the picker. */
export function registerAddSessionFolder(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.addSessionFolder, async (arg?: unknown) => {
    const folder =
      arg instanceof vscode.Uri
        ? arg
        : (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Add Session Folder'), canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Add Folder') }))?.[0];
    if (!folder) return;
    const existing = await ctx.core.run('get_session_paths', {}, vscode.l10n.t('read the session folders'));
    if (!existing) return;
    if (existing.includes(folder.fsPath)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already scanned.', folder.fsPath));
      return;
    }
    const saved = await ctx.core.run('save_session_paths', { paths: [...existing, folder.fsPath] }, vscode.l10n.t('add the session folder'));
    if (saved !== undefined) void vscode.window.showInformationMessage(vscode.l10n.t('Pi Sessions now also scans {0}.', folder.fsPath));
  });
}
