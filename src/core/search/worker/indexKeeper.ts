import { SearchIndex } from '../searchIndex';
import type { IndexableMessage } from '../extract';
import type { SearchResult } from '../types';
import type { SessionFileState, WorkerSearchQuery } from './protocol';
import type { IndexingStatus } from '../../../shared/model/search';
import { readSessionDocuments } from './sessionDocuments';

export interface IndexKeeperOptions {
  indexDir: string;
  /** Quiet time after the last change before the index is saved. */
  persistDelayMs: number;
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

/**
 * Keeps a SearchIndex in step with the session files: runs inside the search worker, reads
 * and parses the files itself, one at a time, yielding between files so searches are
 * answered while a large store is being indexed.
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

  constructor(private readonly options: IndexKeeperOptions) {
    // Segments go to the index folder as they are built: the postings never sit in the heap.
    this.index = new SearchIndex({ dir: options.indexDir });
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
    for (const path of paths) this.queue.set(path, null);
    this.kick();
  }

  /** The complete list of sessions: new or changed files are indexed, the rest dropped. */
  reconcile(files: readonly SessionFileState[]): void {
    const listed = new Set(files.map((f) => f.path));
    for (const path of this.index.sessionPaths()) if (!listed.has(path)) this.queue.set(path, null);
    for (const path of this.queue.keys()) if (!listed.has(path)) this.queue.set(path, null);
    for (const file of files) this.enqueue(file);
    this.reconciled = true;
    this.kick();
  }

  /** Drops everything and indexes the given files from scratch. */
  rebuild(files: readonly SessionFileState[]): void {
    this.index.close();
    this.index = new SearchIndex({ dir: this.options.indexDir });
    this.queue.clear();
    this.markDirty();
    this.reconcile(files);
  }

  search(query: WorkerSearchQuery): SearchResult {
    const { allowed_paths, ...rest } = query;
    return this.index.search({ ...rest, ...(allowed_paths ? { allowed_paths: new Set(allowed_paths) } : {}) });
  }

  status(): IndexingStatus {
    const stats = this.index.stats();
    const pending = this.queue.size + (this.current !== undefined ? 1 : 0);
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
      this.updateMeta(file);
      return;
    }
    this.queue.set(file.path, file);
  }

  private updateMeta(file: SessionFileState): void {
    if (this.index.updateSessionMeta(file.path, { id: file.id, name: file.name, cwd: file.cwd, modified_ms: file.modified_ms })) this.markDirty();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.queue.size > 0 || this.saveWaiters.length > 0) this.kick();
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
      const [path, job] = this.queue.entries().next().value as [string, SessionFileState | null];
      this.queue.delete(path);
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
