import * as vscode from 'vscode';
import * as os from 'node:os';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';
import type { CommandName, PayloadOf, ReplyOf } from '../../shared/api/commands';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { SessionCatalog } from './sessionCatalog';
import { groupTreeItem, sessionTreeItem } from './treeItems';
import type { TreeFilter } from './treeFilter';
import type { TreeChange, SidebarNode } from './treeModel';
import type { TagListing } from '../../shared/model/tags';
import type { SessionsDiff } from '../../shared/model/events';
import type { LiveSession } from '../../shared/model/pi';

/** What session actions need from the list the tree holds. */
export interface SessionSource {
  list(): Promise<SessionInfo[]>;
  find(path: string): Promise<SessionInfo | undefined>;
  tags(): Promise<readonly TagListing[]>;
  /** Applies a change the user just made, before the core's event confirms it. */
  patch(path: string, fields: Partial<Pick<SessionInfo, 'favorite' | 'tag_ids' | 'name'>>): void;
  reloadTags(): Promise<void>;
  /** The live record of a session as the tree last heard it (pi has it open, or may have). */
  liveOf(path: string): LiveSession | undefined;
}

/**
 * Sessions grouped by project, favorites and tags. Loads once, then follows the core's
 * events and refreshes only what they touched; items carry stable ids, so a refresh keeps
 * what the user expanded.
 */
export class SessionTreeProvider implements vscode.TreeDataProvider<SidebarNode>, SessionSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SidebarNode | SidebarNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly catalog: SessionCatalog;
  private loading: Promise<void> | undefined;
  /** Diffs that arrive while a full load is in flight are applied after it, in order. */
  private pendingDiffs: SessionsDiff[] | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly core: Core,
    private readonly caller: Caller,
    private readonly log: vscode.LogOutputChannel,
    private readonly homeDir: string = os.homedir(),
  ) {
    this.catalog = new SessionCatalog({
      workspaceFolders: () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      now: () => Date.now(),
    });
    this.disposables.push(
      this.changed,
      core.bus.on('sessions-diff', (diff) => this.onDiff(diff)),
      core.bus.on('favorites-changed', (e) => this.patch(e.path, { favorite: e.favorite })),
      core.bus.on('tags-changed', () => void this.reloadTags()),
      core.bus.on('pi-live-changed', () => void this.reloadLive()),
      // A tree that loaded before the first scan could answer starts over once it has.
      core.bus.on('scan-progress', (e) => {
        if (e.finished && this.catalog.isLoaded && this.catalog.size === 0) void this.reload();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.fire({ root: true, groups: [], sessions: [] })),
    );
  }

  /** Loads everything again (the Refresh command). */
  reload(): Promise<void> {
    if (this.loading) return this.loading;
    this.pendingDiffs = [];
    this.loading = this.loadAll().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async loadAll(): Promise<void> {
    const [sessions] = await Promise.all([this.call('scan_sessions', {}), this.loadTags(), this.loadLive()]);
    this.catalog.replaceAll(sessions ?? []);
    const pending = this.pendingDiffs ?? [];
    this.pendingDiffs = undefined;
    for (const diff of pending) this.catalog.applyDiff(diff);
    this.changed.fire(undefined);
  }

  async getChildren(node?: SidebarNode): Promise<SidebarNode[]> {
    if (!this.catalog.isLoaded) await this.reload();
    return this.catalog.children(node);
  }

  getTreeItem(node: SidebarNode): vscode.TreeItem {
    const ctx = { catalog: this.catalog, homeDir: this.homeDir, now: Date.now() };
    return node.kind === 'group' ? groupTreeItem(node, ctx) : sessionTreeItem(node, ctx);
  }

  /** Lets `TreeView.reveal` walk up from a session row. */
  getParent(node: SidebarNode): SidebarNode | undefined {
    if (node.kind === 'session') return this.catalog.groupById(node.groupId);
    if (node.key.kind === 'tag') {
      const parentId = this.catalog.tag(node.key.tagId)?.parent_id;
      return parentId != null && this.catalog.tag(parentId) ? this.catalog.groupNode({ kind: 'tag', tagId: parentId }) : this.catalog.groupNode({ kind: 'tags' });
    }
    return undefined;
  }

  setFilter(filter: TreeFilter): void {
    this.fire(this.catalog.setFilter(filter));
  }

  async list(): Promise<SessionInfo[]> {
    if (!this.catalog.isLoaded) await this.reload();
    return this.catalog.all();
  }

  async find(path: string): Promise<SessionInfo | undefined> {
    if (!this.catalog.isLoaded) await this.reload();
    return this.catalog.session(path);
  }

  async tags(): Promise<readonly TagListing[]> {
    if (!this.catalog.isLoaded) await this.reload();
    return this.catalog.allTags();
  }

  patch(path: string, fields: Partial<Pick<SessionInfo, 'favorite' | 'tag_ids' | 'name'>>): void {
    this.fire(this.catalog.patch(path, fields));
  }

  liveOf(path: string): LiveSession | undefined {
    return this.catalog.liveOf(path);
  }

  async reloadTags(): Promise<void> {
    this.fire(await this.loadTags());
  }

  private async loadTags(): Promise<TreeChange> {
    const tags = await this.call('list_tags', {});
    return tags ? this.catalog.setTags(tags) : { root: false, groups: [], sessions: [] };
  }

  private async reloadLive(): Promise<void> {
    this.fire(await this.loadLive());
  }

  private async loadLive(): Promise<TreeChange> {
    const live = await this.call('get_pi_live_sessions', {});
    // A failed read keeps the marks the rows have rather than clearing them all.
    return live ? this.catalog.setLive(live) : { root: false, groups: [], sessions: [] };
  }

  private onDiff(diff: SessionsDiff): void {
    if (this.pendingDiffs) {
      this.pendingDiffs.push(diff);
      return;
    }
    if (!this.catalog.isLoaded) return;
    this.fire(this.catalog.applyDiff(diff));
  }

  private fire(change: TreeChange): void {
    if (change.root) {
      this.changed.fire(undefined);
      return;
    }
    const nodes: SidebarNode[] = [...change.groups, ...change.sessions];
    if (nodes.length > 0) this.changed.fire(nodes);
  }

  /** Dispatches a read; a failure is logged and the tree keeps what it has. */
  private async call<N extends CommandName>(command: N, payload: PayloadOf<N>): Promise<ReplyOf<N> | undefined> {
    const result = await this.core.dispatch(command, payload, this.caller);
    if (result.success) return result.data;
    this.log.warn(`tree: ${command} failed: ${result.error}`);
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
