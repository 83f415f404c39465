import type { MessagePort } from 'node:worker_threads';
import type { SessionEntry, SessionHeader } from '../../../shared/model/entries';
import type { SessionInfo } from '../../../shared/model/sessionInfo';
import { extractEntryMessages, type IndexableMessage } from '../extract';
import { toFileState } from './fileState';
import type { SessionFileState } from './protocol';

/*
 * The document feed: whoever parses a session file for the list (a scan worker, or the main
 * thread for a small append) hands the search worker the documents it decoded on the way,
 * over a MessagePort of their own, so no file is read twice. Per file: `begin`, `docs`
 * batches, then `end` (or `abort`); the search worker acknowledges every batch, which is how
 * a sender knows how much text is still queued on the other side.
 */

export type FeedMessage =
  /** `tail`: the documents continue the file's indexed part, which ended at `from_offset`. */
  | { type: 'begin'; path: string; mode: 'full' | 'tail'; from_offset: number; id: string; cwd: string }
  | { type: 'docs'; path: string; docs: IndexableMessage[]; chars: number }
  /** `offset`: just past the last complete line read; `version`: the file's format version. */
  | { type: 'end'; path: string; file: SessionFileState; offset: number; version: number }
  /** The parse failed part-way: what was fed for the file must not stand. */
  | { type: 'abort'; path: string };

export interface FeedAck {
  type: 'ack';
  chars: number;
}

/** The search side of the feed, as the parsing side sees it (the SearchService). */
export interface DocumentFeedHost {
  /** A new port to the search worker; undefined when search is not running. */
  openFeedPort(): { port: MessagePort; generation: number } | undefined;
  /** Ports of an older generation lead to a search worker that is gone. */
  readonly feedGeneration: number;
  /** A parse fed the documents of this version of the file through a port of `generation`. */
  noteFed(path: string, size: number, mtimeMs: number, generation: number): void;
}

/** Documents go out in batches of about this much text (or `maxBatchDocs`). */
const batchChars = 256 * 1024;
const maxBatchDocs = 2000;
/**
 * Text a sender lets queue up on the search worker's side before it stops feeding: new files
 * are then left for the worker to read itself, and a large file being fed waits for room.
 * Bounded so that an indexer slower than the scan costs time, never memory.
 */
const defaultWindowChars = 4 * 1024 * 1024;

/** One end of a feed port, on the parsing side. */
export class DocumentSender {
  private outstanding = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    readonly generation: number,
    private readonly windowChars = defaultWindowChars,
  ) {
    port.on('message', (ack: FeedAck) => {
      this.outstanding = Math.max(0, this.outstanding - ack.chars);
      if (!this.congested) this.wake();
    });
    port.on('close', () => {
      this.closed = true;
      this.wake();
    });
    // Acknowledgements must never keep a thread alive on their own.
    port.unref();
  }

  /** Whether the search worker is far enough behind that a new file should not be fed. */
  get congested(): boolean {
    return this.outstanding >= this.windowChars;
  }

  /** Resolves once the queued text is below the window again (at once when it is). */
  room(): Promise<void> | undefined {
    if (!this.congested || this.closed) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Starts feeding one file's parse. */
  file(path: string, fromOffset: number): FileFeed {
    return new FileFeed(this, path, fromOffset);
  }

  post(message: FeedMessage, chars = 0): void {
    if (this.closed) return;
    this.outstanding += chars;
    this.port.postMessage(message);
  }

  close(): void {
    this.closed = true;
    this.wake();
    this.port.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** The documents of one parse of one file, batched as the parser reaches its entries. */
export class FileFeed {
  private begun = false;
  private batch: IndexableMessage[] = [];
  private chars = 0;
  private version = 3;

  constructor(
    private readonly sender: DocumentSender,
    private readonly path: string,
    private fromOffset: number,
  ) {}

  /** The parse really starts here (a resume that could not be used starts again at 0). */
  start(fromOffset: number): void {
    this.fromOffset = fromOffset;
  }

  /** Receives each counted entry (an EntrySink). */
  readonly sink = (entry: SessionEntry, header: SessionHeader, line: { offset: number; length: number }): void => {
    this.version = header.version;
    if (!this.begun) this.begin(header);
    for (const doc of extractEntryMessages(entry)) {
      doc.source = { offset: line.offset, length: line.length };
      this.batch.push(doc);
      this.chars += doc.text.length;
    }
    if (this.chars >= batchChars || this.batch.length >= maxBatchDocs) this.flush();
  };

  end(info: SessionInfo, offset: number): void {
    this.version = info.version;
    if (!this.begun) this.begin({ id: info.id, cwd: info.cwd });
    this.flush();
    this.sender.post({ type: 'end', path: this.path, file: toFileState(info), offset, version: this.version });
  }

  abort(): void {
    this.batch = [];
    this.chars = 0;
    this.sender.post({ type: 'abort', path: this.path });
  }

  private begin(header: { id: string; cwd: string }): void {
    this.begun = true;
    const mode = this.fromOffset > 0 ? 'tail' : 'full';
    this.sender.post({ type: 'begin', path: this.path, mode, from_offset: this.fromOffset, id: header.id, cwd: header.cwd });
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const docs = this.batch;
    const chars = this.chars;
    this.batch = [];
    this.chars = 0;
    this.sender.post({ type: 'docs', path: this.path, docs, chars }, chars);
  }
}
