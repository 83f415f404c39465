import type { SessionInfo } from '../../shared/model/sessionInfo';
import { isInWorkspace } from './sessionLabels';
import { matchesFilter, type TreeFilter } from './treeFilter';
import { groupIdOf, sessionNodeId, type GroupKey, type GroupNode, type SessionNode, type TreeChange, type SidebarNode } from './treeModel';
import type { TagListing } from '../../shared/model/tags';
import type { SessionsDiff } from '../../shared/model/events';
import type { LiveSession } from '../../shared/model/pi';
import { findLiveSession } from '../../shared/rules/liveLabels';

export interface CatalogOptions {
  workspaceFolders: () => readonly string[];
  now: () => number;
}

/**
 * The sessions the tree shows, grouped by project, favorites and tags. Pure data: the tree
 * provider asks it for children and for what a change touched, so that only those nodes
 * are refreshed and what the user expanded stays expanded.
 */
export class SessionCatalog {
  private readonly sessions = new Map<string, SessionInfo>();
  private readonly byCwd = new Map<string, Set<string>>();
  private tags: TagListing[] = [];
  /** Live sessions by path: what a row shows of them (mark, model, mode). */
  private live = new Map<string, LiveSession>();
  private filter: TreeFilter = {};
  private readonly groupNodes = new Map<string, GroupNode>();
  private readonly sessionNodes = new Map<string, SessionNode>();
  private loaded = false;

  constructor(private readonly options: CatalogOptions) {}

  get isLoaded(): boolean {
    return this.loaded;
  }

  get size(): number {
    return this.sessions.size;
  }

  get currentFilter(): TreeFilter {
    return this.filter;
  }

  session(path: string): SessionInfo | undefined {
    return this.sessions.get(path);
  }

  /** Every session, newest first. */
  all(): SessionInfo[] {
    return sortNewestFirst([...this.sessions.values()]);
  }

  allTags(): readonly TagListing[] {
    return this.tags;
  }

  tag(id: number): TagListing | undefined {
    return this.tags.find((t) => t.id === id);
  }

  isLive(path: string): boolean {
    return this.live.has(path);
  }

  /** The live record of a session, when pi has it open (or may have). */
  liveOf(path: string): LiveSession | undefined {
    return this.live.get(path);
  }

  projects(): string[] {
    return [...this.byCwd.keys()];
  }

  replaceAll(list: readonly SessionInfo[]): void {
    this.sessions.clear();
    this.byCwd.clear();
    for (const info of list) this.put(info);
    this.loaded = true;
    this.forgetUnusedSessionNodes();
  }

  applyDiff(diff: SessionsDiff): TreeChange {
    return this.track([...diff.added.map((i) => i.path), ...diff.updated.map((i) => i.path), ...diff.removed], () => {
      for (const removed of diff.removed) this.drop(removed);
      for (const info of [...diff.added, ...diff.updated]) this.put(info);
    });
  }

  /** Changes fields of one known session (e.g. the favorite flag the user just toggled). */
  patch(path: string, fields: Partial<Pick<SessionInfo, 'favorite' | 'tag_ids' | 'name'>>): TreeChange {
    const current = this.sessions.get(path);
    if (!current) return { root: false, groups: [], sessions: [] };
    return this.track([path], () => this.put({ ...current, ...fields }));
  }

  /**
   * Takes the answer of list_tags. The whole tree is refreshed only when the Tags group comes
   * or goes: otherwise the group's own subtree and the rows whose tooltips name a changed tag
   * are enough, and the other groups (and what the user is expanding there) are left alone.
   *
   * A listing that differs only in its counts refreshes nothing. A tag row's count comes from
   * the sessions, and `track` refreshes that row when a session joins or leaves it. A
   * refresh of the Tags group would also discard the tag rows it holds, and VS Code answers
   * a tag the user is expanding at that moment with no children, for good.
   */
  setTags(tags: readonly TagListing[]): TreeChange {
    const before = new Map(this.tags.map((t) => [t.id, t] as const));
    this.tags = [...tags].sort((a, b) => a.name.localeCompare(b.name));
    if ((before.size > 0) !== (this.tags.length > 0)) return { root: true, groups: [], sessions: [] };
    const after = new Map(this.tags.map((t) => [t.id, t] as const));
    const ids = new Set([...before.keys(), ...after.keys()]);
    const same = (a: TagListing | undefined, b: TagListing | undefined) => a?.name === b?.name && a?.parent_id === b?.parent_id;
    if ([...ids].every((id) => same(before.get(id), after.get(id)))) return { root: false, groups: [], sessions: [] };
    // A row's tooltip lists its tags by name; counts and colours are not on it.
    const renamed = new Set([...ids].filter((id) => before.get(id)?.name !== after.get(id)?.name));
    const rows = [...this.sessions.values()].filter((i) => i.tag_ids.some((id) => renamed.has(id))).flatMap((i) => this.nodesOfSession(i.path));
    return { root: false, groups: [this.groupNode({ kind: 'tags' })], sessions: rows };
  }

