import type { Row, SqliteFile } from '../../state/sqliteFile';
import type { SessionInfo } from '../../../shared/model/sessionInfo';

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
}

/** A row as stored: `info` is the SessionInfo's JSON text. */
export interface StoredRow {
  path: string;
  size: number;
  mtime_ms: number;
  offset: number;
  info: string;
}

/** Adds stored rows to the map the session index keeps; a damaged row is left out. */
export function addRows(into: Map<string, CachedFile>, rows: readonly StoredRow[]): void {
  for (const row of rows) {
    try {
      into.set(row.path, { path: row.path, size: row.size, mtimeMs: row.mtime_ms, offset: row.offset, info: JSON.parse(row.info) as SessionInfo | null });
    } catch {
      // A damaged row only costs a re-parse of that file.
    }
  }
}

/** A file's row as written after a parse: the state plus the summary state to resume from. */
export interface CachedParse extends CachedFile {
  snapshot: unknown;
}

/**
 * A row ready for the table: SessionInfo and snapshot already JSON text. Rows are kept and
 * sent in this form, a few kB of flat strings each, instead of as object graphs that cost
 * several times that in the heap and in every copy to the worker.
 */
export interface StoredParse extends StoredRow {
  snapshot: string;
}

export function toStoredParse(entry: CachedParse): StoredParse {
  return { path: entry.path, size: entry.size, mtime_ms: entry.mtimeMs, offset: entry.offset, info: JSON.stringify(entry.info), snapshot: JSON.stringify(entry.snapshot) };
}

/** A snapshot's JSON text read back; undefined when it is damaged. */
export function parseSnapshot(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A change to a file's row: the new row, or null to delete it. */
export type RowChange = [path: string, row: StoredParse | null];

/**
 * Derived per-file data (SessionInfo and the summary state needed to continue a tail read),
 * keyed by path and checked against size + mtime. It can be deleted at any time. Snapshots
 * are read one at a time when a file grows, never with the list: most files never grow,
 * and the list is what a warm start waits for. This is the database side, run in the scan
 * cache worker; changes come in batches (scanCacheClient.ts), each written in one
 * transaction: a statement of its own per file made sql.js rewrite its pages and journal
 * thousands of times in a cold scan.
 */
export class ScanCache {
  constructor(private readonly db: SqliteFile) {}

  /** Every row, its SessionInfo still JSON text (parsed by whoever keeps the rows). */
  eachRow(visit: (row: StoredRow) => void): void {
    this.db.each<StoredRow & Row>('SELECT path, size, mtime_ms, offset, info FROM files', undefined, (row) => {
      visit({ path: row.path, size: row.size, mtime_ms: row.mtime_ms, offset: row.offset, info: row.info });
    });
  }

  /** The summary state saved with a file's row; undefined when there is none (or it is damaged). */
  snapshotOf(path: string): unknown {
    const row = this.db.get<{ snapshot: string }>('SELECT snapshot FROM files WHERE path = ?', [path]);
    return row ? parseSnapshot(row.snapshot) : undefined;
  }

  /** Writes a batch of changes in one transaction; the database saves itself later. */
  write(changes: readonly RowChange[]): void {
    if (changes.length === 0) return;
    this.db.transaction(() => {
      for (const [path, entry] of changes) {
        if (entry === null) {
          this.db.run('DELETE FROM files WHERE path = ?', [path]);
          continue;
        }
        this.db.run('INSERT OR REPLACE INTO files (path, size, mtime_ms, offset, info, snapshot) VALUES (?, ?, ?, ?, ?, ?)', [
          entry.path,
          entry.size,
          entry.mtime_ms,
          entry.offset,
          entry.info,
          entry.snapshot,
        ]);
      }
    });
    this.db.markDirty();
  }

  /** Saves the database file now. */
  flush(): Promise<void> {
    return this.db.flush();
  }
}
