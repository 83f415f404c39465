export type SearchRole = 'user' | 'assistant' | 'tool';

export type RoleFilter = 'all' | SearchRole;

export interface SearchHit {
  session_path: string;
  session_id: string;
  session_name: string | null;
  cwd: string;
  entry_id: string;
  role: SearchRole;
  /** ISO 8601 UTC. */
  timestamp: string;
  timestamp_ms: number;
  /** About 200 characters centred on the best match. */
  snippet: string;
  /** [start, end) ranges in `snippet`. */
  highlights: [number, number][];
  score: number;
  /** The indexed text of this message was cut (long tool output): later matches are not found. */
  truncated: boolean;
}

export interface IndexingStatus {
  /** The first reconcile with the session list is done and nothing is waiting. */
  ready: boolean;
  pending_files: number;
  indexed_files: number;
  /** Files read (in full or their tail) since the server started: zero on a warm start. */
  indexed_since_start: number;
  docs: number;
  terms: number;
  bytes: number;
}
