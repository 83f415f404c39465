import type { SessionInfo } from '../../src/core/sessions/sessionInfo';
import type { HttpBridge } from '../shared/httpBridge';
import type { DispatchEnvelope } from '../shared/protocol';

export interface TagInfo {
  id: number;
  name: string;
  color: string | null;
  parent_id: number | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function asInfo(value: unknown): SessionInfo | null {
  return isObject(value) && typeof value.path === 'string' && typeof value.modified === 'string' ? (value as unknown as SessionInfo) : null;
}

function asTag(value: unknown): TagInfo | null {
  if (!isObject(value) || typeof value.id !== 'number' || typeof value.name !== 'string') return null;
  return { id: value.id, name: value.name, color: typeof value.color === 'string' ? value.color : null, parent_id: typeof value.parent_id === 'number' ? value.parent_id : null };
}

/**
 * The sessions and tags the screens show, loaded once and kept current by the event stream
 * (`sessions-diff`), so the list, the session screen and their actions agree with each other.
 */
export class SessionStore {
  private readonly sessions = new Map<string, SessionInfo>();
  private tagList: TagInfo[] = [];
  private loaded = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly bridge: HttpBridge) {
    bridge.onEvent((name, payload) => this.onEvent(name, payload));
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get tags(): readonly TagInfo[] {
    return this.tagList;
  }

  all(): SessionInfo[] {
    return [...this.sessions.values()];
  }

  get(path: string): SessionInfo | undefined {
    return this.sessions.get(path);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Loads every session and tag; resolves with the failed envelope, if any. */
  async reload(): Promise<DispatchEnvelope | null> {
    const [sessions, tags] = await Promise.all([this.bridge.call('scan_sessions', {}), this.bridge.call('list_tags', {})]);
    if (!sessions.success) return sessions;
    const before = new Map(this.sessions);
    const wasLoaded = this.loaded;
    this.sessions.clear();
    for (const item of Array.isArray(sessions.data) ? sessions.data : []) {
      const info = asInfo(item);
      if (info) this.sessions.set(info.path, info);
    }
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

  private setTags(data: unknown): void {
    this.tagList = (Array.isArray(data) ? data : []).map(asTag).filter((t): t is TagInfo => t !== null);
  }

  private onEvent(name: string, payload: unknown): void {
    if (name === 'resync') {
      void this.reload();
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
    if (name !== 'sessions-diff' || !isObject(payload)) return;
    const changed = [...(Array.isArray(payload.added) ? payload.added : []), ...(Array.isArray(payload.updated) ? payload.updated : [])];
    for (const item of changed) {
      const info = asInfo(item);
      if (info) this.sessions.set(info.path, info);
    }
    for (const path of Array.isArray(payload.removed) ? payload.removed : []) {
      if (typeof path === 'string') this.sessions.delete(path);
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function diffSessions(before: ReadonlyMap<string, SessionInfo>, after: ReadonlyMap<string, SessionInfo>): { added: SessionInfo[]; updated: SessionInfo[]; removed: string[] } {
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
