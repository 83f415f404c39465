import { SearchIndex } from '../searchIndex';
import type { IndexableMessage } from '../extract';
import type { SearchResult } from '../types';
import type { SessionFileState, WorkerSearchQuery } from './protocol';
import type { IndexingStatus } from '../../../shared/model/search';
import { readSessionDocuments } from './sessionDocuments';
import type { FeedMessage } from './documentFeed';

export interface IndexKeeperOptions {
  indexDir: string;
  /** Quiet time after the last change before the index is saved. */
  persistDelayMs: number;
  /** Files read by earlier workers of this server (a worker that rested passed its count on). */
  indexedBefore?: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Saved at the latest this long after the first unsaved change, even while changes go on. */
const maxPersistDelayMs = 60_000;

/**
 * What the index remembers about a file, packed into the session's fingerprint string:
 * size and mtime tell whether it changed; offset and format version let a file that only
 * grew be read from where the last read stopped.
 */
interface FileMark {
  size: number;
  mtimeMs: number;
  offset: number;
  version: number;
}

function packMark(mark: FileMark): string {
  return `${mark.size}:${mark.mtimeMs}:${mark.offset}:${mark.version}`;
}

function unpackMark(fingerprint: string | undefined): FileMark | undefined {
  if (fingerprint === undefined) return undefined;
  const [size, mtimeMs, offset, version] = fingerprint.split(':').map(Number);
  if (![size, mtimeMs, offset, version].every(Number.isFinite)) return undefined;
  return { size, mtimeMs, offset, version };
}

/** A fed version not seen this long after it was announced is read here after all. */
const awaitFeedMs = 30_000;

/** A file being fed: whether its documents are taken, and whether its session exists yet. */
interface Feed {
  accepted: boolean;
  mode: 'full' | 'tail';
  started: boolean;
  id: string;
  cwd: string;
}

/**
 * Keeps a SearchIndex in step with the session files: runs inside the search worker. Files
 * the scan parsed arrive as documents over feed ports (`receive`); any other file is read
 * and parsed here, one at a time, yielding between files so searches are answered while a
 * large store is being indexed.
 */
export class IndexKeeper {
  private index: SearchIndex;
  /** Files waiting to be (re)indexed, or null when the file is to be dropped; newest state wins. */
  private readonly queue = new Map<string, SessionFileState | null>();
  private current: string | undefined;
  private running = false;
  private reconciled = false;
  private dirty = false;
  private firstDirtyAt = 0;
  private persistTimer: NodeJS.Timeout | undefined;
  private saveWaiters: (() => void)[] = [];
  private indexedSinceStart = 0;
  /** Fed versions announced by the session list whose documents have not arrived yet. */
  private readonly awaiting = new Map<string, { file: SessionFileState; since: number }>();
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly options: IndexKeeperOptions) {
    // Segments go to the index folder as they are built: the postings never sit in the heap.
    this.index = new SearchIndex({ dir: options.indexDir });
    this.indexedSinceStart = options.indexedBefore ?? 0;
  }

  /** Loads the saved index; a missing or unreadable one means starting empty. */
  async load(): Promise<void> {
    try {
      const loaded = await SearchIndex.load(this.options.indexDir);
      if (loaded) {
        this.index.close();
        this.index = loaded;
        if (loaded.forgotten.length > 0) {
          this.options.log('warn', `search: part of the saved index was lost; ${loaded.forgotten.length} sessions will be indexed again`);
        }
      }
    } catch (err) {
      this.options.log('warn', `search: the saved index could not be read (${String(err)}); rebuilding it`);
    }
  }

  upsert(files: readonly SessionFileState[]): void {
    for (const file of files) this.enqueue(file);
    this.kick();
  }

  remove(paths: readonly string[]): void {
    for (const path of paths) {
      this.awaiting.delete(path);
      this.queue.set(path, null);
    }
    this.kick();
  }

  /** The complete list of sessions: new or changed files are indexed, the rest dropped. */
  reconcile(files: readonly SessionFileState[]): void {
    const listed = new Set(files.map((f) => f.path));
    for (const path of this.index.sessionPaths()) if (!listed.has(path)) this.queue.set(path, null);
    for (const path of this.queue.keys()) if (!listed.has(path)) this.queue.set(path, null);
    for (const path of this.awaiting.keys()) if (!listed.has(path)) this.awaiting.delete(path);
    for (const file of files) this.enqueue(file);
    this.reconciled = true;
    this.kick();
  }

