import type { RestAnswer, WorkerReply } from '../../util/restingWorker';
import type { RowChange, StoredRow } from './scanCache';

/*
 * Messages between the ScanCacheClient (main thread) and the scan cache worker, which owns
 * the sql.js database (scanCacheWorker.ts).
 */

export interface ScanCacheInit {
  file: string;
  /** Quiet time before a change is saved to disk. */
  saveDelayMs: number;
}

export type ToScanCache =
  /** Every row, as `rows` messages (SessionInfo as JSON text), then the reply. */
  | { type: 'load'; id: number }
  | { type: 'snapshot'; id: number; path: string }
  /** Changes in order; no reply (a later request is answered after them). */
  | { type: 'write'; changes: RowChange[] }
  /** Saves what changed; answers once it is on disk. */
  | { type: 'flush'; id: number }
  /** Saves, and says whether the worker may stop (nothing is left unsaved). */
  | { type: 'rest'; id: number };

export type FromScanCache =
  | WorkerReply<unknown | RestAnswer | null, 'internal'>
  /** A batch of a load's rows, sent before its reply. */
  | { type: 'rows'; rows: StoredRow[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
