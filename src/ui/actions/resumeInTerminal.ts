import * as vscode from 'vscode';
import * as fs from 'node:fs';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { CommandId } from '../ids';
import { oneLine, sessionTitle } from '../../shared/rules/sessionLabels';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';
import { resumeCommandLine, shellKindOf } from './shellCommand';

/** The resume command for the shell the integrated terminal starts. */
export function resumeCommandFor(info: SessionInfo, ctx: ActionContext): string {
  return resumeCommandLine(ctx.settings().piCommand, info.path, shellKindOf(vscode.env.shell, process.platform));
}

/**
 * Opens an integrated terminal in the session's folder and runs `pi --session <file>` there.
 * It runs a program on this machine, so it needs a trusted workspace.
 */
export function registerResumeInTerminal(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.resumeInTerminal, async (arg?: unknown) => {
    if (!vscode.workspace.isTrusted) {
      const manage = vscode.l10n.t('Manage Workspace Trust');
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Resuming a session runs pi in a terminal, which needs a trusted workspace.'), manage);
      if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const info = await resolveSession(arg, ctx, vscode.l10n.t('Resume in Terminal'));
    if (!info) return undefined;
    const cwd = (await isDirectory(info.cwd)) ? info.cwd : undefined;
    if (!cwd) ctx.log.info(`resume: ${info.cwd} does not exist here; the terminal starts in the default folder`);
    const terminal = vscode.window.createTerminal({
      name: `pi: ${oneLine(sessionTitle(info), 40)}`,
      cwd,
      iconPath: new vscode.ThemeIcon('comment-discussion'),
    });
    terminal.show();
    terminal.sendText(resumeCommandFor(info, ctx), true);
    return terminal;
  });
}

async function isDirectory(dir: string): Promise<boolean> {
  if (!dir) return false;
  try {
    return (await fs.promises.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
