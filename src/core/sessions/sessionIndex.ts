import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventBus } from '../events';
import type { IDisposable } from '../lifecycle';
import { describeError, type Logger } from '../log';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import type { SessionEntry, SessionHeader } from '../../shared/model/entries';
import { listSessionFiles } from './sessionDirs';
import type { SessionDir } from '../../shared/model/sessionDirs';
import type { CachedFile } from './cache/scanCache';
import type { ScanCacheStore } from './cache/scanCacheClient';
import { InvalidSessionFileError } from './parser';
import { isInside } from './sessionPathGuard';
import { FolderWatcher } from './folderWatcher';

/** Where one entry sits in its file, for readers that come back for the raw line. */
export interface LineSpan {
  offset: number;
  length: number;
}

export type EntrySink = (entry: SessionEntry, header: SessionHeader, line: LineSpan) => void;

export interface SummarizeResult {
  info: SessionInfo;
  snapshot: unknown;
  /** Byte offset just past the last complete line. */
  offset: number;
}

export interface SummarizeOptions {
  /** Resume here with `snapshot` (a tail read). */
  fromOffset?: number;
  snapshot?: unknown;
  size: number;
  mtimeMs: number;
  onEntry?: EntrySink;
  /** Part of a scan over many files (rather than one file that changed). */
  bulk?: boolean;
}

export type Summarizer = (file: string, options: SummarizeOptions) => Promise<SummarizeResult>;

/** Consumers of message content (the search index) follow every parse through this. */
export interface ContentObserver {
  /** Whether the observer lacks this file's content, so a cached file must be re-read. */
  needsFullRead(path: string, size: number, mtimeMs: number): boolean;
  /** A parse starts; `mode: 'full'` replaces what the observer had for the file. */
  begin(path: string, mode: 'full' | 'tail'): EntrySink | undefined;
  end(path: string, info: SessionInfo, size: number, mtimeMs: number): void;
  remove(path: string): void;
}

export interface SessionIndexOptions {
  bus: EventBus;
  log: Logger;
  cache: ScanCacheStore;
  summarize: Summarizer;
  dirs: () => SessionDir[];
  observer?: ContentObserver;
  /** Adds user data (tags, favorite) to a SessionInfo on its way out. */
  decorate?: (info: SessionInfo) => SessionInfo;
  /** Quiet time that coalesces a burst of file events into one diff. */
  coalesceMs?: number;
  /** Full reconcile interval, the safety net for lost watcher events. */
  reconcileMs?: number;
  /** Whether symlinks that point inside the session folders are followed (never outside). */
  followSymlinks?: () => boolean;
  /** Files parsed at once during a scan (the summarizer's parallelism); default 1. */
  scanConcurrency?: number;
}

interface Diff {
  added: SessionInfo[];
  updated: SessionInfo[];
  removed: string[];
}

const yieldEveryMs = 12;

/**
 * Knows every session file: a cold scan reuses the cache where size and mtime match,
 * tail-reads files that only grew, and re-parses the rest; a folder watcher keeps the
 * list fresh and publishes `session-changed` and `sessions-diff`.
 */
export class SessionIndex implements IDisposable {
  private readonly sessions = new Map<string, SessionInfo>();
  /**
   * Per-file parse state (size, mtime, offset): loaded from the cache once, then kept
   * current. Summary snapshots stay in the cache until a file grows (see ScanCache).
   */
  private fileStates: Map<string, CachedFile> | undefined;
  private watcher: FolderWatcher | undefined;
  private watchedRoots: string[] = [];
  private pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private processing: Promise<void> = Promise.resolve();
  private firstScan: Promise<void> | undefined;
  private disposed = false;
  private missingRoots = new Set<string>();
  private readonly counters = { full_parses: 0, tail_reads: 0, cache_hits: 0, scans: 0, last_scan_ms: 0 };
  private readonly firstScanListeners = new Set<(info: SessionInfo) => void>();
  private inFirstScan = false;

  constructor(private readonly options: SessionIndexOptions) {}

  /** Resolves when the first full scan has finished. */
  ready(): Promise<void> {
    this.firstScan ??= this.enqueue(async () => {
      this.inFirstScan = true;
      try {
        await this.reconcile(true);
      } finally {
        this.inFirstScan = false;
      }
    });
    return this.firstScan;
  }

  async start(): Promise<void> {
    await this.ready();
    await this.startWatching();
    // Changes made between the end of the first scan and the watcher being armed would
    // otherwise be missed until the next reconcile; a rescan is cheap (stat and cache hits).
    await this.rescan();
    const every = this.options.reconcileMs ?? 5 * 60_000;
    this.reconcileTimer = setInterval(() => void this.rescan(), every);
    this.reconcileTimer.unref();
  }

