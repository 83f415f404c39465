import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { RestingWorker, type RequestOf } from '../../util/restingWorker';
import { workerResourceLimits, workerScript } from '../../util/workerScript';
import { describeError, type Logger } from '../../log';
import { addRows, parseSnapshot, toStoredParse, type CachedFile, type CachedParse, type RowChange, type StoredParse } from './scanCache';
import type { FromScanCache, ScanCacheInit, ToScanCache } from './scanCacheProtocol';

/** What the session index needs of the scan cache. */
export interface ScanCacheStore {
  /** Every row (read once, when the first scan starts). */
  loadAll(): Promise<Map<string, CachedFile>>;
  /** The summary state saved with a file's row; undefined when there is none. */
  snapshotOf(path: string): Promise<unknown>;
  put(entry: CachedParse): void;
  delete(path: string): void;
  /** Sends changes waiting for their batch now. */
  writePending(): void;
}

export interface ScanCacheClientOptions {
  file: string;
  log: Logger;
  /** Quiet time before a change is saved to disk (each save writes the whole file). */
  saveDelayMs: number;
  /** Quiet time after which the worker saves and stops; the next use starts a new one. */
  restAfterMs: number;
}

/** Changes go to the worker in batches of this many (or after `sendDelayMs`). */
const sendBatch = 256;
const sendDelayMs = 200;
/** How long dispose waits for the last save. */
const disposeSaveTimeoutMs = 10_000;

/**
 * The scan cache as the main thread sees it: the sql.js database lives in a worker thread
 * (scanCacheWorker.ts) that starts on first use and stops once it has been quiet for
 * `restAfterMs` with everything saved. A warm start reads the rows and the worker is gone a
 * few seconds later, with the database's memory; a file that grows starts it again for its
 * snapshot. Changes are batched here, so a cold scan sends a few hundred messages, not
 * thousands.
 */
export class ScanCacheClient implements ScanCacheStore {
  private readonly worker: RestingWorker<ToScanCache, FromScanCache>;
  private pending = new Map<string, StoredParse | null>();
  /** While above zero, changes wait here instead of going to the worker (see `deferWrites`). */
  private deferrals = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Where the rows of the load under way go. */
  private loading: Map<string, CachedFile> | undefined;
  private loaded: Promise<unknown> = Promise.resolve();
  private preloaded: Promise<Map<string, CachedFile>> | undefined;

  constructor(private readonly options: ScanCacheClientOptions) {
    const { log } = options;
    this.worker = new RestingWorker<ToScanCache, FromScanCache>({
      launch: () => {
        const init: ScanCacheInit = { file: options.file, saveDelayMs: options.saveDelayMs };
        const launch = workerScript(__dirname, 'scanCacheWorker', path.join(__dirname, 'scanCacheWorker.ts'));
        const worker = new Worker(launch.script, { eval: launch.eval, workerData: init, resourceLimits: workerResourceLimits });
        worker.on('error', (err) => log.error(`scan cache: worker failed: ${describeError(err)}`));
        return worker;
      },
      restAfterMs: options.restAfterMs,
      restRequest: { type: 'rest' },
      onMessage: (message) => {
        if (message.type === 'rows') {
          if (this.loading) addRows(this.loading, message.rows);
        } else {
          log[message.level](message.message);
        }
      },
      toError: (reply) => new Error(`scan cache: ${reply.message}`),
      exitError: () => new Error('scan cache: its worker stopped'),
      onStop: (reason, code) => {
        if (reason === 'exit') log.warn(`scan cache: worker exited (code ${code}); it starts again on next use`);
      },
    });
  }

  /** Whether the worker thread runs now (it rests when idle). */
  get workerRunning(): boolean {
    return this.worker.current !== undefined;
  }

  /**
   * Starts reading every row now, for the first `loadAll` to take. Called as the core is made,
   * so the worker's start and the file's read run beside the rest of start-up (opening the
   * state database, binding the port) instead of after it.
   */
  preload(): void {
    if (this.preloaded) return;
    this.preloaded = this.readAll();
    // Whoever takes it sees the failure; until then it is not an unhandled rejection.
    this.preloaded.catch(() => undefined);
  }

  loadAll(): Promise<Map<string, CachedFile>> {
    const early = this.preloaded;
    this.preloaded = undefined;
    return early ?? this.readAll();
  }

  private async readAll(): Promise<Map<string, CachedFile>> {
    // One load at a time: its rows arrive in batches before the reply.
    while (this.loading) await this.loaded.catch(() => undefined);
    const out = new Map<string, CachedFile>();
    this.loading = out;
    this.loaded = this.request({ type: 'load' }).finally(() => (this.loading = undefined));
    await this.loaded;
    for (const [file, row] of this.pending) {
      if (row) addRows(out, [row]);
      else out.delete(file);
    }
    return out;
  }

  async snapshotOf(file: string): Promise<unknown> {
    const waiting = this.pending.get(file);
    if (waiting !== undefined) return waiting ? parseSnapshot(waiting.snapshot) : undefined;
    return ((await this.request({ type: 'snapshot', path: file })) as unknown) ?? undefined;
  }

  put(entry: CachedParse): void {
    this.change(entry.path, toStoredParse(entry));
  }

  delete(file: string): void {
    this.change(file, null);
  }

  writePending(): void {
    if (this.deferrals === 0) this.send();
  }

  /**
   * Keeps changes here, as JSON text, until `until` settles; then they go to the worker. A
   * cold start defers its rows until the search worker has indexed the store and stopped:
   * sql.js holds the whole database in memory, several times its size on disk, and that
   * memory would otherwise sit beside the search worker's at the cold start's peak. The rows
   * are derived: if the process ends first, the next start parses those files again. Reads
   * (`snapshotOf`, `loadAll`) see deferred rows; `flush` and `dispose` send them at once.
   */
  deferWrites(until: Promise<unknown>): void {
    this.deferrals++;
    const done = (): void => {
      this.deferrals--;
      this.writePending();
    };
    until.then(done, done);
  }

  /** Sends what is pending (deferred or not) and waits until the worker has saved it. */
  async flush(): Promise<void> {
    this.send();
    if (this.worker.current) await this.request({ type: 'flush' });
  }

  async dispose(): Promise<void> {
    this.send();
    await this.worker.dispose(() => this.request({ type: 'flush' }), disposeSaveTimeoutMs);
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const changes: RowChange[] = [...this.pending];
    this.pending = new Map();
    this.worker.post({ type: 'write', changes });
  }

  private change(file: string, row: StoredParse | null): void {
    this.pending.set(file, row);
    if (this.deferrals > 0) return;
    if (this.pending.size >= sendBatch) {
      this.writePending();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.writePending(), sendDelayMs);
      this.timer.unref();
    }
  }

  private request(message: RequestOf<ToScanCache>): Promise<unknown> {
    return this.worker.request(message, () => new Error('scan cache: closed'));
  }
}