  /**
   * Takes the answer of get_pi_live_sessions. Only rows whose mark, model or mode changed are
   * refreshed; the groups stay as they are.
   */
  setLive(list: readonly LiveSession[]): TreeChange {
    const next = new Map<string, LiveSession>();
    for (const path of new Set(list.map((l) => l.session_path).filter((p): p is string => p !== null))) {
      next.set(path, findLiveSession(list, { paths: [path] })!);
    }
    const shown = (l: LiveSession | undefined) => (l ? JSON.stringify([l.heuristic, l.streaming, l.detected_by, l.bridge?.model, l.bridge?.thinking_level, l.bridge?.mode, l.pid]) : '');
    const changed = [...new Set([...next.keys(), ...this.live.keys()])].filter((p) => shown(next.get(p)) !== shown(this.live.get(p)));
    this.live = next;
    return { root: false, groups: [], sessions: changed.flatMap((p) => this.nodesOfSession(p)) };
  }

  setFilter(filter: TreeFilter): TreeChange {
    this.filter = { ...filter };
    return { root: true, groups: [], sessions: [] };
  }

  /** The top level: Favorites and Tags when there are any, then projects (workspace first, then newest). */
  rootGroups(): GroupNode[] {
    const visible = this.visibleSessions();
    const out: GroupNode[] = [];
    if (visible.some((i) => i.favorite)) out.push(this.groupNode({ kind: 'favorites' }));
    if (this.tags.length > 0) out.push(this.groupNode({ kind: 'tags' }));
    const newestByCwd = new Map<string, number>();
    for (const info of visible) {
      const t = Date.parse(info.modified) || 0;
      if (t > (newestByCwd.get(info.cwd) ?? -1)) newestByCwd.set(info.cwd, t);
    }
    const folders = this.options.workspaceFolders();
    const projects = [...newestByCwd.entries()].sort(([cwdA, a], [cwdB, b]) => {
      const wsA = isInWorkspace(cwdA, folders) ? 0 : 1;
      const wsB = isInWorkspace(cwdB, folders) ? 0 : 1;
      return wsA - wsB || b - a || cwdA.localeCompare(cwdB);
    });
    for (const [cwd] of projects) out.push(this.groupNode({ kind: 'project', cwd }));
    return out;
  }

  children(node: SidebarNode | undefined): SidebarNode[] {
    if (!node) return this.rootGroups();
    if (node.kind === 'session') return [];
    const key = node.key;
    switch (key.kind) {
      case 'favorites':
        return this.sessionRows(node, this.visibleSessions().filter((i) => i.favorite));
      case 'tags':
        return this.tagsUnder(null).map((t) => this.groupNode({ kind: 'tag', tagId: t.id }));
      case 'tag': {
        const childTags = this.tagsUnder(key.tagId).map((t) => this.groupNode({ kind: 'tag', tagId: t.id }));
        return [...childTags, ...this.sessionRows(node, this.visibleSessions().filter((i) => i.tag_ids.includes(key.tagId)))];
      }
      case 'project': {
        const paths = this.byCwd.get(key.cwd) ?? new Set<string>();
        const list = [...paths].map((p) => this.sessions.get(p)).filter((i): i is SessionInfo => i !== undefined && this.isVisible(i));
        return this.sessionRows(node, list);
      }
    }
  }

  /** How many visible sessions a group lists directly. */
  countIn(key: GroupKey): number {
    switch (key.kind) {
      case 'favorites':
        return this.visibleSessions().filter((i) => i.favorite).length;
      case 'tags':
        return this.tags.length;
      case 'tag':
        return this.visibleSessions().filter((i) => i.tag_ids.includes(key.tagId)).length;
      case 'project':
        return [...(this.byCwd.get(key.cwd) ?? [])].filter((p) => {
          const info = this.sessions.get(p);
          return info !== undefined && this.isVisible(info);
        }).length;
    }
  }

  /** The rows of one session, in every group that lists it. */
  nodesOfSession(path: string): SessionNode[] {
    return [...this.sessionNodes.values()].filter((n) => n.path === path);
  }

