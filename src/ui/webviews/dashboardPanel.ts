import * as vscode from 'vscode';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';
import { CommandId, WebviewType } from '../ids';
import { WebviewPage } from './webviewHost';


/**
 * The statistics dashboard: at most one panel, brought to the front when it is already
 * open, and revived by VS Code after a window reload with the filters the page saved.
 */
class DashboardPanels implements vscode.Disposable {
  private current: { panel: vscode.WebviewPanel; page: WebviewPage } | undefined;
  private readonly title = vscode.l10n.t('Pi Sessions Dashboard');

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly core: Core,
    private readonly caller: Caller,
  ) {}

  show(): void {
    if (this.current) {
      this.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(WebviewType.dashboard, this.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    });
    this.adopt(panel, null);
  }

  /** Called by the serializer; `state` is whatever the page last saved with `setState`. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    // A second revived panel (two windows' worth of state) would break "one dashboard".
    if (this.current) {
      panel.dispose();
      this.current.panel.reveal();
      return;
    }
    this.adopt(panel, state ?? null);
  }

  private adopt(panel: vscode.WebviewPanel, state: unknown): void {
    panel.title = this.title;
    const page = new WebviewPage(panel.webview, this.extensionUri, this.core, this.caller, {
      bundle: 'dashboard',
      title: this.title,
      initialState: state,
      // The dashboard only refreshes on index changes; nothing else concerns it.
      events: ['sessions-diff'],
    });
    const current = { panel, page };
    this.current = current;
    panel.onDidDispose(() => {
      page.dispose();
      if (this.current === current) this.current = undefined;
    });
  }

  dispose(): void {
    this.current?.panel.dispose();
    this.current = undefined;
  }
}

/** `piSessions.openDashboard` and the serializer that keeps the dashboard across reloads. */
export function registerDashboard(context: vscode.ExtensionContext, core: Core, caller: Caller): vscode.Disposable[] {
  const panels = new DashboardPanels(context.extensionUri, core, caller);
  return [
    panels,
    vscode.commands.registerCommand(CommandId.openDashboard, () => panels.show()),
    vscode.window.registerWebviewPanelSerializer(WebviewType.dashboard, {
      deserializeWebviewPanel: async (panel, state: unknown) => panels.restore(panel, state),
    }),
  ];
}
