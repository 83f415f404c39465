import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import type { PageCommand } from '../../shared/webviewProtocol';
import { describeError } from '../../core/log';
import { CommandId, WebviewType } from '../ids';
import { pathOf } from '../actions/sessionTarget';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import { WebviewPage } from './webviewHost';

/** What the viewer page starts with and saves (`SessionViewState` on the page side). */
interface ViewerState {
  path: string;
  entryId?: string;
}

function isViewerState(value: unknown): value is ViewerState {
  return typeof value === 'object' && value !== null && typeof (value as { path?: unknown }).path === 'string';
}

/**
 * `openSession` is called with `{path, entryId?}` (search hits, tree rows), a tree node (menus;
 * some carry the session as `info`), a path string or a file URI.
 */
export function viewerTarget(arg: unknown): ViewerState | undefined {
  const info = typeof arg === 'object' && arg !== null ? (arg as { info?: { path?: unknown } }).info : undefined;
  const sessionPath = typeof info?.path === 'string' && info.path ? info.path : pathOf(arg);
  if (sessionPath === undefined) return undefined;
  const raw = typeof arg === 'object' && arg !== null ? (arg as { entryId?: unknown; entry_id?: unknown }) : {};
  const entryId = typeof raw.entryId === 'string' ? raw.entryId : typeof raw.entry_id === 'string' ? raw.entry_id : undefined;
  return entryId ? { path: sessionPath, entryId } : { path: sessionPath };
}

/** One path per file however it was written, so a session never gets two panels. */
async function canonicalPath(p: string): Promise<string> {
  const resolved = path.resolve(p);
  try {
    return await fs.promises.realpath(resolved);
  } catch {
    return resolved;
  }
}

/** The file's growth, and pi's live state and answer as it streams (for the live header and prompt box). */
const subscribedEvents = ['sessions-diff', 'pi-live-event', 'pi-live-changed'] as const;