  groupNode(key: GroupKey): GroupNode {
    const id = groupIdOf(key);
    let node = this.groupNodes.get(id);
    if (!node) {
      node = { kind: 'group', id, key };
      this.groupNodes.set(id, node);
    }
    return node;
  }

  groupById(id: string): GroupNode | undefined {
    return this.groupNodes.get(id);
  }

  private sessionRows(group: GroupNode, list: SessionInfo[]): SessionNode[] {
    return sortNewestFirst(list).map((info) => this.sessionNode(group.id, info.path));
  }

  private sessionNode(groupId: string, path: string): SessionNode {
    const id = sessionNodeId(groupId, path);
    let node = this.sessionNodes.get(id);
    if (!node) {
      node = { kind: 'session', id, path, groupId };
      this.sessionNodes.set(id, node);
    }
    return node;
  }

  private tagsUnder(parent: number | null): TagListing[] {
    const known = new Set(this.tags.map((t) => t.id));
    // A tag whose parent is gone is shown at the top level rather than lost.
    return this.tags.filter((t) => (parent === null ? t.parent_id === null || !known.has(t.parent_id) : t.parent_id === parent));
  }

  private visibleSessions(): SessionInfo[] {
    return [...this.sessions.values()].filter((i) => this.isVisible(i));
  }

  private isVisible(info: SessionInfo): boolean {
    return matchesFilter(info, this.filter, this.options.now());
  }

  private put(info: SessionInfo): void {
    const previous = this.sessions.get(info.path);
    if (previous && previous.cwd !== info.cwd) this.byCwd.get(previous.cwd)?.delete(info.path);
    this.sessions.set(info.path, info);
    let set = this.byCwd.get(info.cwd);
    if (!set) {
      set = new Set();
      this.byCwd.set(info.cwd, set);
    }
    set.add(info.path);
  }

  private drop(path: string): void {
    const previous = this.sessions.get(path);
    if (!previous) return;
    this.sessions.delete(path);
    const set = this.byCwd.get(previous.cwd);
    set?.delete(path);
    if (set && set.size === 0) this.byCwd.delete(previous.cwd);
  }

  /** Group ids a session is listed under (none when the filter hides it). */
  private membership(info: SessionInfo | undefined): string[] {
    if (!info || !this.isVisible(info)) return [];
    const ids = [groupIdOf({ kind: 'project', cwd: info.cwd })];
    if (info.favorite) ids.push(groupIdOf({ kind: 'favorites' }));
    for (const tagId of info.tag_ids) ids.push(groupIdOf({ kind: 'tag', tagId }));
    return ids;
  }

  /**
   * Runs a mutation and works out what it touched: the root when the top-level groups
   * changed, a group when its members or their order changed, otherwise just the rows.
   */
  private track(paths: readonly string[], mutate: () => void): TreeChange {
    const rootBefore = this.rootGroups().map((g) => g.id).join('\n');
    const before = new Map(paths.map((p) => [p, this.sessions.get(p)] as const));
    mutate();
    const rootAfter = this.rootGroups().map((g) => g.id).join('\n');
    if (rootBefore !== rootAfter) {
      this.forgetUnusedSessionNodes();
      return { root: true, groups: [], sessions: [] };
    }
    const groupIds = new Set<string>();
    const rows = new Set<SessionNode>();
    for (const [path, old] of before) {
      const now = this.sessions.get(path);
      const was = this.membership(old);
      const is = this.membership(now);
      const moved = old?.modified !== now?.modified;
      for (const id of was) if (!is.includes(id) || moved) groupIds.add(id);
      for (const id of is) if (!was.includes(id) || moved) groupIds.add(id);
      for (const id of is) if (was.includes(id) && !moved) rows.add(this.sessionNode(id, path));
    }
    if (paths.some((p) => !this.sessions.has(p))) this.forgetUnusedSessionNodes();
    return {
      root: false,
      groups: [...groupIds].map((id) => this.groupNodes.get(id)).filter((g): g is GroupNode => g !== undefined),
      sessions: [...rows],
    };
  }

  private forgetUnusedSessionNodes(): void {
    for (const [id, node] of this.sessionNodes) if (!this.sessions.has(node.path)) this.sessionNodes.delete(id);
  }
}

function sortNewestFirst(list: SessionInfo[]): SessionInfo[] {
  return list.sort((a, b) => (Date.parse(b.modified) || 0) - (Date.parse(a.modified) || 0) || a.path.localeCompare(b.path));
}
