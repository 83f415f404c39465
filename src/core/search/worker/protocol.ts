import type { MessagePort } from 'node:worker_threads';
import type { SearchResult } from '../types';
import type { RoleFilter } from '../../../shared/model/search';
import type { IndexingStatus } from '../../../shared/model/search';
import type { RestAnswer, WorkerReply } from '../../util/restingWorker';

/*
 * Messages between the SearchService (main thread) and the search worker. Everything here
 * is structured-clone friendly: plain objects, arrays and strings, no Sets or functions.
 */

/** A session file as the session index lists it: enough to tell whether it changed. */
export interface SessionFileState {
  path: string;
  size: number;
  mtime_ms: number;
  id: string;
  name: string | null;
  cwd: string;
  modified_ms: number;
  /**
   * This version's documents come over a feed port (documentFeed.ts), sent before this
   * message was: the worker waits for them instead of reading the file.
   */
  fed?: boolean;
}

/** A search as the worker receives it: `allowed_paths` is a list (tags, favorites). */
export interface WorkerSearchQuery {
  query: string;
  role?: RoleFilter;
  cwd?: string;
  session_path?: string;
  from_ms?: number;
  to_ms?: number;
  allowed_paths?: string[];
  limit?: number;
  offset?: number;
  per_session?: number;
}

/** A search's answer, with the index's state as it ran: one round trip for the reply's `indexing`. */
export interface WorkerSearchAnswer extends SearchResult {
  status: IndexingStatus;
}

export interface WorkerInit {
  /** Folder of the persisted index (a file of its own, not the state database). */
  indexDir: string;
  /** Start from an empty index instead of loading the saved one. */
  fresh: boolean;
  /** Files earlier workers of this server read (`indexed_since_start` goes on from here). */
  indexedBefore: number;
  persistDelayMs: number;
}

export type ToWorker =
  | { type: 'upsert'; files: SessionFileState[] }
  | { type: 'remove'; paths: string[] }
  /** The complete session list: index what is new or changed, drop what is gone. */
  | { type: 'reconcile'; files: SessionFileState[] }
  | { type: 'search'; id: number; query: WorkerSearchQuery }
  | { type: 'status'; id: number }
  | { type: 'rebuild'; id: number; files: SessionFileState[] }
  | { type: 'persist'; id: number }
  /** A port that parsers feed documents through (see documentFeed.ts). */
  | { type: 'feed-port'; port: MessagePort }
  /** The worker's heap, for the log after the first scan. */
  | { type: 'memory'; id: number }
  /** Save, and say whether the worker is settled: nothing queued, the index saved. */
  | { type: 'rest'; id: number };


export interface WorkerMemory {
  heap_used: number;
  heap_total: number;
}

/** The answer to `rest`: whether the worker may stop, and its count for the next one. */
export interface SearchRestAnswer extends RestAnswer {
  indexed_since_start: number;
}

export type WorkerErrorCode = 'invalid_payload' | 'internal';

export type FromWorker =
  | WorkerReply<WorkerSearchAnswer | IndexingStatus | WorkerMemory | SearchRestAnswer | null, WorkerErrorCode>
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
