import type { SqliteFile } from './sqliteFile';
import type { JsonValue } from '../../shared/model/json';

/** Key/value settings in the user-data database, each value stored as JSON. */
export class UserSettings {
  constructor(private readonly db: SqliteFile) {}

  get<T extends JsonValue>(key: string, fallback: T): T {
    const row = this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    if (!row) return fallback;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return fallback;
    }
  }

  all(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const row of this.db.all<{ key: string; value: string }>('SELECT key, value FROM settings')) {
      try {
        out[row.key] = JSON.parse(row.value) as JsonValue;
      } catch {
        // An unreadable value behaves as unset.
      }
    }
    return out;
  }

  /** Writes several keys in one durable change. */
  setMany(values: Record<string, JsonValue>): Promise<void> {
    return this.db.mutate(() => {
      for (const [key, value] of Object.entries(values)) {
        this.db.run('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)', [key, JSON.stringify(value)]);
      }
    });
  }
}
