import * as vscode from 'vscode';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';
import type { CommandName, PayloadOf, ReplyOf } from '../../shared/api/commands';

/** The core's router as the editor's actions use it: failures become one clear message. */
export class CoreClient {
  constructor(
    private readonly core: Core,
    private readonly caller: Caller,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Runs a command; on failure shows "Could not <what>: <error>" and yields undefined. `what` is already translated. */
  async run<N extends CommandName>(command: N, payload: PayloadOf<N>, what: string): Promise<ReplyOf<N> | undefined> {
    const result = await this.core.dispatch(command, payload, this.caller);
    if (result.success) return result.data;
    this.log.warn(`${command} failed (${result.code}): ${result.error}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not {0}: {1}', what, result.error));
    return undefined;
  }
}
