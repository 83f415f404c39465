import * as vscode from 'vscode';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { CommandId } from '../ids';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';
import { resumeCommandFor } from './resumeInTerminal';

/** Copy path, id or resume command to the clipboard. */
export function registerCopyCommands(ctx: ActionContext): vscode.Disposable[] {
  const copy = (id: string, what: string, value: (info: SessionInfo) => string) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const info = await resolveSession(arg, ctx, `Copy ${what}`);
      if (!info) return;
      await vscode.env.clipboard.writeText(value(info));
      vscode.window.setStatusBarMessage(`$(copy) Copied the session's ${what}`, 3000);
    });
  return [
    copy(CommandId.copyPath, 'path', (i) => i.path),
    copy(CommandId.copyId, 'id', (i) => i.id),
    copy(CommandId.copyResumeCommand, 'resume command', (i) => resumeCommandFor(i, ctx)),
  ];
}
