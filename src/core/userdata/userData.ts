import type { EventBus } from '../events';
import type { SqliteFile } from '../state/sqliteFile';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { FavoriteStore } from './favoriteStore';
import { TagStore } from './tagStore';
import { keyFor, type SessionLookup } from './sessionLookup';

export interface UserDataDeps {
  /** The user-data database (`state.db`). */
  db: SqliteFile;
  /** The session index; may be created after this object as long as it exists before first use. */
  sessions: SessionLookup;
  bus: EventBus;
  now?: () => Date;
}

/**
 * Tags and favorites together, plus what the session index and the delete command need:
 * `decorate` adds `tag_ids`/`favorite` to a SessionInfo, `forgetSession` drops a deleted
 * session's records.
 */
export class UserData {
  readonly tags: TagStore;
  readonly favorites: FavoriteStore;

  constructor(private readonly deps: UserDataDeps) {
    this.tags = new TagStore(deps);
    this.favorites = new FavoriteStore(deps);
  }

  /** Counts and current paths are only meaningful once the first scan has finished. */
  sessionsReady(): Promise<void> {
    return this.deps.sessions.ready();
  }

  /** A copy of `info` with its tag ids (sorted) and favorite flag; O(1) per session. */
  decorate(info: SessionInfo): SessionInfo {
    const key = keyFor(info.id, info.path);
    return { ...info, tag_ids: [...this.tags.tagIdsFor(key)], favorite: this.favorites.isFavorite(key) };
  }

  /**
   * Removes the tag assignments and favorite of a deleted session. When another file still
   * carries the same session id (a copy), the records stay: they belong to that file too.
   */
  async forgetSession(id: string, file: string): Promise<{ tags_removed: number; was_favorite: boolean }> {
    const key = keyFor(id, file);
    const shared = id !== '' && this.deps.sessions.all().some((i) => i.id === id && i.path !== file);
    if (shared) return { tags_removed: 0, was_favorite: false };
    const outcome = await this.deps.db.mutate(() => ({
      tags_removed: this.tags.forgetWithinMutation(key),
      was_favorite: this.favorites.forgetWithinMutation(key),
    }));
    this.tags.invalidate();
    this.favorites.invalidate();
    if (outcome.tags_removed > 0) this.deps.bus.publish('tags-changed', { reason: 'session-deleted' });
    if (outcome.was_favorite) this.deps.bus.publish('favorites-changed', { path: file, favorite: false });
    return outcome;
  }
}
