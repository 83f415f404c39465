import type { Database } from 'sql.js';
import type { SqliteFile } from '../state/sqliteFile';

/**
 * A value computed from the database and kept in memory, because decorating thousands of
 * sessions per scan must not query per session. It is rebuilt after our own changes
 * (`invalidate`) and whenever the database was reloaded from disk (another process saved):
 * a reload swaps the underlying sql.js object, which is cheap to compare.
 */
export class DbDerived<T> {
  private value: T | undefined;
  private source: Database | undefined;

  constructor(
    private readonly db: SqliteFile,
    private readonly build: () => T,
  ) {}

  get(): T {
    const current = this.db.db;
    if (this.value === undefined || this.source !== current) {
      this.value = this.build();
      this.source = current;
    }
    return this.value;
  }

  invalidate(): void {
    this.value = undefined;
  }
}