  /**
   * Hears of each session as the first scan reaches it (the first scan publishes no diff),
   * so consumers such as the search index can start work before the scan ends.
   */
  onFirstScanFile(listener: (info: SessionInfo) => void): IDisposable {
    this.firstScanListeners.add(listener);
    return { dispose: () => void this.firstScanListeners.delete(listener) };
  }

  all(): SessionInfo[] {
    const decorate = this.options.decorate ?? ((i: SessionInfo) => i);
    return [...this.sessions.values()].map(decorate).sort((a, b) => (a.modified < b.modified ? 1 : a.modified > b.modified ? -1 : 0));
  }

  get(file: string): SessionInfo | undefined {
    const info = this.sessions.get(file);
    return info && (this.options.decorate ? this.options.decorate(info) : info);
  }

  byId(id: string): SessionInfo | undefined {
    for (const info of this.sessions.values()) if (info.id === id) return this.get(info.path);
    return undefined;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** How much work the index has done since start: what a warm start must keep at zero. */
  status(): { sessions: number; full_parses: number; tail_reads: number; cache_hits: number; scans: number; last_scan_ms: number } {
    return { sessions: this.sessions.size, ...this.counters };
  }

  /** Re-reads the folders and reconciles (after a settings change, or on request). */
  rescan(): Promise<void> {
    return this.enqueue(async () => {
      await this.reconcile(false);
      this.syncWatchedRoots();
    });
  }

  /** Brings one file up to date at once and publishes the change (after our own writes). */
  refreshFile(file: string): Promise<SessionInfo | undefined> {
    return this.enqueue(async () => {
      const diff: Diff = { added: [], updated: [], removed: [] };
      await this.updateFile(file, diff);
      this.publish(diff, [file]);
      return this.get(file);
    });
  }

  /** Drops a file we deleted ourselves and publishes `removed` at once. */
  forget(file: string): void {
    if (!this.sessions.has(file)) return;
    this.dropFile(file);
    this.publish({ added: [], updated: [], removed: [file] }, [file]);
  }

  /** Re-publishes a session whose decorations (tags, favorite) changed. */
  touch(file: string): void {
    const info = this.get(file);
    if (info) this.publish({ added: [], updated: [info], removed: [] }, []);
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.processing.then(job);
    this.processing = run.then(
      () => undefined,
      (err) => this.options.log.error(`sessions: ${describeError(err)}`),
    );
    return run;
  }

  private async reconcile(initial: boolean): Promise<void> {
    const { log, bus } = this.options;
    this.fileStates ??= await this.options.cache.loadAll();
    const dirs = this.options.dirs();
    for (const d of dirs) {
      if (!d.exists && !this.missingRoots.has(d.path)) log.warn(`sessions: folder ${d.path} (${d.source}) does not exist; it is watched for when it appears`);
    }
    this.missingRoots = new Set(dirs.filter((d) => !d.exists).map((d) => d.path));
    const roots = await realRoots(dirs);
    this.realRootPaths = roots;
    const files = new Set<string>();
    const follow = this.options.followSymlinks?.() === true;
    let skippedLinks = 0;
    for (const root of roots) {
      const listing = await listSessionFiles(root, { log, ...(follow ? { followSymlinksWithin: roots } : {}) });
      for (const f of listing.files) files.add(f);
      skippedLinks += listing.skippedLinks.length;
    }
    if (skippedLinks !== this.skippedLinks) {
      this.skippedLinks = skippedLinks;
      if (skippedLinks > 0) {
        const why = follow ? 'they point outside the session folders' : 'sessions.follow_symlinks is off';
        log.warn(`sessions: ignored ${skippedLinks} symbolic link(s) in the session folders (${why})`);
      }
    }

    const diff: Diff = { added: [], updated: [], removed: [] };
    const scanStarted = Date.now();
    const total = files.size;
    let done = 0;
    let lastYield = Date.now();
    bus.publish('scan-progress', { done: 0, total, finished: false });
    // Several files are in flight at once when the summarizer parses on worker threads.
    const concurrency = Math.max(1, this.options.scanConcurrency ?? 1);
    const queue = files.values();
    const lane = async (): Promise<void> => {
      for (let next = queue.next(); !next.done; next = queue.next()) {
        await this.updateFile(next.value, diff, true);
        done++;
        if (Date.now() - lastYield > yieldEveryMs) {
          // Let the editor (or the server) breathe during a long first scan.
          lastYield = Date.now();
          await new Promise((r) => setImmediate(r));
          if (done - lastProgress >= 50) {
            lastProgress = done;
            bus.publish('scan-progress', { done, total, finished: false });
          }
        }
        if (this.disposed) return;
      }
    };
    let lastProgress = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, total)) }, lane));
    if (this.disposed) return;
    for (const known of [...this.sessions.keys()]) {
      if (!files.has(known)) {
        this.dropFile(known);
        diff.removed.push(known);
      }
    }
    for (const p of [...this.fileStates.keys()]) {
      if (!files.has(p)) {
        this.fileStates.delete(p);
        this.options.cache.delete(p);
      }
    }
    this.counters.scans++;
    this.counters.last_scan_ms = Date.now() - scanStarted;
    bus.publish('scan-progress', { done: total, total, finished: true });
    if (!initial) this.publish(diff, [...diff.added, ...diff.updated].map((i) => i.path).concat(diff.removed));
  }

  /**
   * `listed` files come from the folder walk, which follows no link out of the folders; any
   * other path (a watcher event) must be a canonical path inside a session folder, or it is
   * handled as absent.
   */
  private async updateFile(file: string, diff: Diff, listed = false): Promise<void> {
    // A stat takes microseconds; awaiting thousands of them one by one through the thread
    // pool made a warm start mostly waiting. lstat: a symlink is not a session file.
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(file, { throwIfNoEntry: false });
      if (st && !listed && !this.isCanonicalSessionPath(file)) st = undefined;
    } catch {
      st = undefined;
    }
    if (!st) {
      if (this.sessions.has(file)) {
        this.dropFile(file);
        diff.removed.push(file);
      }
      return;
    }
    if (!st.isFile()) {
      if (this.sessions.has(file)) {
        this.dropFile(file);
        diff.removed.push(file);
      }
      return;
    }
    const previous = this.sessions.get(file);
    const cached = this.fileStates?.get(file);
    const observer = this.options.observer;
    const size = st.size;
    const mtimeMs = st.mtimeMs;
    const unchanged = cached && cached.size === size && cached.mtimeMs === mtimeMs;
    if (unchanged && cached.info === null) return;
    if (unchanged && cached.info && !observer?.needsFullRead(file, size, mtimeMs)) {
      if (!previous) {
        this.counters.cache_hits++;
        this.sessions.set(file, cached.info);
        diff.added.push(this.decorated(cached.info));
        this.announceFirstScanFile(cached.info);
      }
      return;
    }
    let canTail = cached && cached.info !== null && size > cached.size && cached.offset <= size && !observer?.needsFullRead(file, cached.size, cached.mtimeMs);
    const snapshot = canTail ? await this.options.cache.snapshotOf(file) : undefined;
    if (snapshot === undefined) canTail = false;
    let result: SummarizeResult;
    try {
      const mode = canTail ? 'tail' : 'full';
      this.counters[canTail ? 'tail_reads' : 'full_parses']++;
      const sink = observer?.begin(file, mode);
      result = await this.options.summarize(file, {
        ...(canTail && cached ? { fromOffset: cached.offset, snapshot } : {}),
        size,
        mtimeMs,
        bulk: listed,
        ...(sink ? { onEntry: sink } : {}),
      });
      observer?.end(file, result.info, size, mtimeMs);
    } catch (err) {
      this.options.log.warn(`sessions: skipped ${file}: ${describeError(err)}`);
      if (err instanceof InvalidSessionFileError) {
        // Remember that this file is not a session, so it is not read again until it changes.
        const state: CachedFile = { path: file, size, mtimeMs, offset: 0, info: null };
        this.options.cache.put({ ...state, snapshot: null });
        this.fileStates?.set(file, state);
      }
      if (previous) {
        this.dropFile(file);
        diff.removed.push(file);
      }
      return;
    }
    this.sessions.set(file, result.info);
    const state: CachedFile = { path: file, size, mtimeMs, offset: result.offset, info: result.info };
    this.options.cache.put({ ...state, snapshot: result.snapshot });
    this.fileStates?.set(file, state);
    (previous ? diff.updated : diff.added).push(this.decorated(result.info));
    this.announceFirstScanFile(result.info);
  }

  private realRootPaths: string[] = [];
  private skippedLinks = 0;

  private isCanonicalSessionPath(file: string): boolean {
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      return false;
    }
    return real === file && this.realRootPaths.some((root) => isInside(real, root));
  }

  private announceFirstScanFile(info: SessionInfo): void {
    if (!this.inFirstScan) return;
    for (const listener of this.firstScanListeners) listener(info);
  }

  private dropFile(file: string): void {
    this.sessions.delete(file);
    this.fileStates?.delete(file);
    this.options.cache.delete(file);
    this.options.observer?.remove(file);
  }

  private decorated(info: SessionInfo): SessionInfo {
    return this.options.decorate ? this.options.decorate(info) : info;
  }

  private publish(diff: Diff, changedPaths: string[]): void {
    if (diff.added.length + diff.updated.length + diff.removed.length === 0) return;
    const { bus } = this.options;
    if (changedPaths.length > 0) bus.publish('session-changed', { changed_paths: changedPaths });
    bus.publish('sessions-diff', diff);
    bus.publish('sessions-changed', { updated: [...diff.added, ...diff.updated], removed: diff.removed });
  }

  private async startWatching(): Promise<void> {
    const roots = existingRealRoots(this.options.dirs());
    this.watchedRoots = roots;
    this.watcher = new FolderWatcher({
      onFile: (p) => this.schedule(p),
      onFolderRemoved: (dir) => {
        for (const known of this.sessions.keys()) if (known.startsWith(dir + path.sep)) this.schedule(known);
      },
      // Files written into a folder right as it appears can race the folder's new watch, so
      // a new folder is reconciled once it has settled.
      onFolderAdded: () => this.rescanSoon(),
      onTrouble: (reason) => {
        this.options.log.warn(`sessions: watcher: ${reason}; a rescan will reconcile`);
        this.rescanSoon();
      },
    });
    this.watcher.add(roots);
    this.rootPoll = setInterval(() => this.syncWatchedRoots(), 3_000);
    this.rootPoll.unref();
  }

  private rescanSoon(): void {
    if (this.addDirTimer) clearTimeout(this.addDirTimer);
    this.addDirTimer = setTimeout(() => {
      this.addDirTimer = undefined;
      void this.rescan();
    }, 250);
  }

  private rootPoll: NodeJS.Timeout | undefined;
  private addDirTimer: NodeJS.Timeout | undefined;

  /** Starts watching folders that appeared (or reappeared) since the last look. */
  private syncWatchedRoots(): void {
    if (!this.watcher) return;
    const dirs = this.options.dirs();
    const current = existingRealRoots(dirs);
    const wasMissing = new Set(dirs.filter((d) => d.exists && this.missingRoots.has(d.path)).map((d) => safeRealpath(d.path)));
    const appeared = current.filter((p) => !this.watchedRoots.includes(p) || wasMissing.has(p));
    const gone = this.watchedRoots.filter((p) => !current.includes(p));
    if (appeared.length === 0 && gone.length === 0) return;
    if (gone.length > 0) this.watcher.unwatch(gone);
    if (appeared.length > 0) {
      // A root that was deleted and made again needs new watches: the old ones watch nothing.
      this.watcher.unwatch(appeared);
      this.watcher.add(appeared);
    }
    this.watchedRoots = current;
    this.missingRoots = new Set(dirs.filter((d) => !d.exists).map((d) => d.path));
    if (appeared.length > 0 || gone.length > 0) {
      this.options.log.info(`sessions: folders changed (${[...appeared.map((p) => `+${p}`), ...gone.map((p) => `-${p}`)].join(', ')}); rescanning`);
      void this.enqueue(() => this.reconcile(false));
    }
  }

  private schedule(file: string): void {
    this.pending.add(file);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const batch = [...this.pending];
      this.pending.clear();
      void this.enqueue(async () => {
        const diff: Diff = { added: [], updated: [], removed: [] };
        for (const f of batch) await this.updateFile(f, diff);
        this.publish(diff, batch);
      });
    }, this.options.coalesceMs ?? 40);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    if (this.rootPoll) clearInterval(this.rootPoll);
    if (this.addDirTimer) clearTimeout(this.addDirTimer);
    this.watcher?.dispose();
    await this.processing;
    // Rows wait up to a moment to be written in batches; the database may close right after.
    this.options.cache.writePending();
  }
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function existingRealRoots(dirs: readonly SessionDir[]): string[] {
  return [...new Set(dirs.filter((d) => d.exists).map((d) => safeRealpath(d.path)))];
}

async function realRoots(dirs: readonly SessionDir[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) {
    if (!d.exists) continue;
    try {
      out.push(await fs.promises.realpath(d.path));
    } catch {
      // Vanished between resolve and now; the next reconcile sees it.
    }
  }
  return [...new Set(out)];
}
