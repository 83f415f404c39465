import * as vscode from 'vscode';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';

/** The core's router as the editor's actions use it: failures become one clear message. */
export class CoreClient {
  constructor(
    private readonly core: Core,
    private readonly caller: Caller,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Runs a command; on failure shows "Could not <what>: <error>" and yields undefined.
   * The result's shape is the command's documented reply.
   */
  async run<T>(command: string, payload: object, what: string): Promise<T | undefined> {
    const result = await this.core.dispatch(command, payload, this.caller);
    if (result.success) return result.data as T;
    this.log.warn(`${command} failed (${result.code}): ${result.error}`);
    void vscode.window.showErrorMessage(`Could not ${what}: ${result.error}`);
    return undefined;
  }
}
