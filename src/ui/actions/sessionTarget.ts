import * as vscode from 'vscode';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { isSessionNode } from '../tree/treeModel';
import { sessionDescription, shortPath } from '../tree/sessionLabels';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import type { ActionContext } from './actionContext';

/**
 * The session a command acts on. Menus pass a tree node, other commands and the viewer pass
 * `{path}` (or a path string, or a file URI); the command palette passes nothing, and then
 * the user picks one.
 */
export async function resolveSession(arg: unknown, ctx: ActionContext, title: string): Promise<SessionInfo | undefined> {
  // Keybindings in the tree pass `{treeSelection: true}`: the workbench gives them no row.
  const path = isTreeSelectionArg(arg) ? ctx.selectedSessionPath() : pathOf(arg);
  if (path === undefined) return pickSession(ctx, title);
  const info = await ctx.sessions.find(path);
  if (!info) void vscode.window.showWarningMessage(vscode.l10n.t('No known session at {0}', path));
  return info;
}

function isTreeSelectionArg(arg: unknown): boolean {
  return typeof arg === 'object' && arg !== null && (arg as { treeSelection?: unknown }).treeSelection === true;
}

export function pathOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.length > 0) return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (isSessionNode(arg)) return arg.path;
  if (typeof arg === 'object' && arg !== null) {
    const p = (arg as { path?: unknown; session_path?: unknown }).path ?? (arg as { session_path?: unknown }).session_path;
    if (typeof p === 'string' && p.length > 0) return p;
  }
  return undefined;
}

type SessionPick = vscode.QuickPickItem & { info: SessionInfo };

export async function pickSession(ctx: ActionContext, title: string): Promise<SessionInfo | undefined> {
  const now = Date.now();
  const items = (await ctx.sessions.list()).map(
    (info): SessionPick => ({
      label: sessionTitle(info),
      description: shortPath(info.cwd, ctx.homeDir),
      detail: sessionDescription(info, now),
      iconPath: new vscode.ThemeIcon(info.favorite ? 'star-full' : 'comment-discussion'),
      info,
    }),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No pi sessions found.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Type to find a session by name, first message or folder'), matchOnDescription: true, matchOnDetail: false });
  return picked?.info;
}
