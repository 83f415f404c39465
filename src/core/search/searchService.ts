import * as path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { workerResourceLimits, workerScript } from '../util/workerScript';
import { ApiError } from '../../shared/api/errors';
import type { EventBus } from '../events';
import type { IDisposable } from '../lifecycle';
import { describeError, type Logger } from '../log';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import type { SearchResult } from './types';
import type { FromWorker, SessionFileState, ToWorker, WorkerInit, WorkerMemory, WorkerSearchQuery } from './worker/protocol';
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
}

type Distribute<T> = T extends { id: number } ? Omit<T, 'id'> : never;
type Request = Distribute<Extract<ToWorker, { id: number }>>;

interface Waiting {
  resolve(data: unknown): void;
  reject(err: Error): void;
}

/** How long dispose waits for the worker's last save before terminating it anyway. */
const disposeSaveTimeoutMs = 10_000;

/**
 * Full-text search for the core. The index lives in a worker thread; the documents of the
 * files the scan parses reach it over feed ports (documentFeed.ts), and it reads any other
 * file itself. This side forwards the session list's changes (paths and fingerprints, marked
 * `fed` when their documents were fed) and the queries. A worker that dies is restarted once with a
 * fresh index; meanwhile, and after a second death, searches answer `unavailable`.
 */
export class SearchService implements IDisposable, DocumentFeedHost {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private restarts = 0;
  private listKnown = false;
  private disposed = false;
  /** The worker thread starts with the first message for it (the first scan), not with the core. */
  private launched = false;
  private readonly subscriptions: IDisposable[];
  /** Counts worker starts: feed ports of an earlier worker lead nowhere. */
  private generation = 0;
  /** Versions (`size:mtime`) of files whose documents were fed, until the list announces them. */
  private readonly fed = new Map<string, string>();

  constructor(private readonly options: SearchServiceOptions) {
    const { bus } = options;
    this.subscriptions = [
      bus.on('scan-progress', (p) => {
        if (!p.finished) return;
        this.listKnown = true;
        this.post({ type: 'reconcile', files: this.fileList() });
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
    const worker = this.running();
    if (!worker || this.disposed) return undefined;
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ type: 'feed-port', port: port2 } satisfies ToWorker, [port2]);
    return { port: port1, generation: this.generation };
  }

  noteFed(path: string, size: number, mtimeMs: number, generation: number): void {
    if (generation === this.generation) this.fed.set(path, `${size}:${mtimeMs}`);
  }

  /** The worker's heap (for the log); undefined when it is not running. */
  async memory(): Promise<WorkerMemory | undefined> {
    if (!this.worker) return undefined;
    return (await this.request({ type: 'memory' })) as WorkerMemory;
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

  search(query: WorkerSearchQuery): Promise<SearchResult> {
    return this.request({ type: 'search', query }) as Promise<SearchResult>;
  }

  status(): Promise<IndexingStatus> {
    return this.request({ type: 'status' }) as Promise<IndexingStatus>;
  }

  /** Drops the index and reads every listed session again. */
  rebuild(): Promise<IndexingStatus> {
    return this.request({ type: 'rebuild', files: this.fileList() }) as Promise<IndexingStatus>;
  }

  /** Saves the index now (when it changed). */
  async persist(): Promise<void> {
    await this.request({ type: 'persist' });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    for (const s of this.subscriptions) s.dispose();
    const worker = this.worker;
    if (worker) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, disposeSaveTimeoutMs)));
      await Promise.race([this.persist().catch((err) => this.options.log.warn(`search: final save failed: ${describeError(err)}`)), timeout]);
      clearTimeout(timer);
    }
    this.disposed = true;
    this.worker = undefined;
    this.failAll('the search service is shutting down');
    if (worker) await worker.terminate();
  }

  private fileList(): SessionFileState[] {
    return this.options.sessions.all().map(toFileState);
  }

  private start(fresh: boolean): void {
    this.generation++;
    this.fed.clear();
    const init: WorkerInit = { indexDir: this.options.indexDir, fresh, persistDelayMs: this.options.persistDelayMs ?? 5_000 };
    const launch = workerScript(__dirname, 'searchWorker', path.join(__dirname, 'worker', 'searchWorker.ts'));
    const worker = new Worker(launch.script, { eval: launch.eval, workerData: init, resourceLimits: workerResourceLimits });
    // Referenced only while a request waits: the core owns the worker's lifetime (dispose),
    // and an idle worker must not keep a finished process alive.
    worker.unref();
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (err) => this.options.log.error(`search: worker failed: ${describeError(err)}`));
    worker.on('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
  }

  private onExit(worker: Worker, code: number): void {
    if (this.disposed || worker !== this.worker) return;
    this.worker = undefined;
    this.failAll('the search worker stopped; search is restarting');
    if (this.restarts >= 1) {
      this.options.log.error(`search: worker exited again (code ${code}); search stays unavailable`);
      return;
    }
    this.restarts++;
    this.options.log.warn(`search: worker exited (code ${code}); restarting it with a fresh index`);
    // The saved index may be what killed it, so the new worker starts empty and rebuilds.
    this.start(true);
    if (this.listKnown) this.post({ type: 'reconcile', files: this.fileList() });
  }

  private onMessage(message: FromWorker): void {
    if (message.type === 'log') {
      this.options.log[message.level](message.message);
      return;
    }
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (message.ok) waiting.resolve(message.data);
    else waiting.reject(new ApiError(message.code, message.message));
  }

  private failAll(reason: string): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(new ApiError('unavailable', reason));
  }

  private running(): Worker | undefined {
    if (!this.launched && !this.disposed) {
      this.launched = true;
      this.start(false);
    }
    return this.worker;
  }

  private post(message: ToWorker): void {
    this.running()?.postMessage(message);
  }

  private request(message: Request): Promise<unknown> {
    const worker = this.running();
    if (!worker || this.disposed) return Promise.reject(new ApiError('unavailable', 'full-text search is not available right now (its worker is not running)'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id } as ToWorker);
    });
  }
}
