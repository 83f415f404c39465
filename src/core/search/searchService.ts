import * as path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { RestingWorker, type RequestOf } from '../util/restingWorker';
import { workerResourceLimits, workerScript } from '../util/workerScript';
import { ApiError } from '../../shared/api/errors';
import type { EventBus } from '../events';
import type { IDisposable } from '../lifecycle';
import { describeError, type Logger } from '../log';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import type { FromWorker, SearchRestAnswer, SessionFileState, ToWorker, WorkerInit, WorkerMemory, WorkerSearchAnswer, WorkerSearchQuery } from './worker/protocol';
import type { DocumentFeedHost } from './worker/documentFeed';
import type { IndexingStatus } from '../../shared/model/search';
import { toFileState } from './worker/fileState';

export interface SearchServiceOptions {
  bus: EventBus;
  /** The session list, read when a scan finishes (the first scan publishes no diff). */
  sessions: { all(): SessionInfo[]; onFirstScanFile?(listener: (info: SessionInfo) => void): IDisposable };
  /** Folder for the saved index: a file of its own, derived data, never the state database. */
  indexDir: string;
  log: Logger;
  /** Quiet time after the last change before the worker saves the index; default 5 s. */
  persistDelayMs?: number;
  /**
   * Quiet time after a search at which a settled worker (nothing queued, index saved) is
   * stopped; the next search or change starts a new one from the saved index. Default 30 s.
   */
  restAfterMs?: number;
  /** The same after only upkeep (the list's changes, status): default 3 s. */
  restAfterUpkeepMs?: number;
}

/** How long dispose waits for the worker's last save before terminating it anyway. */
const disposeSaveTimeoutMs = 10_000;

/*
 * A resting worker frees its isolate, the index's per-document columns and block tables
 * (about 60 MB for a 1 GB store) in the shared extension host; a new one needs a few hundred
 * milliseconds to load the saved index before it answers. Half a minute keeps it running
 * while someone searches, reads a hit and searches again.
 */
const defaultRestAfterMs = 30_000;

/*
 * Without a search, the worker only keeps the index in step with the files; nobody waits on
 * it, so it goes soon after: a warm start leaves no search isolate behind, and the first
 * search afterwards pays the load once.
 */
const defaultRestAfterUpkeepMs = 3_000;

/**
 * Full-text search for the core. The index lives in a worker thread; the documents of the
 * files the scan parses reach it over feed ports (documentFeed.ts), and it reads any other
 * file itself. This side forwards the session list's changes (paths and fingerprints, marked
 * `fed` when their documents were fed) and the queries. A worker with nothing left to do
 * stops after a quiet spell and the next message starts a new one from the saved index. A
 * worker that dies is restarted once with a fresh index; meanwhile, and after a second death,
 * searches answer `unavailable`.
 */
export class SearchService implements IDisposable, DocumentFeedHost {
  private readonly worker: RestingWorker<ToWorker, FromWorker, SearchRestAnswer>;
  private restarts = 0;
  /** Set after a second death: search stays unavailable. */
  private broken = false;
  /** Files read by workers that rested, so `indexed_since_start` counts from the server's start. */
  private indexedBefore = 0;
  /** The next worker starts from an empty index (after a crash: the saved one may be the cause). */
  private fresh = false;
  private listKnown = false;
  /** Set as dispose begins: requests still waiting then fail as a shutdown, not a crash. */
  private stopping = false;
  private disposed = false;
  private readonly subscriptions: IDisposable[];
  /** Counts worker starts and stops: feed ports of an earlier worker lead nowhere. */
  private generation = 0;
  /** Versions (`size:mtime`) of files whose documents were fed, until the list announces them. */
  private readonly fed = new Map<string, string>();
  /** When the last search was asked (0: never). */
  private lastSearchAt = 0;
  /** Callers of `resting()` waiting for the running worker to stop. */
  private restWaiters: (() => void)[] = [];

  constructor(private readonly options: SearchServiceOptions) {
    const { bus, log } = options;
    this.worker = new RestingWorker<ToWorker, FromWorker, SearchRestAnswer>({
      launch: () => this.launch(),
      restAfterMs: () => this.restAfterMs(),
      restRequest: { type: 'rest' },
      onMessage: (message) => log[message.level](message.message),
      toError: (reply) => new ApiError(reply.code, reply.message),
      exitError: () => new ApiError('unavailable', this.stopping ? 'the search service is shutting down' : 'the search worker stopped; search is restarting'),
      // A new worker knows only the saved index, so it checks it against the list.
      onStart: () => {
        if (this.listKnown) this.post({ type: 'reconcile', files: this.fileList() });
      },
      onStop: (reason, code, answer) => this.onStop(reason, code, answer),
    });
    this.subscriptions = [
      bus.on('scan-progress', (p) => {
        if (!p.finished) return;
        this.post({ type: 'reconcile', files: this.fileList() });
        this.listKnown = true;
      }),
      // Indexing starts as the first scan reaches each file, so the worker (on the other
      // core) overlaps the scan instead of waiting for it; files are sent in batches.
      ...(options.sessions.onFirstScanFile ? [options.sessions.onFirstScanFile((info) => this.queueEarly(info))] : []),
      bus.on('sessions-diff', (diff) => {
        const changed = [...diff.added, ...diff.updated];
        if (changed.length > 0) this.post({ type: 'upsert', files: changed.map((info) => this.stateOf(info)) });
        if (diff.removed.length > 0) this.post({ type: 'remove', paths: diff.removed });
      }),
    ];
  }

  get feedGeneration(): number {
    return this.generation;
  }

