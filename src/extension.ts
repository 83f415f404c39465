import * as vscode from 'vscode';
import * as path from 'node:path';
import { Core } from './core/core';
import { defaultAgentDir, expandHome } from './core/paths';
import { describeError } from './core/log';
import type { Caller, DispatchResult } from './core/api/types';
import { localUserCaller } from './core/api/callers';
import { readSettings, affectsServer } from './ui/settings';
import { SettingKey } from './ui/ids';
import { loggerFromChannel } from './ui/vscodeLogger';
import { moveToTrashWithVscode } from './ui/vscodeTrash';
import { ServerController, type ServerState } from './ui/serverController';
import { ServerStatusBar } from './ui/statusBar';
import { registerServerCommands } from './ui/serverCommands';
import { registerWebClientCommands } from './ui/webClientCommands';
import { registerSessionViews } from './ui/sessionViews';
import { registerDashboard } from './ui/webviews/dashboardPanel';
import { registerSessionViewer } from './ui/webviews/sessionViewerPanel';

/** What the extension hands to other extensions and to its own tests. */
export interface PiSessionsApi {
  dispatch(command: string, payload?: unknown): Promise<DispatchResult>;
  serverState(): ServerState;
}

let stopAll: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PiSessionsApi> {
  const started = Date.now();
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
  });
  const uiCaller: Caller = localUserCaller('ui');

  // Several server settings often change together (a saved bundle writes five): restart once.
  let restartTimer: NodeJS.Timeout | undefined;
  const restartServerSoon = () => {
    if (restartTimer) clearTimeout(restartTimer);
    restartTimer = setTimeout(() => void controller.start(), 200);
  };
  context.subscriptions.push(new vscode.Disposable(() => restartTimer && clearTimeout(restartTimer)));
  const controller = new ServerController(core, () => readSettings(), logger, vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview').fsPath);
  context.subscriptions.push(
    controller,
    new ServerStatusBar(controller),
    ...registerServerCommands(core, controller, log),
    ...registerWebClientCommands(core, controller),
    ...registerSessionViews(context, core, uiCaller, log),
    ...registerDashboard(context, core, uiCaller),
    ...registerSessionViewer(context, core, uiCaller, log),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsServer(e)) restartServerSoon();
      if (e.affectsConfiguration(`${SettingKey.section}.${SettingKey.sessionDirectories}`)) {
        void core.setLaunchSessionDirs(readSettings().sessionDirectories.map((d) => path.resolve(expandHome(d))));
      }
    }),
  );

  // The editor's own settings drive its server, so a saved bundle's server part is written
  // to them; the configuration listener above then restarts the server.
  context.subscriptions.push(
    toVscodeDisposable(
      core.onConfigApplied(async (bundle, previous) => {
        if (JSON.stringify(bundle.server) === JSON.stringify(previous.server)) return;
        const c = vscode.workspace.getConfiguration(SettingKey.section);
        const target = vscode.ConfigurationTarget.Global;
        await c.update(SettingKey.serverEnabled, bundle.server.enabled, target);
        await c.update(SettingKey.serverPort, bundle.server.port, target);
        await c.update(SettingKey.serverHost, bundle.server.host, target);
        await c.update(SettingKey.requireTokenOnLoopback, bundle.server.require_token_on_loopback, target);
        await c.update(SettingKey.allowedOrigins, bundle.server.allowed_origins, target);
      }),
    ),
  );

  stopAll = async () => {
    try {
      await controller.dispose();
    } finally {
      await core.dispose();
    }
  };

  // Opening the databases, the scan and the server come after activation returns, so the
  // editor is never held up; the server does not wait for the scan (scan_sessions does).
  setImmediate(() => {
    void controller.start();
    core.start().then(
      () => logger.info(`first scan finished ${Date.now() - started} ms after activation began`),
      (err) => logger.error(`startup failed: ${describeError(err)}`),
    );
  });
  logger.info(`activated in ${Date.now() - started} ms`);

  return {
    dispatch: (command, payload) => core.dispatch(command, payload ?? {}, uiCaller),
    serverState: () => controller.state,
  };
}

function toVscodeDisposable(d: { dispose(): unknown }): vscode.Disposable {
  return new vscode.Disposable(() => void d.dispose());
}

export function deactivate(): Promise<void> | undefined {
  const stop = stopAll;
  stopAll = undefined;
  return stop?.();
}
