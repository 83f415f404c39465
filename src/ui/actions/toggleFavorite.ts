import * as vscode from 'vscode';
import { CommandId } from '../ids';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';

export function registerToggleFavorite(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.toggleFavorite, async (arg?: unknown) => {
    const info = await resolveSession(arg, ctx, 'Toggle Favorite');
    if (!info) return;
    const result = await ctx.core.run('toggle_favorite', { path: info.path }, 'change the favorite');
    if (!result) return;
    ctx.sessions.patch(info.path, { favorite: result.favorite });
    vscode.window.setStatusBarMessage(`$(star-${result.favorite ? 'full' : 'empty'}) "${sessionTitle(info)}" ${result.favorite ? 'added to' : 'removed from'} favorites`, 4000);
  });
}
