import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';
import type { SessionInfo } from '../../core/sessions/sessionInfo';
import type { IDisposable } from '../../core/lifecycle';

type Node = { kind: 'project'; cwd: string; sessions: SessionInfo[] } | { kind: 'session'; info: SessionInfo };

/** Sessions grouped by project, newest first; fed by `scan_sessions` and `sessions-diff`. */
export class SessionTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private sessions: SessionInfo[] | undefined;
  private readonly subscription: IDisposable;

  constructor(
    private readonly core: Core,
    private readonly caller: Caller,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = core.bus.on('sessions-diff', () => void this.reload());
  }

  async reload(): Promise<void> {
    const result = await this.core.dispatch('scan_sessions', {}, this.caller);
    if (result.success) {
      this.sessions = result.data as SessionInfo[];
    } else {
      if (result.code !== 'not_available') this.log.warn(`tree: scan_sessions failed: ${result.error}`);
      this.sessions = [];
    }
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      if (!this.sessions) await this.reload();
      const byCwd = new Map<string, SessionInfo[]>();
      for (const s of this.sessions ?? []) byCwd.set(s.cwd, [...(byCwd.get(s.cwd) ?? []), s]);
      return [...byCwd.entries()].map(([cwd, sessions]) => ({ kind: 'project', cwd, sessions }));
    }
    return node.kind === 'project' ? node.sessions.map((info) => ({ kind: 'session', info })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'project') {
      const item = new vscode.TreeItem(path.basename(node.cwd) || node.cwd, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.sessions.length}`;
      item.tooltip = node.cwd;
      item.iconPath = new vscode.ThemeIcon('folder');
      return item;
    }
    const item = new vscode.TreeItem(node.info.name ?? node.info.first_message, vscode.TreeItemCollapsibleState.None);
    item.description = `${node.info.message_count} msgs`;
    item.tooltip = node.info.path;
    item.iconPath = new vscode.ThemeIcon('comment-discussion');
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