  /** Drops everything and indexes the given files from scratch. */
  rebuild(files: readonly SessionFileState[]): void {
    this.index.close();
    this.index = new SearchIndex({ dir: this.options.indexDir });
    this.queue.clear();
    this.awaiting.clear();
    // Files being fed right now started in the old index; they are read again here.
    for (const feed of this.feeds.values()) feed.accepted = false;
    this.markDirty();
    this.reconcile(files);
  }

  search(query: WorkerSearchQuery): SearchResult {
    const { allowed_paths, ...rest } = query;
    return this.index.search({ ...rest, ...(allowed_paths ? { allowed_paths: new Set(allowed_paths) } : {}) });
  }

  status(): IndexingStatus {
    const stats = this.index.stats();
    this.readOverdueFeeds();
    const pending = this.queue.size + this.awaiting.size + this.feeds.size + (this.current !== undefined ? 1 : 0);
    return {
      ready: this.reconciled && pending === 0,
      pending_files: pending,
      indexed_files: stats.sessions,
      indexed_since_start: this.indexedSinceStart,
      docs: stats.docs,
      terms: stats.terms,
      bytes: Object.values(stats.bytes).reduce((a, b) => a + b, 0),
    };
  }

  /**
   * Whether there is nothing left to do: the session list is known, every file is indexed and
   * the index is saved. A settled worker can stop and a new one carry on from the saved index.
   */
  get settled(): boolean {
    return !this.busy && !this.dirty;
  }

  /** Whether files wait to be indexed (or the list is not known yet). */
  get busy(): boolean {
    return !this.reconciled || this.queue.size > 0 || this.awaiting.size > 0 || this.feeds.size > 0 || this.current !== undefined;
  }

  /** Saves now if anything changed (after the file being read, if any). */
  persist(): Promise<void> {
    return new Promise((resolve) => {
      this.saveWaiters.push(resolve);
      this.kick();
    });
  }

  dispose(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
  }

  private enqueue(file: SessionFileState): void {
    const mark = unpackMark(this.index.fingerprintOf(file.path));
    if (!this.queue.has(file.path) && mark && mark.size === file.size && mark.mtimeMs === file.mtime_ms) {
      // Unchanged content; a rename or a new modified time only touches the session's fields.
      this.awaiting.delete(file.path);
      this.updateMeta(file);
      return;
    }
    if ((file.fed || this.awaiting.has(file.path)) && !this.queue.has(file.path)) {
      // Its documents are on their way over a feed port (sent before this message was).
      this.awaiting.set(file.path, { file, since: this.awaiting.get(file.path)?.since ?? Date.now() });
      return;
    }
    this.queue.set(file.path, file);
  }

  /**
   * Applies one message of a document feed; returns the characters to acknowledge. A feed
   * is refused (and the file read here instead) when the file is being read here already,
   * or when a tail does not continue exactly where the indexed part of the file ends.
   */
  receive(message: FeedMessage): number {
    const index = this.index;
    switch (message.type) {
      case 'begin': {
        const mark = unpackMark(index.fingerprintOf(message.path));
        const continues = message.mode === 'full' || (mark !== undefined && mark.offset === message.from_offset);
        const accepted = this.current !== message.path && continues;
        this.feeds.set(message.path, { accepted, mode: message.mode, started: false, id: message.id, cwd: message.cwd });
        // A removal queued before the file was parsed again is older than what comes now.
        if (accepted && this.queue.get(message.path) === null) this.queue.delete(message.path);
        return 0;
      }
      case 'docs': {
        const feed = this.feeds.get(message.path);
        if (feed?.accepted && message.docs.length > 0) {
          if (feed.mode === 'full' && !feed.started) index.upsertSession({ path: message.path, id: feed.id, name: null, cwd: feed.cwd, modified_ms: 0, fingerprint: '' }, message.docs);
          else index.appendToSession(message.path, message.docs);
          feed.started = true;
        }
        return message.chars;
      }
      case 'end': {
        const feed = this.feeds.get(message.path);
        this.feeds.delete(message.path);
        const { file } = message;
        const meta = { id: file.id, name: file.name, cwd: file.cwd, modified_ms: file.modified_ms };
        if (feed?.accepted) {
          if (feed.mode === 'full' && !feed.started) index.upsertSession({ path: file.path, ...meta, fingerprint: '' }, []);
          index.updateSessionMeta(file.path, { ...meta, fingerprint: packMark({ size: file.size, mtimeMs: file.mtime_ms, offset: message.offset, version: message.version }) });
          this.indexedSinceStart++;
          this.markDirty();
          const queued = this.queue.get(file.path);
          if (queued && queued.size === file.size && queued.mtime_ms === file.mtime_ms) this.queue.delete(file.path);
        } else if (!this.queue.has(file.path)) {
          this.queue.set(file.path, file);
        }
        const waiting = this.awaiting.get(file.path);
        this.awaiting.delete(file.path);
        if (waiting) this.enqueue({ ...waiting.file, fed: false });
        this.kick();
        return 0;
      }
      case 'abort': {
        const feed = this.feeds.get(message.path);
        this.feeds.delete(message.path);
        if (feed?.accepted && feed.started && index.removeSession(message.path)) this.markDirty();
        const waiting = this.awaiting.get(message.path);
        this.awaiting.delete(message.path);
        if (waiting) this.queue.set(message.path, { ...waiting.file, fed: false });
        this.kick();
        return 0;
      }
    }
  }

