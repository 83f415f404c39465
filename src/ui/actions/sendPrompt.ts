import * as vscode from 'vscode';
import { CommandId } from '../ids';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import { liveMark } from '../../shared/rules/liveLabels';
import type { PiDelivery } from '../../shared/model/pi';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';

/** Every user-visible string of this command, for the translation catalogue. */
const text = {
  title: () => vscode.l10n.t('Send Prompt to pi'),
  prompt: (title: string, state: string) => (state ? vscode.l10n.t('Message to pi in "{0}" ({1})', title, state) : vscode.l10n.t('Message to pi in "{0}"', title)),
  placeholder: () => vscode.l10n.t('pi runs tools on this machine to answer it'),
  empty: () => vscode.l10n.t('Enter a message'),
  deliveryTitle: () => vscode.l10n.t('pi is answering: how should it get this?'),
  steer: () => vscode.l10n.t('Steer'),
  steerDetail: () => vscode.l10n.t('Into the answer under way: pi reads it after the current step'),
  followUp: () => vscode.l10n.t('Follow-up'),
  followUpDetail: () => vscode.l10n.t('Queued: pi takes it when this answer is done'),
  what: () => vscode.l10n.t('send the prompt to pi'),
  sent: {
    started: () => vscode.l10n.t('pi is answering.'),
    queued: () => vscode.l10n.t('Queued: pi takes it when the current answer is done.'),
    handled: () => vscode.l10n.t('pi handled it without a model run.'),
  },
  openViewer: () => vscode.l10n.t('Watch in Viewer'),
} as const;

/**
 * "Send prompt…" on a live session (and from the palette): one message to the pi that has the
 * session open, through the same command as the viewer's prompt box. A session no pi has
 * open gets our own RPC pi; one open in a pi without the bridge is refused by the core.
 */
export function registerSendPrompt(ctx: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.sendPrompt, async (arg?: unknown) => {
    const info = await resolveSession(arg, ctx, text.title());
    if (!info) return;
    const live = ctx.sessions.liveOf(info.path);
    const prompt = await vscode.window.showInputBox({
      title: text.title(),
      prompt: text.prompt(sessionTitle(info), live ? liveMark(live).short : ''),
      placeHolder: text.placeholder(),
      validateInput: (v) => (v.trim().length === 0 ? text.empty() : undefined),
    });
    if (prompt === undefined || !prompt.trim()) return;
    let deliverAs: PiDelivery | undefined;
    if (live?.streaming === true) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: text.steer(), detail: text.steerDetail(), value: 'steer' as const },
          { label: text.followUp(), detail: text.followUpDetail(), value: 'follow_up' as const },
        ],
        { title: text.deliveryTitle() },
      );
      if (!picked) return;
      deliverAs = picked.value;
    }
    const reply = await ctx.core.run(
      'send_pi_agent_rpc',
      deliverAs ? { session_id: info.id, prompt: prompt.trim(), deliver_as: deliverAs } : { session_id: info.id, prompt: prompt.trim() },
      text.what(),
    );
    if (!reply || 'aborted' in reply) return;
    const openViewer = text.openViewer();
    const choice = await vscode.window.showInformationMessage(text.sent[reply.disposition](), openViewer);
    if (choice === openViewer) await vscode.commands.executeCommand(CommandId.openSession, { path: info.path });
  });
}
