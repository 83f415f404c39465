import * as vscode from 'vscode';
import { CommandId } from '../ids';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';

export function registerToggleFavorite(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.toggleFavorite, async (arg?: unknown) => {
    const info = await resolveSession(arg, ctx, vscode.l10n.t('Toggle Favorite'));
    if (!info) return;
    const result = await ctx.core.run('toggle_favorite', { path: info.path }, vscode.l10n.t('change the favorite'));
    if (!result) return;
    ctx.sessions.patch(info.path, { favorite: result.favorite });
    const said = result.favorite ? vscode.l10n.t('"{0}" added to favorites', sessionTitle(info)) : vscode.l10n.t('"{0}" removed from favorites', sessionTitle(info));
    vscode.window.setStatusBarMessage(`$(star-${result.favorite ? 'full' : 'empty'}) ${said}`, 4000);
  });
}