  /** Safety net: a fed version whose documents never came is read here. */
  private readOverdueFeeds(): void {
    const now = Date.now();
    let moved = false;
    for (const [path, { file, since }] of this.awaiting) {
      if (now - since < awaitFeedMs || this.feeds.has(path)) continue;
      this.awaiting.delete(path);
      this.queue.set(path, { ...file, fed: false });
      moved = true;
    }
    if (moved) this.kick();
  }

  private updateMeta(file: SessionFileState): void {
    if (this.index.updateSessionMeta(file.path, { id: file.id, name: file.name, cwd: file.cwd, modified_ms: file.modified_ms })) this.markDirty();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.nextJob() !== undefined || this.saveWaiters.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 || this.saveWaiters.length > 0) {
      if (this.saveWaiters.length > 0) {
        const waiters = this.saveWaiters.splice(0);
        await this.save();
        for (const done of waiters) done();
        continue;
      }
      const next = this.nextJob();
      if (!next) {
        // Only files being fed are left; their feeds' ends kick the queue again.
        if (this.saveWaiters.length === 0) return;
        continue;
      }
      const [path, job] = next;
      this.queue.delete(path);
      const mark = job && unpackMark(this.index.fingerprintOf(path));
      if (job && mark && mark.size === job.size && mark.mtimeMs === job.mtime_ms) {
        // A feed got there first.
        this.updateMeta(job);
        continue;
      }
      this.current = path;
      try {
        if (job === null) {
          if (this.index.removeSession(path)) this.markDirty();
        } else {
          await this.indexFile(job);
        }
      } finally {
        this.current = undefined;
      }
      // Let queued searches and status requests run between files.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The first queued file that is not being fed right now. */
  private nextJob(): [string, SessionFileState | null] | undefined {
    for (const entry of this.queue) if (!this.feeds.has(entry[0])) return entry;
    return undefined;
  }

  private async indexFile(file: SessionFileState): Promise<void> {
    const index = this.index;
    const mark = unpackMark(index.fingerprintOf(file.path));
    const meta = { id: file.id, name: file.name, cwd: file.cwd, modified_ms: file.modified_ms };
    const grew = mark !== undefined && file.size > mark.size && mark.offset <= file.size && mark.offset > 0;
    try {
      if (grew) {
        const result = await readSessionDocuments(file.path, { fromOffset: mark.offset, version: mark.version, toOffset: file.size }, (docs) => {
          index.appendToSession(file.path, docs);
        });
        index.updateSessionMeta(file.path, { ...meta, fingerprint: packMark({ size: file.size, mtimeMs: file.mtime_ms, offset: result.offset, version: result.version }) });
      } else {
        let started = false;
        const add = (docs: IndexableMessage[]): void => {
          if (started) index.appendToSession(file.path, docs);
          else index.upsertSession({ path: file.path, ...meta, fingerprint: '' }, docs);
          started = true;
        };
        const result = await readSessionDocuments(file.path, { fromOffset: 0, toOffset: file.size }, add);
        if (!started) add([]);
        index.updateSessionMeta(file.path, { fingerprint: packMark({ size: file.size, mtimeMs: file.mtime_ms, offset: result.offset, version: result.version }) });
      }
      this.indexedSinceStart++;
    } catch (err) {
      // Gone or not a session (any more): its hits must not outlive it.
      index.removeSession(file.path);
      this.options.log('warn', `search: could not index ${file.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (index === this.index) this.markDirty();
  }

  private markDirty(): void {
    if (!this.dirty) this.firstDirtyAt = Date.now();
    this.dirty = true;
    if (this.persistTimer) clearTimeout(this.persistTimer);
    const overdue = Date.now() - this.firstDirtyAt >= maxPersistDelayMs;
    this.persistTimer = setTimeout(() => void this.persist(), overdue ? 0 : this.options.persistDelayMs);
    this.persistTimer.unref();
  }

  private async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await this.index.save(this.options.indexDir);
    } catch (err) {
      this.dirty = true;
      this.options.log('error', `search: saving the index failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
