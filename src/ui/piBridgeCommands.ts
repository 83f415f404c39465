import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Core } from '../core/core';
import { bridgeUrlFor, installBridge, uninstallBridge } from '../core/pi/bridge/bridgeInstall';
import type { ServerSupervisor } from '../server/serverSupervisor';
import { CommandId } from './ids';

/**
 * "Connect pi to this editor" installs the bridge extension into pi's agent folder, so every
 * pi started from then on reports its session here and can be prompted from here; the core
 * does the work, this only asks and reports.
 */
export function registerPiBridgeCommands(core: Core, controller: ServerSupervisor, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const agentDir = core.options.agentDir;

  const connect = async () => {
    const s = controller.state;
    const saved = core.config.current().server;
    const url = s.kind === 'serving' ? bridgeUrlFor(s.host, s.port) : bridgeUrlFor(saved.host, saved.port);
    try {
      // The bundle sits beside this one in dist/.
      const done = await installBridge({ agentDir, script: path.join(__dirname, 'piSessionBridge.js'), url, tokens: core.tokens });
      log.info(`pi bridge installed in ${done.folder} for ${done.url}${done.token_created ? ' with a new bridge token' : ''}`);
      const notice = vscode.l10n.t('pi is connected to this editor: pis started from now on show their live sessions here. Restart pis that are already running.');
      if (s.kind === 'serving') void vscode.window.showInformationMessage(notice);
      else void vscode.window.showWarningMessage(vscode.l10n.t('{0} The API server is not running in this window, so they will connect once it is.', notice));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not connect pi: {0}', err instanceof Error ? err.message : String(err)));
    }
  };

  const disconnect = async () => {
    try {
      const done = await uninstallBridge({ agentDir, tokens: core.tokens });
      log.info(`pi bridge removed from ${done.folder}${done.token_revoked ? ', its token revoked' : ''}`);
      if (done.removed) void vscode.window.showInformationMessage(vscode.l10n.t('pi is disconnected from this editor. Running pis keep their connection until they restart.'));
      else void vscode.window.showInformationMessage(vscode.l10n.t('pi was not connected to this editor.'));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not disconnect pi: {0}', err instanceof Error ? err.message : String(err)));
    }
  };

  return [vscode.commands.registerCommand(CommandId.connectPi, connect), vscode.commands.registerCommand(CommandId.disconnectPi, disconnect)];
}
