import type { MessagePort } from 'node:worker_threads';
import type { SessionInfo } from '../../../shared/model/sessionInfo';

/*
 * Messages between the ScanPool (main thread) and a scan worker. Structured-clone friendly.
 */

export type ToScanWorker =
  /** The feed port to the search worker; replaces the previous one (a restarted search worker). */
  | { type: 'feed-port'; port: MessagePort; generation: number }
  | {
      type: 'summarize';
      id: number;
      file: string;
      size: number;
      mtimeMs: number;
      /** Resume here with `snapshot` (a tail read). */
      fromOffset?: number;
      snapshot?: unknown;
      /** Hand the decoded documents to the search worker, when it keeps up. */
      feed: boolean;
    };

export type FromScanWorker =
  | {
      type: 'summarized';
      id: number;
      ok: true;
      info: SessionInfo;
      snapshot: unknown;
      offset: number;
      /** The generation of the feed port the documents went to; undefined when not fed. */
      fedGeneration: number | undefined;
    }
  /** `invalid`: the file is not a session file (InvalidSessionFileError), for this reason. */
  | { type: 'summarized'; id: number; ok: false; invalid: string | undefined; message: string };
