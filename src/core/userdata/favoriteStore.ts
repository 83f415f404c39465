import type { EventBus } from '../events';
import type { SqliteFile } from '../state/sqliteFile';
import { DbDerived } from './dbDerived';
import { findSession, pathsByKey, sessionKey, unknownSession, type SessionLookup } from './sessionLookup';
import type { FavoriteState } from '../../shared/model/tags';

export interface FavoriteStoreDeps {
  db: SqliteFile;
  sessions: SessionLookup;
  bus: EventBus;
  now?: () => Date;
}

/**
 * Favorite sessions, stored by session id with the last known path, so a favorite follows
 * its session when the file moves.
 */
export class FavoriteStore {
  private readonly keys: DbDerived<Set<string>>;

  constructor(private readonly deps: FavoriteStoreDeps) {
    this.keys = new DbDerived(deps.db, () => new Set(deps.db.all<{ session_id: string }>('SELECT session_id FROM favorites').map((r) => r.session_id)));
  }

  isFavorite(key: string): boolean {
    return this.keys.get().has(key);
  }

  /**
   * Paths of favorite sessions, oldest favorite first: the session's current path when the
   * index knows it (it may have moved), else the path it had when last seen.
   */
  list(): string[] {
    const rows = this.deps.db.all<{ session_id: string; session_path: string }>('SELECT session_id, session_path FROM favorites ORDER BY created_at, rowid');
    if (rows.length === 0) return [];
    const current = pathsByKey(this.deps.sessions);
    const out: string[] = [];
    for (const row of rows) {
      const paths = current.get(row.session_id);
      if (paths) out.push(...paths);
      else out.push(row.session_path);
    }
    return [...new Set(out)];
  }

  /** Flips the favorite flag, or sets it when `favorite` is given; returns the new state. */
  async toggle(file: string, favorite?: boolean): Promise<FavoriteState> {
    await this.deps.sessions.ready();
    const info = findSession(this.deps.sessions, file);
    const key = info ? sessionKey(info) : this.keyByStoredPath(file);
    // Only a session that is gone but still listed may be toggled (off) by its old path.
    if (key === undefined) throw unknownSession('path', file);
    const shownPath = info?.path ?? file;
    const createdAt = (this.deps.now?.() ?? new Date()).toISOString();
    const { db } = this.deps;
    const { state, changed } = await db.mutate(() => {
      const was = db.get('SELECT 1 AS x FROM favorites WHERE session_id = ?', [key]) !== undefined;
      const next = favorite ?? !was;
      if (next === was) {
        if (next && info) db.run('UPDATE favorites SET session_path = ? WHERE session_id = ?', [info.path, key]);
        return { state: next, changed: false };
      }
      if (next) {
        if (!info) return { state: false, changed: false };
        db.run('INSERT INTO favorites (session_id, session_path, created_at) VALUES (?, ?, ?)', [key, info.path, createdAt]);
      } else {
        db.run('DELETE FROM favorites WHERE session_id = ?', [key]);
      }
      return { state: next, changed: true };
    });
    this.keys.invalidate();
    if (changed) {
      for (const p of pathsByKey(this.deps.sessions).get(key) ?? []) this.deps.sessions.touch(p);
      this.deps.bus.publish('favorites-changed', { path: shownPath, favorite: state });
    }
    return { path: shownPath, favorite: state };
  }

  /** Removes a session's favorite; runs inside the caller's `mutate`. */
  forgetWithinMutation(key: string): boolean {
    const was = this.deps.db.get('SELECT 1 AS x FROM favorites WHERE session_id = ?', [key]) !== undefined;
    if (was) this.deps.db.run('DELETE FROM favorites WHERE session_id = ?', [key]);
    return was;
  }

  invalidate(): void {
    this.keys.invalidate();
  }

  private keyByStoredPath(file: string): string | undefined {
    return this.deps.db.get<{ session_id: string }>('SELECT session_id FROM favorites WHERE session_path = ? LIMIT 1', [file])?.session_id;
  }
}