  openFeedPort(): { port: MessagePort; generation: number } | undefined {
    if (this.disposed || this.broken || !this.worker.start()) return undefined;
    const { port1, port2 } = new MessageChannel();
    this.worker.post({ type: 'feed-port', port: port2 }, [port2]);
    return { port: port1, generation: this.generation };
  }

  noteFed(path: string, size: number, mtimeMs: number, generation: number): void {
    if (generation === this.generation) this.fed.set(path, `${size}:${mtimeMs}`);
  }

  /** The worker's heap (for the log); undefined when it is not running. */
  async memory(): Promise<WorkerMemory | undefined> {
    if (!this.worker.current) return undefined;
    return (await this.request({ type: 'memory' })) as WorkerMemory;
  }

  /** Whether the worker thread runs now (it rests when idle). */
  get workerRunning(): boolean {
    return this.worker.current !== undefined;
  }

  /**
   * Resolves once no search worker runs: at once when none does, else when the running one
   * rests (settled: every listed file indexed and saved) or stops, or the service is disposed.
   * A cold start's indexing ends this way unless searches keep the worker up.
   */
  resting(): Promise<void> {
    if (!this.worker.current || this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.restWaiters.push(resolve));
  }

  private wakeRestWaiters(): void {
    const waiters = this.restWaiters;
    this.restWaiters = [];
    for (const wake of waiters) wake();
  }

  /** A listed session for the worker, marked `fed` when this very version was fed. */
  private stateOf(info: SessionInfo): SessionFileState {
    const state = toFileState(info);
    const fed = this.fed.get(info.path);
    if (fed !== undefined) {
      this.fed.delete(info.path);
      if (fed === `${state.size}:${state.mtime_ms}`) state.fed = true;
    }
    return state;
  }

  private early: SessionFileState[] = [];

  private queueEarly(info: SessionInfo): void {
    this.early.push(this.stateOf(info));
    if (this.early.length === 1) {
      setImmediate(() => {
        const files = this.early;
        this.early = [];
        if (files.length > 0) this.post({ type: 'upsert', files });
      });
    }
  }

  search(query: WorkerSearchQuery): Promise<WorkerSearchAnswer> {
    this.lastSearchAt = Date.now();
    return this.request({ type: 'search', query }) as Promise<WorkerSearchAnswer>;
  }

  /** How long the worker stays after its last use: long while someone searches, short otherwise. */
  private restAfterMs(): number {
    const afterSearch = this.options.restAfterMs ?? defaultRestAfterMs;
    const afterUpkeep = Math.min(afterSearch, this.options.restAfterUpkeepMs ?? defaultRestAfterUpkeepMs);
    return Date.now() - this.lastSearchAt < afterSearch ? afterSearch : afterUpkeep;
  }

  status(): Promise<IndexingStatus> {
    return this.request({ type: 'status' }) as Promise<IndexingStatus>;
  }

  /** Drops the index and reads every listed session again. */
  rebuild(): Promise<IndexingStatus> {
    return this.request({ type: 'rebuild', files: this.fileList() }) as Promise<IndexingStatus>;
  }

  /** Saves the index now (when it changed); a resting worker saved it before it stopped. */
  async persist(): Promise<void> {
    if (this.worker.current) await this.request({ type: 'persist' });
  }

  async dispose(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const s of this.subscriptions) s.dispose();
    const save = () => this.persist().catch((err) => this.options.log.warn(`search: final save failed: ${describeError(err)}`));
    await this.worker.dispose(save, disposeSaveTimeoutMs);
    this.disposed = true;
    this.wakeRestWaiters();
  }

  private fileList(): SessionFileState[] {
    return this.options.sessions.all().map(toFileState);
  }

  private launch(): Worker {
    this.generation++;
    this.fed.clear();
    const init: WorkerInit = { indexDir: this.options.indexDir, fresh: this.fresh, indexedBefore: this.indexedBefore, persistDelayMs: this.options.persistDelayMs ?? 5_000 };
    this.fresh = false;
    const launch = workerScript(__dirname, 'searchWorker', path.join(__dirname, 'worker', 'searchWorker.ts'));
    const worker = new Worker(launch.script, { eval: launch.eval, workerData: init, resourceLimits: workerResourceLimits });
    worker.on('error', (err) => this.options.log.error(`search: worker failed: ${describeError(err)}`));
    return worker;
  }

  private onStop(reason: 'rest' | 'exit', code: number, answer?: SearchRestAnswer): void {
    // Feed ports to the stopped worker lead nowhere: senders holding one open a new one.
    this.generation++;
    this.fed.clear();
    this.wakeRestWaiters();
    if (reason === 'rest') {
      this.indexedBefore = answer?.indexed_since_start ?? this.indexedBefore;
      return;
    }
    if (this.restarts >= 1) {
      this.broken = true;
      this.options.log.error(`search: worker exited again (code ${code}); search stays unavailable`);
      return;
    }
    this.restarts++;
    this.options.log.warn(`search: worker exited (code ${code}); restarting it with a fresh index`);
    // The saved index may be what killed it, so the new worker starts empty and rebuilds.
    this.fresh = true;
    this.worker.start();
  }

  private post(message: ToWorker): void {
    if (!this.broken && !this.disposed) this.worker.post(message);
  }

  private request(message: RequestOf<ToWorker>): Promise<unknown> {
    const unavailable = () => new ApiError('unavailable', 'full-text search is not available right now (its worker is not running)');
    if (this.broken || this.disposed) return Promise.reject(unavailable());
    return this.worker.request(message, unavailable);
  }
}
