import * as vscode from 'vscode';
import type { Core } from '../core/core';
import { describeError } from '../core/log';
import { localUserCaller } from '../core/api/callers';
import { writeDemoStore } from '../core/demo/demoStore';
import { openDemoCore } from '../core/demo/demoCore';
import { ServerSupervisor } from '../server/serverSupervisor';
import { describeSessionDir, sessionFolderText } from '../shared/rules/sessionFolders';
import { sessionHref } from '../shared/webClientLinks';
import { CommandId, ContextKey, ViewId } from './ids';
import { moveToTrashWithVscode } from './vscodeTrash';
import { loggerFromChannel } from './vscodeLogger';
import { SessionTreeProvider } from './tree/sessionTreeProvider';
import type { SidebarNode } from './tree/treeModel';

/** User-visible text of the demo and folder commands, kept together. */
const text = {
  opening: () => vscode.l10n.t('Generating the demo sessions…'),
  opened: (count: number, dir: string) => vscode.l10n.t('{0}: {1} generated sessions in {2}, open in your browser ({3}).', sessionFolderText.demoTitle, count, dir, sessionFolderText.demoNote),
  openAgain: () => vscode.l10n.t('Open Again'),
  close: () => vscode.l10n.t('Close Demo'),
  failed: (why: string) => vscode.l10n.t('Could not open the demo sessions: {0}', why),
  closed: () => vscode.l10n.t('The demo sessions are closed.'),
  foldersTitle: () => vscode.l10n.t('Folders watched for pi sessions'),
  foldersPlaceholder: () => vscode.l10n.t('Pick one to reveal it; pi fills them when you run `pi` in a project'),
  treeDescription: () => vscode.l10n.t('generated, not your pi sessions'),
  treeMessage: (count: number, dir: string) => vscode.l10n.t('{0} generated sessions in {1}. A click opens one in the browser.', count, dir),
  openInBrowser: () => vscode.l10n.t('Open in the Browser'),
} as const;

interface RunningDemo {
  core: Core;
  url: string;
  sessionCount: number;
}

/**
 * The demo's own tree ("Demo sessions" in the sidebar), over the demo core. Its rows open in
 * the demo's web client: the editor's viewer and actions belong to the user's sessions.
 */
function demoTree(core: Core, channel: vscode.LogOutputChannel, url: string, count: number, dir: string): vscode.Disposable {
  const provider = new SessionTreeProvider(core, localUserCaller('ui'), channel);
  const treeDataProvider: vscode.TreeDataProvider<SidebarNode> = {
    onDidChangeTreeData: provider.onDidChangeTreeData,
    getChildren: (node) => provider.getChildren(node),
    getParent: (node) => provider.getParent(node),
    getTreeItem: (node) => {
      const item = provider.getTreeItem(node);
      item.contextValue = undefined;
      if (node.kind === 'session') item.command = { command: CommandId.openDemoSessions, title: text.openInBrowser(), arguments: [`${url}${sessionHref(node.path)}`] };
      return item;
    },
  };
  const view = vscode.window.createTreeView<SidebarNode>(ViewId.demo, { treeDataProvider, showCollapseAll: true });
  view.title = sessionFolderText.demoTitle;
  view.description = text.treeDescription();
  view.message = text.treeMessage(count, dir);
  return vscode.Disposable.from(view, provider);
}

/**
 * "Open Demo Sessions": a demo store under the extension's globalStorage `demo/` folder, served
 * by a core and server of its own on a free loopback port, listed in a "Demo sessions" tree and
 * opened in the browser, where the web client marks it "Demo sessions" too. The user's core,
 * state and ~/.pi are not involved.
 * "Show Watched Session Folders" lists the user's folders and why each is watched.
 */
export function registerDemoCommands(context: vscode.ExtensionContext, core: Core, channel: vscode.LogOutputChannel): vscode.Disposable[] {
  const log = loggerFromChannel(channel);
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
      demoCore.register(demoTree(demoCore, channel, `${state.url}/`, store.sessionCount, store.root));
      await vscode.commands.executeCommand('setContext', ContextKey.demoOpen, true);
      return { core: demoCore, url: `${state.url}/`, sessionCount: store.sessionCount };
    } catch (err) {
      await demoCore.dispose();
      throw err;
    }
  };

  /** Opens the demo (starting it first if needed) in the browser, at `address` when a tree row gives one. */
  const open = async (address?: unknown) => {
    let demo: RunningDemo;
    try {
      demo = await (running ??= Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: text.opening() }, start)));
    } catch (err) {
      // Only a failed start is forgotten; a running demo stays until it is closed.
      running = undefined;
      void vscode.window.showErrorMessage(text.failed(describeError(err)));
      return;
    }
    try {
      const target = typeof address === 'string' && address.startsWith(demo.url) ? address : demo.url;
      const external = await vscode.env.asExternalUri(vscode.Uri.parse(target));
      await vscode.env.openExternal(external);
      if (target !== demo.url) return;
      void vscode.commands.executeCommand(`${ViewId.demo}.focus`);
      const dir = vscode.Uri.joinPath(context.globalStorageUri, 'demo').fsPath;
      const [openAgain, closeDemo] = [text.openAgain(), text.close()];
      const choice = await vscode.window.showInformationMessage(text.opened(demo.sessionCount, dir), openAgain, closeDemo);
      if (choice === openAgain) await vscode.env.openExternal(external);
      else if (choice === closeDemo) await close();
    } catch (err) {
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
    void vscode.window.showInformationMessage(text.closed());
  };

  const showFolders = async () => {
    const picked = await vscode.window.showQuickPick(
      core.sessionDirs().map((d) => ({ label: d.path, detail: describeSessionDir(d).slice(d.path.length + 1), dir: d })),
      { title: text.foldersTitle(), placeHolder: text.foldersPlaceholder() },
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
