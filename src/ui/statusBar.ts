import * as vscode from 'vscode';
import { CommandId } from './ids';
import type { ServerState, ServerSupervisor } from '../server/serverSupervisor';

/** Shows whether this window serves the API, and opens the server menu on click. */
export class ServerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('piSessions.server', vscode.StatusBarAlignment.Right, 100);
  private readonly subscription: { dispose(): unknown };

  constructor(controller: Pick<ServerSupervisor, 'state' | 'onDidChangeState'>) {
    this.item.name = vscode.l10n.t('Pi Sessions API');
    this.item.command = CommandId.serverMenu;
    this.subscription = controller.onDidChangeState((s) => this.render(s));
    this.render(controller.state);
    this.item.show();
  }

  private render(state: ServerState): void {
    this.item.backgroundColor = undefined;
    switch (state.kind) {
      case 'serving':
        this.item.text = `$(broadcast) Pi :${state.port}`;
        this.item.tooltip = vscode.l10n.t('Pi Sessions API serving at {0}', state.url);
        break;
      case 'starting':
        this.item.text = '$(sync~spin) Pi';
        this.item.tooltip = vscode.l10n.t('Pi Sessions API starting…');
        break;
      case 'in-use':
        this.item.text = `$(debug-disconnect) ${vscode.l10n.t('Pi :{0} in use', state.port)}`;
        this.item.tooltip = vscode.l10n.t('Port {0} is served by another window or program. This window takes over when it is free.', state.port);
        break;
      case 'error':
        this.item.text = `$(error) ${vscode.l10n.t('Pi API')}`;
        this.item.tooltip = state.message;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'stopped':
        this.item.text = `$(circle-slash) ${vscode.l10n.t('Pi API off')}`;
        this.item.tooltip = vscode.l10n.t('The Pi Sessions API is off');
        break;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
