import * as vscode from 'vscode';
import { CommandId } from '../ids';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';

/** Gives a session a name, the way pi's `/name` does. */
export function registerRenameSession(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.rename, async (arg?: unknown) => {
    const info = await resolveSession(arg, ctx, vscode.l10n.t('Rename Session'));
    if (!info) return;
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Rename Session'),
      prompt: vscode.l10n.t('New name for "{0}"', sessionTitle(info)),
      value: info.name ?? '',
      valueSelection: [0, (info.name ?? '').length],
      validateInput: (v) => (v.trim().length === 0 ? vscode.l10n.t('Enter a name') : undefined),
    });
    if (name === undefined || name.trim() === (info.name ?? '')) return;
    const done = await ctx.core.run('rename_session', { path: info.path, name: name.trim() }, vscode.l10n.t('rename the session'));
    if (done !== undefined) ctx.sessions.patch(info.path, { name: name.trim() });
  });
}
