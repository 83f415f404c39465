import type { SqliteFile } from '../state/sqliteFile';
import type { SessionInfo } from '../../shared/model/sessionInfo';

export const scanCacheMigrations: readonly string[] = [
  `
  CREATE TABLE files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    offset INTEGER NOT NULL,
    info TEXT NOT NULL,
    snapshot TEXT NOT NULL
  );
  `,
  // pi 1.6 changed what a session costs and added pi_message_count: every file is read again.
  `DELETE FROM files;`,
];

export interface CachedFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Bytes parsed so far: a file that only grew is read from here. */
  offset: number;
  /** null for a file that is not a session (kept so it is not parsed again until it changes). */
  info: SessionInfo | null;
  snapshot: unknown;
}

/**
 * Derived per-file data (SessionInfo and the summary state needed to continue a tail read),
 * keyed by path and checked against size + mtime. It can be deleted at any time.
 */
export class ScanCache {
  constructor(private readonly db: SqliteFile) {}

  loadAll(): Map<string, CachedFile> {
    const out = new Map<string, CachedFile>();
    for (const row of this.db.all<{ path: string; size: number; mtime_ms: number; offset: number; info: string; snapshot: string }>(
      'SELECT path, size, mtime_ms, offset, info, snapshot FROM files',
    )) {
      try {
        out.set(row.path, {
          path: row.path,
          size: row.size,
          mtimeMs: row.mtime_ms,
          offset: row.offset,
          info: JSON.parse(row.info) as SessionInfo | null,
          snapshot: JSON.parse(row.snapshot) as unknown,
        });
      } catch {
        // A damaged row only costs a re-parse of that file.
      }
    }
    return out;
  }

  put(entry: CachedFile): void {
    this.db.run('INSERT OR REPLACE INTO files (path, size, mtime_ms, offset, info, snapshot) VALUES (?, ?, ?, ?, ?, ?)', [
      entry.path,
      entry.size,
      entry.mtimeMs,
      entry.offset,
      JSON.stringify(entry.info),
      JSON.stringify(entry.snapshot),
    ]);
    this.db.markDirty();
  }

  delete(path: string): void {
    this.db.run('DELETE FROM files WHERE path = ?', [path]);
    this.db.markDirty();
  }

  flush(): Promise<void> {
    return this.db.flush();
  }
}
