import * as vscode from 'vscode';
import type { Core } from '../core/core';
import type { Logger } from '../core/log';
import { describeError } from '../core/log';
import { writeDemoStore } from '../core/demo/demoStore';
import { openDemoCore } from '../core/demo/demoCore';
import { ServerSupervisor } from '../server/serverSupervisor';
import { describeSessionDir, sessionFolderText } from '../shared/rules/sessionFolders';
import { CommandId, ContextKey } from './ids';
import { moveToTrashWithVscode } from './vscodeTrash';

/** User-visible text of the demo and folder commands, kept together. */
const text = {
  opening: 'Generating the demo sessions…',
  opened: (count: number, dir: string) => `${sessionFolderText.demoTitle}: ${count} generated sessions in ${dir}, open in your browser (${sessionFolderText.demoNote}).`,
  openAgain: 'Open Again',
  close: 'Close Demo',
  failed: (why: string) => `Could not open the demo sessions: ${why}`,
  closed: 'The demo sessions are closed.',
  foldersTitle: 'Folders watched for pi sessions',
  foldersPlaceholder: 'Pick one to reveal it; pi fills them when you run `pi` in a project',
} as const;

interface RunningDemo {
  core: Core;
  url: string;
  sessionCount: number;
}

/**
 * "Open Demo Sessions": a demo store under the extension's globalStorage `demo/` folder, served
 * by a core and server of its own on a free loopback port and opened in the browser, where the
 * web client marks it "Demo sessions". The user's core, state and ~/.pi are not involved.
 * "Show Watched Session Folders" lists the user's folders and why each is watched.
 */
export function registerDemoCommands(context: vscode.ExtensionContext, core: Core, log: Logger): vscode.Disposable[] {
  let running: Promise<RunningDemo> | undefined;
  const webClientDir = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview').fsPath;

  const start = async (): Promise<RunningDemo> => {
    const store = writeDemoStore(vscode.Uri.joinPath(context.globalStorageUri, 'demo').fsPath);
    const demoCore = await openDemoCore(store, log, { moveToTrash: moveToTrashWithVscode });
    try {
      const supervisor = demoCore.register(new ServerSupervisor(demoCore, { explicit: () => ({ enabled: true, host: '127.0.0.1', port: 0 }), log, webClientDir }));
      const state = await supervisor.start();
      if (state.kind !== 'serving') throw new Error(state.kind === 'error' ? state.message : `the demo server is ${state.kind}`);
      void demoCore.start().catch((err) => log.error(`demo: ${describeError(err)}`));
      log.info(`demo: ${store.sessionCount} sessions in ${store.sessionsDir}, state in ${store.stateDir}, served at ${state.url}`);
      await vscode.commands.executeCommand('setContext', ContextKey.demoOpen, true);
      return { core: demoCore, url: `${state.url}/`, sessionCount: store.sessionCount };
    } catch (err) {
      await demoCore.dispose();
      throw err;
    }
  };

  const open = async () => {
    try {
      const demo = await (running ??= Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: text.opening }, start)));
      const external = await vscode.env.asExternalUri(vscode.Uri.parse(demo.url));
      await vscode.env.openExternal(external);
      const dir = vscode.Uri.joinPath(context.globalStorageUri, 'demo').fsPath;
      const choice = await vscode.window.showInformationMessage(text.opened(demo.sessionCount, dir), text.openAgain, text.close);
      if (choice === text.openAgain) await vscode.env.openExternal(external);
      else if (choice === text.close) await close();
    } catch (err) {
      running = undefined;
      void vscode.window.showErrorMessage(text.failed(describeError(err)));
    }
  };

  /** Stops the demo's server and core; its store stays for the next time. */
  const stop = async (): Promise<boolean> => {
    const demo = running;
    running = undefined;
    if (!demo) return false;
    await (await demo.catch(() => undefined))?.core.dispose();
    return true;
  };

  const close = async () => {
    if (!(await stop())) return;
    await vscode.commands.executeCommand('setContext', ContextKey.demoOpen, false);
    void vscode.window.showInformationMessage(text.closed);
  };

  const showFolders = async () => {
    const picked = await vscode.window.showQuickPick(
      core.sessionDirs().map((d) => ({ label: d.path, detail: describeSessionDir(d).slice(d.path.length + 1), dir: d })),
      { title: text.foldersTitle, placeHolder: text.foldersPlaceholder },
    );
    if (picked?.dir.exists) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(picked.dir.path));
  };

  return [
    vscode.commands.registerCommand(CommandId.openDemoSessions, open),
    vscode.commands.registerCommand(CommandId.closeDemoSessions, close),
    vscode.commands.registerCommand(CommandId.showSessionFolders, showFolders),
    { dispose: () => void stop() },
  ];
}
