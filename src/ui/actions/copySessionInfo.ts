import * as vscode from 'vscode';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { CommandId } from '../ids';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';
import { resumeCommandFor } from './resumeInTerminal';

/** Copy path, id or resume command to the clipboard. */
export function registerCopyCommands(ctx: ActionContext): vscode.Disposable[] {
  // Whole sentences per command: other languages do not build them from a noun.
  const copy = (id: string, title: string, done: string, value: (info: SessionInfo) => string) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const info = await resolveSession(arg, ctx, title);
      if (!info) return;
      await vscode.env.clipboard.writeText(value(info));
      vscode.window.setStatusBarMessage(`$(copy) ${done}`, 3000);
    });
  return [
    copy(CommandId.copyPath, vscode.l10n.t('Copy path'), vscode.l10n.t("Copied the session's path"), (i) => i.path),
    copy(CommandId.copyId, vscode.l10n.t('Copy id'), vscode.l10n.t("Copied the session's id"), (i) => i.id),
    copy(CommandId.copyResumeCommand, vscode.l10n.t('Copy resume command'), vscode.l10n.t("Copied the session's resume command"), (i) => resumeCommandFor(i, ctx)),
  ];
}
