import type { SearchRole } from '../../shared/model/search';
import type { RoleFilter, SearchHit } from '../../shared/model/search';

/** What the index knows about a session besides its documents. */
export interface SearchSessionMeta {
  path: string;
  id: string;
  name: string | null;
  cwd: string;
  modified_ms: number;
  /**
   * Whatever the caller uses to tell whether the file changed since it was indexed (e.g.
   * `${size}:${mtimeMs}`); handed back by `fingerprintOf` after a load.
   */
  fingerprint: string;
}

export interface SearchQuery {
  query: string;
  role?: RoleFilter;
  /** Only sessions whose cwd is this folder. */
  cwd?: string;
  session_path?: string;
  /** Inclusive time range on the message timestamp, in ms since the epoch. */
  from_ms?: number;
  to_ms?: number;
  /** Only these sessions (tags, favorites): a set of paths or a predicate on the path. */
  allowed_paths?: ReadonlySet<string> | ((path: string) => boolean);
  /** Page size, 1–200; default 20. */
  limit?: number;
  offset?: number;
  /** Hits per session at most; default 3, 0 = unlimited. */
  per_session?: number;
  /** Time allowed for matching before the answer is cut short (`partial: true`); default 250. */
  budget_ms?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Hits in all pages (after the per-session cap). */
  total: number;
  took_ms: number;
  /** The time budget ran out: older parts of the index were not searched. */
  partial: boolean;
}

export interface SearchIndexStats {
  sessions: number;
  docs: number;
  /** Documents of removed or replaced sessions still in the postings until compaction. */
  dead_docs: number;
  /** Terms summed over segments (a term in two segments counts twice). */
  terms: number;
  segments: number;
  bytes: {
    postings: number;
    terms: number;
    docs: number;
    stored_text: number;
    pending: number;
  };
}
