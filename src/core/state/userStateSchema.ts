/**
 * Schema of the user-data database (`state.db`): things only the user can recreate, so every
 * change is acknowledged only after a durable save. Derived data (the scan cache, the search
 * index) lives in other files that may be dropped and rebuilt at any time.
 */
export const userStateMigrations: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  );
  CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    color TEXT,
    parent_id INTEGER REFERENCES tags(id),
    created_at TEXT NOT NULL
  );
  CREATE TABLE session_tags (
    session_id TEXT NOT NULL,
    session_path TEXT NOT NULL,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (session_id, tag_id)
  );
  CREATE TABLE favorites (
    session_id TEXT PRIMARY KEY,
    session_path TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE config_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    bundle TEXT NOT NULL
  );
  `,
];
