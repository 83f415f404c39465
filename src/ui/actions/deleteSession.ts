import * as vscode from 'vscode';
import { CommandId } from '../ids';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';

/** Moves a session file to the trash after the user confirms. */
export function registerDeleteSession(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.delete, async (arg?: unknown) => {
    const info = await resolveSession(arg, ctx, vscode.l10n.t('Delete Session'));
    if (!info) return;
    const title = sessionTitle(info);
    // A quick pick rather than a modal dialog: keyboard-first, Escape cancels, and it works
    // where the workbench refuses modal dialogs (the extension test host does).
    const confirm = { label: `$(trash) ${vscode.l10n.t('Move to Trash')}`, detail: vscode.l10n.t('{0} — tags and favorite go with it', info.path) };
    const answer = await vscode.window.showQuickPick([confirm, { label: vscode.l10n.t('Cancel') }], { title: vscode.l10n.t('Delete the session "{0}"?', title), ignoreFocusOut: false });
    if (answer !== confirm) return;
    const result = await ctx.core.run('delete_session', { path: info.path }, vscode.l10n.t('delete the session'));
    if (!result) return;
    // The message is not awaited: a command must not wait for a notification to be closed.
    void vscode.window.showInformationMessage(
      result.trashed ? vscode.l10n.t('"{0}" was moved to the trash.', title) : vscode.l10n.t('"{0}" was deleted permanently (no trash is available here).', title),
    );
  });
}
