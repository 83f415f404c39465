import * as vscode from 'vscode';
import { CommandId } from '../ids';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';

/** The session file itself: reveal it in the OS file manager, or open the JSONL in an editor. */
export function registerSessionFileCommands(ctx: ActionContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.revealFile, async (arg?: unknown) => {
      const info = await resolveSession(arg, ctx, vscode.l10n.t('Reveal Session File'));
      if (info) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(info.path));
    }),
    vscode.commands.registerCommand(CommandId.openRawJsonl, async (arg?: unknown) => {
      const info = await resolveSession(arg, ctx, vscode.l10n.t('Open Raw JSONL'));
      if (info) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(info.path), { preview: true });
    }),
  ];
}
