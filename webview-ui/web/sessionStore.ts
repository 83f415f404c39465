import type { LiveSession } from '../../src/shared/model/pi';
import { findLiveSession } from '../../src/shared/rules/liveLabels';
import type { SessionInfo } from '../../src/shared/model/sessionInfo';
import type { HttpBridge } from '../shared/httpBridge';
import type { ApiFailure } from '../../src/shared/api/envelope';
import type { SessionsDiff } from '../../src/shared/model/events';
import type { TagListing } from '../../src/shared/model/tags';
import type { SessionDir } from '../../src/shared/model/sessionDirs';
import { parseSessionsDiff } from '../shared/sessionView/sessionData';


function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}



/**
 * The sessions and tags the screens show, loaded once and kept current by the event stream
 * (`sessions-diff`), so the list, the session screen and their actions agree with each other.
 */
export class SessionStore {
  private readonly sessions = new Map<string, SessionInfo>();
  private tagList: TagListing[] = [];
  private dirList: SessionDir[] = [];
  /** Sessions pi has open now (or may have), from get_pi_live_sessions. */
  private liveList: LiveSession[] = [];
  private loaded = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly bridge: HttpBridge) {
    bridge.onEvent((name, payload) => this.onEvent(name, payload));
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get tags(): readonly TagListing[] {
    return this.tagList;
  }

  /** The folders the server watches, with why; what an empty list explains. */
  get dirs(): readonly SessionDir[] {
    return this.dirList;
  }

  all(): SessionInfo[] {
    return [...this.sessions.values()];
  }

  get(path: string): SessionInfo | undefined {
    return this.sessions.get(path);
  }

  liveOf(path: string): LiveSession | null {
    return findLiveSession(this.liveList, { paths: [path] });
  }

  /** Asks which sessions are live; the list shows a mark on them. */
  async reloadLive(): Promise<void> {
    const live = await this.bridge.call('get_pi_live_sessions', {});
    if (!live.success) return;
    const before = JSON.stringify(this.liveList);
    this.liveList = live.data;
    if (JSON.stringify(this.liveList) !== before) this.notify();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Loads every session and tag; resolves with the failed envelope, if any. */
  async reload(): Promise<ApiFailure | null> {
    const [sessions, tags, dirs] = await Promise.all([
      this.bridge.call('scan_sessions', {}),
      this.bridge.call('list_tags', {}),
      this.bridge.call('get_all_session_dirs', { detailed: true }),
    ]);
    void this.reloadLive();
    if (!sessions.success) return sessions;
    if (dirs.success) this.dirList = dirs.data.filter((d): d is SessionDir => typeof d === 'object');
    const before = new Map(this.sessions);
    const wasLoaded = this.loaded;
    this.sessions.clear();
    for (const info of sessions.data) this.sessions.set(info.path, info);
    if (tags.success) this.setTags(tags.data);
    this.loaded = true;
    this.notify();
    // After a gap in the event stream, what changed meanwhile is announced as the server
    // would have, so an open session also reads what was appended.
    if (wasLoaded) {
      const diff = diffSessions(before, this.sessions);
      if (diff.added.length + diff.updated.length + diff.removed.length > 0) this.bridge.deliver('sessions-diff', diff);
    }
    return null;
  }

  async reloadTags(): Promise<void> {
    const tags = await this.bridge.call('list_tags', {});
    if (tags.success) {
      this.setTags(tags.data);
      this.notify();
    }
  }

  /** Applies a changed session at once (an action's reply), before its event arrives. */
  update(info: SessionInfo): void {
    this.sessions.set(info.path, info);
    this.notify();
  }

  patch(path: string, changes: Partial<SessionInfo>): void {
    const info = this.sessions.get(path);
    if (info) this.update({ ...info, ...changes });
  }

  remove(path: string): void {
    if (this.sessions.delete(path)) this.notify();
  }

  private setTags(tags: TagListing[]): void {
    this.tagList = tags;
  }

  private onEvent(name: string, payload: unknown): void {
    if (name === 'resync') {
      void this.reload();
      return;
    }
    if (name === 'pi-live-changed') {
      void this.reloadLive();
      return;
    }
    if (name === 'tags-changed') {
      void this.reloadTags();
      return;
    }
    if (name === 'favorites-changed' && isObject(payload) && typeof payload.path === 'string' && typeof payload.favorite === 'boolean') {
      this.patch(payload.path, { favorite: payload.favorite });
      return;
    }
    const diff = name === 'sessions-diff' ? parseSessionsDiff(payload) : null;
    if (!diff) return;
    for (const info of [...diff.added, ...diff.updated]) this.sessions.set(info.path, info);
    for (const path of diff.removed) this.sessions.delete(path);
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function diffSessions(before: ReadonlyMap<string, SessionInfo>, after: ReadonlyMap<string, SessionInfo>): SessionsDiff {
  const added: SessionInfo[] = [];
  const updated: SessionInfo[] = [];
  for (const [path, info] of after) {
    const old = before.get(path);
    if (!old) added.push(info);
    else if (old.size_bytes !== info.size_bytes || old.modified !== info.modified || old.name !== info.name) updated.push(info);
  }
  const removed = [...before.keys()].filter((path) => !after.has(path));
  return { added, updated, removed };
}