class ViewerPanel implements vscode.Disposable {
  readonly page: WebviewPage;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly deletedSuffix = vscode.l10n.t(' (deleted)');

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly sessionPath: string,
    entryId: string | undefined,
    private readonly owner: SessionViewerPanels,
  ) {
    panel.iconPath = vscode.Uri.joinPath(owner.extensionUri, 'media', 'pi-sessions.svg');
    panel.title = path.basename(sessionPath, '.jsonl');
    const initialState: ViewerState = entryId ? { path: sessionPath, entryId } : { path: sessionPath };
    this.page = new WebviewPage(panel.webview, owner.extensionUri, owner.core, owner.caller, {
      bundle: 'viewer',
      title: panel.title,
      initialState,
      events: subscribedEvents,
      agent: true,
      onCommand: (command) => void this.onCommand(command),
    });
    this.disposables.push(
      this.page,
      owner.core.bus.on('sessions-diff', (diff) => {
        if (diff.removed.includes(sessionPath) && !panel.title.endsWith(this.deletedSuffix)) panel.title += this.deletedSuffix;
        const updated = diff.updated.find((i) => i.path === sessionPath);
        if (updated) this.setTitle(updated);
      }),
    );
    void this.loadTitle();
  }

  show(entryId: string | undefined, preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
    if (entryId) this.page.post({ kind: 'host', method: 'show-session', params: { path: this.sessionPath, entry_id: entryId } });
  }

  private async loadTitle(): Promise<void> {
    await this.owner.core.sessionsReady();
    const info = this.owner.core.sessions.get(this.sessionPath);
    if (info) this.setTitle(info);
  }

  private setTitle(info: SessionInfo): void {
    this.panel.title = sessionTitle(info);
  }

  private async onCommand(command: PageCommand): Promise<void> {
    switch (command.method) {
      case 'open-file':
        await openFileFromPage(command.params.path, command.params.line, this.owner.log);
        return;
      case 'open-session':
        await vscode.commands.executeCommand(CommandId.openSession, { path: command.params.path, entryId: command.params.entry_id });
        return;
      case 'ready':
      case 'persist-state':
        // VS Code keeps the page's own setState for the serializer; nothing else to store.
        return;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/**
 * Files named in tool calls open in the editor beside the viewer. Only absolute paths of
 * existing files: the page renders transcript text, which may name anything.
 */
async function openFileFromPage(filePath: string, line: number | undefined, log: vscode.LogOutputChannel): Promise<void> {
  if (!path.isAbsolute(filePath)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Cannot open {0}: the path is not absolute.', filePath));
    return;
  }
  let isFile = false;
  try {
    isFile = (await fs.promises.stat(filePath)).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} does not exist (any more).', filePath));
    return;
  }
  const position = line !== undefined && Number.isInteger(line) && line > 0 ? new vscode.Position(line - 1, 0) : undefined;
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(filePath), {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
      selection: position ? new vscode.Range(position, position) : undefined,
    });
  } catch (err) {
    log.warn(`could not open ${filePath}: ${describeError(err)}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Could not open {0}.', filePath));
  }
}

/** One viewer panel per session file: opening it again reveals the panel. */
class SessionViewerPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ViewerPanel>();

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly core: Core,
    readonly caller: Caller,
    readonly log: vscode.LogOutputChannel,
  ) {}

  async open(arg: unknown): Promise<void> {
    const target = viewerTarget(arg) ?? (await this.pickSession());
    if (!target) return;
    // A click in the tree previews the session and leaves the keyboard in the tree, as the
    // explorer does; commands from the palette or search move focus to the viewer.
    const preserveFocus = typeof arg === 'object' && arg !== null && (arg as { preserveFocus?: unknown }).preserveFocus === true;
    const sessionPath = await canonicalPath(target.path);
    const existing = this.panels.get(sessionPath);
    if (existing) {
      existing.show(target.entryId, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(WebviewType.viewer, path.basename(sessionPath), { viewColumn: vscode.ViewColumn.Active, preserveFocus }, {
      enableScripts: true,
      enableFindWidget: false,
      // Re-rendering a long conversation on every tab switch would lose scroll and find state.
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    });
    this.adopt(panel, sessionPath, target.entryId);
  }

  /** Called by the serializer after a reload with the state the page saved. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isViewerState(state)) {
      panel.dispose();
      return;
    }
    const sessionPath = await canonicalPath(state.path);
    if (this.panels.has(sessionPath)) {
      panel.dispose();
      return;
    }
    this.adopt(panel, sessionPath, state.entryId);
  }

  private adopt(panel: vscode.WebviewPanel, sessionPath: string, entryId: string | undefined): void {
    const viewer = new ViewerPanel(panel, sessionPath, entryId, this);
    this.panels.set(sessionPath, viewer);
    panel.onDidDispose(() => {
      viewer.dispose();
      if (this.panels.get(sessionPath) === viewer) this.panels.delete(sessionPath);
    });
  }

  private async pickSession(): Promise<ViewerState | undefined> {
    const result = await this.core.dispatch('scan_sessions', {}, this.caller);
    const sessions = result.success ? result.data : [];
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No pi sessions found.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      sessions.map((info) => ({ label: sessionTitle(info), description: info.cwd, path: info.path })),
      { title: vscode.l10n.t('Open Session in Viewer'), matchOnDescription: true },
    );
    return picked ? { path: picked.path } : undefined;
  }

  dispose(): void {
    for (const viewer of [...this.panels.values()]) viewer.panel.dispose();
    this.panels.clear();
  }
}

/** `piSessions.openSession` and the serializer that brings viewer panels back after a reload. */
export function registerSessionViewer(context: vscode.ExtensionContext, core: Core, caller: Caller, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const panels = new SessionViewerPanels(context.extensionUri, core, caller, log);
  return [
    panels,
    vscode.commands.registerCommand(CommandId.openSession, (arg?: unknown) => panels.open(arg)),
    vscode.window.registerWebviewPanelSerializer(WebviewType.viewer, {
      deserializeWebviewPanel: (panel, state: unknown) => panels.restore(panel, state),
    }),
  ];
}
