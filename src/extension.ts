import * as vscode from 'vscode';
import * as path from 'node:path';
import { Core } from './core/core';
import { defaultAgentDir, expandHome } from './core/paths';
import { describeError } from './core/log';
import type { Caller, DispatchResult } from './core/api/types';
import { localUserCaller } from './core/api/callers';
import { readSettings, affectsServer, editorServerSettings } from './ui/settings';
import { SettingKey } from './ui/ids';
import { loggerFromChannel } from './ui/vscodeLogger';
import { moveToTrashWithVscode } from './ui/vscodeTrash';
import { createEditorServerSupervisor } from './ui/editorServer';
import type { ServerState } from './server/serverSupervisor';
import { ServerStatusBar } from './ui/statusBar';
import { registerServerCommands } from './ui/serverCommands';
import { registerPiBridgeCommands } from './ui/piBridgeCommands';
import { registerWebClientCommands } from './ui/webClientCommands';
import { registerSessionViews } from './ui/sessionViews';
import { registerDashboard } from './ui/webviews/dashboardPanel';
import { registerSessionViewer } from './ui/webviews/sessionViewerPanel';
import { useTranslator } from './shared/l10n';
import { registerDemoCommands } from './ui/demoCommands';

/** What the extension hands to other extensions and to its own tests. */
export interface PiSessionsApi {
  dispatch(command: string, payload?: unknown): Promise<DispatchResult>;
  serverState(): ServerState;
}

let stopAll: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PiSessionsApi> {
  const started = Date.now();
  // The shared modules (tree labels, renderer, formats) speak through vscode.l10n too.
  useTranslator(vscode.env.language, (message, args) => vscode.l10n.t(message, ...args));
  const log = vscode.window.createOutputChannel('Pi Sessions', { log: true });
  context.subscriptions.push(log);

  const settings = readSettings();
  const logger = loggerFromChannel(log);
  const core = new Core({
    agentDir: settings.agentDir ? path.resolve(expandHome(settings.agentDir)) : defaultAgentDir(),
    stateDir: context.globalStorageUri.fsPath,
    log: logger,
    platform: { moveToTrash: moveToTrashWithVscode },
    extraSessionDirs: settings.sessionDirectories.map((d) => path.resolve(expandHome(d))),
    piCommand: { command: settings.piCommand, args: [] },
    workspaceFolders: () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    startingNow: true,
  });
  const uiCaller: Caller = localUserCaller('ui');

  const supervisor = createEditorServerSupervisor(core, {
    explicit: () => editorServerSettings((message) => logger.warn(`settings: ${message}; the saved configuration decides instead`)),
    log: logger,
    webClientDir: vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview').fsPath,
  });
  context.subscriptions.push(
    supervisor,
    new ServerStatusBar(supervisor),
    ...registerServerCommands(core, supervisor, log),
    ...registerPiBridgeCommands(core, supervisor, log),
    ...registerWebClientCommands(core, supervisor),
    ...registerSessionViews(context, core, uiCaller, log),
    ...registerDashboard(context, core, uiCaller),
    ...registerSessionViewer(context, core, uiCaller, log),
    ...registerDemoCommands(context, core, log),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsServer(e)) supervisor.settingsChanged();
      if (e.affectsConfiguration(`${SettingKey.section}.${SettingKey.sessionDirectories}`)) {
        void core.setLaunchSessionDirs(readSettings().sessionDirectories.map((d) => path.resolve(expandHome(d))));
      }
    }),
  );

  stopAll = async () => {
    try {
      await supervisor.dispose();
    } finally {
      await core.dispose();
    }
  };

  // Opening the databases, the scan and the server come after activation returns, so the
  // editor is never held up; the server does not wait for the scan (scan_sessions does).
  setImmediate(() => {
    void supervisor.start();
    core.start().then(
      () => logger.info(`first scan finished ${Date.now() - started} ms after activation began`),
      (err) => logger.error(`startup failed: ${describeError(err)}`),
    );
  });
  logger.info(`activated in ${Date.now() - started} ms`);

  return {
    dispatch: (command, payload) => core.dispatch(command, payload ?? {}, uiCaller),
    serverState: () => supervisor.state,
  };
}

export function deactivate(): Promise<void> | undefined {
  const stop = stopAll;
  stopAll = undefined;
  return stop?.();
}
