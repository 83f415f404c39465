import * as vscode from 'vscode';
import type { Core } from '../core/core';
import type { Caller } from '../core/api/types';
import { CommandId, ViewId } from './ids';
import { SessionTreeProvider } from './tree/sessionTreeProvider';

/** The sidebar: the sessions tree and the commands that act on the whole list. */
export function registerSessionViews(
  _context: vscode.ExtensionContext,
  core: Core,
  caller: Caller,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const provider = new SessionTreeProvider(core, caller, log);
  const view = vscode.window.createTreeView(ViewId.sessions, { treeDataProvider: provider, showCollapseAll: true });
  return [provider, view, vscode.commands.registerCommand(CommandId.refresh, () => provider.reload())];
}
