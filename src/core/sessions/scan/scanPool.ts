import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IDisposable } from '../../lifecycle';
import { describeError, type Logger } from '../../log';
import { DocumentSender, type DocumentFeedHost } from '../../search/worker/documentFeed';
import { workerResourceLimits, workerScript } from '../../util/workerScript';
import { InvalidSessionFileError } from '../parser';
import type { EntrySink, SummarizeOptions, SummarizeResult } from '../sessionIndex';
import { summarizeFile } from '../summary';
import type { FromScanWorker, ToScanWorker } from './scanProtocol';

export interface ScanPoolOptions {
  log: Logger;
  /** Threads to parse on; default: the machine's cores, at most 4. 0 parses in-process. */
  threads?: number;
  /** Where decoded documents go (the search service), when there is one. */
  feed?: () => DocumentFeedHost | undefined;
  /** Workers are stopped after this long without work, so an idle editor holds none. */
  idleMs?: number;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, { file: string; resolve(r: SummarizeResult): void; reject(err: Error): void }>;
  feedGeneration: number | undefined;
}

function bothSinks(a: EntrySink | undefined, b: EntrySink | undefined): EntrySink {
  if (!a || !b) return (a ?? b)!;
  return (entry, header, line) => {
    a(entry, header, line);
    b(entry, header, line);
  };
}

/** Reads this small (an append, a new short session) are done in-process: no thread to wake. */
const inProcessBytes = 1024 * 1024;

/**
 * Summarizes session files on worker threads, several at once, so a cold scan uses every
 * core; the workers feed the documents they decode to the search worker. Small reads outside
 * a scan (appends) run in-process. Workers start with the first bulk job and stop when idle.
 */
export class ScanPool implements IDisposable {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private localSender: DocumentSender | undefined;
  private disposed = false;
  /** Parses whose documents went to the search worker, and parses it will have to repeat. */
  private readonly feedCounts = { fed: 0, not_fed: 0 };

  constructor(private readonly options: ScanPoolOptions) {
    this.threads = Math.max(0, options.threads ?? Math.min(4, os.availableParallelism()));
  }

  /** How many parses fed the search worker, and how many it reads again (it fell behind). */
  feedStats(): { fed: number; not_fed: number } {
    return { ...this.feedCounts };
  }

  /** Worker threads alive right now (none while idle). */
  get liveWorkers(): number {
    return this.slots.length;
  }

  /** A Summarizer for the SessionIndex. */
  readonly summarize = (file: string, options: SummarizeOptions): Promise<SummarizeResult> => {
    const bytes = options.size - (options.fromOffset ?? 0);
    // An entry sink (a content observer) is a function: it cannot cross to a worker.
    if (this.threads === 0 || this.disposed || options.onEntry || (!options.bulk && bytes < inProcessBytes)) return this.summarizeHere(file, options);
    return this.summarizeInWorker(file, options);
  };

  private feedHost(): DocumentFeedHost | undefined {
    return this.options.feed?.();
  }

  private async summarizeHere(file: string, options: SummarizeOptions): Promise<SummarizeResult> {
    const host = this.feedHost();
    if (host && this.localSender?.generation !== host.feedGeneration) {
      this.localSender?.close();
      const opened = host.openFeedPort();
      this.localSender = opened ? new DocumentSender(opened.port, opened.generation) : undefined;
    }
    const sender = host && this.localSender && !this.localSender.congested ? this.localSender : undefined;
    const feed = sender?.file(file, options.fromOffset ?? 0);
    try {
      const result = await summarizeFile(file, {
        size: options.size,
        mtimeMs: options.mtimeMs,
        ...(options.fromOffset !== undefined ? { fromOffset: options.fromOffset, snapshot: options.snapshot } : {}),
        ...(feed && sender ? { onStart: (from: number) => feed.start(from), pause: () => sender.room() } : {}),
        ...(feed || options.onEntry ? { onEntry: bothSinks(feed?.sink, options.onEntry) } : {}),
      });
      if (feed && sender && host) {
        feed.end(result.info, result.offset);
        host.noteFed(file, options.size, options.mtimeMs, sender.generation);
      }
      if (host) this.feedCounts[feed ? 'fed' : 'not_fed']++;
      return result;
    } catch (err) {
      feed?.abort();
      throw err;
    }
  }

  private summarizeInWorker(file: string, options: SummarizeOptions): Promise<SummarizeResult> {
    this.cancelIdle();
    const slot = this.pickSlot();
    const host = this.feedHost();
    if (host && slot.feedGeneration !== host.feedGeneration) {
      const opened = host.openFeedPort();
      if (opened) {
        slot.worker.postMessage({ type: 'feed-port', port: opened.port, generation: opened.generation } satisfies ToScanWorker, [opened.port]);
        slot.feedGeneration = opened.generation;
      }
    }
    const id = this.nextId++;
    const job: ToScanWorker = {
      type: 'summarize',
      id,
      file,
      size: options.size,
      mtimeMs: options.mtimeMs,
      ...(options.fromOffset !== undefined ? { fromOffset: options.fromOffset, snapshot: options.snapshot } : {}),
      feed: host !== undefined,
    };
    return new Promise<SummarizeResult>((resolve, reject) => {
      slot.jobs.set(id, { file, resolve, reject });
      if (slot.jobs.size === 1) slot.worker.ref();
      slot.worker.postMessage(job);
    });
  }

  private pickSlot(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.jobs.size < best.jobs.size) best = s;
    if (best && (best.jobs.size === 0 || this.slots.length >= this.threads)) return best;
    return this.spawn();
  }

  private spawn(): Slot {
    const launch = workerScript(__dirname, 'scanWorker', `${__dirname}/scanWorker.ts`);
    const worker = new Worker(launch.script, { eval: launch.eval, resourceLimits: workerResourceLimits });
    const slot: Slot = { worker, jobs: new Map(), feedGeneration: undefined };
    worker.unref();
    worker.on('message', (message: FromScanWorker) => this.onMessage(slot, message));
    worker.on('error', (err) => this.options.log.error(`sessions: scan worker failed: ${describeError(err)}`));
    worker.on('exit', (code) => this.onExit(slot, code));
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, message: FromScanWorker): void {
    const job = slot.jobs.get(message.id);
    if (!job) return;
    slot.jobs.delete(message.id);
    if (slot.jobs.size === 0) {
      slot.worker.unref();
      this.scheduleIdle();
    }
    if (!message.ok) {
      job.reject(message.invalid !== undefined ? new InvalidSessionFileError(job.file, message.invalid) : new Error(message.message));
      return;
    }
    const host = this.feedHost();
    if (host && message.fedGeneration !== undefined) host.noteFed(job.file, message.info.size_bytes, message.info.file_mtime_ms, message.fedGeneration);
    if (host) this.feedCounts[message.fedGeneration !== undefined ? 'fed' : 'not_fed']++;
    job.resolve({ info: message.info, snapshot: message.snapshot, offset: message.offset });
  }

  private onExit(slot: Slot, code: number): void {
    const i = this.slots.indexOf(slot);
    if (i !== -1) this.slots.splice(i, 1);
    if (slot.jobs.size === 0) return;
    // A crash (not our own stop, which waits for idle): its files fail this time; the next
    // scan or change reads them again, in a new worker.
    this.options.log.warn(`sessions: a scan worker stopped (code ${code}) with ${slot.jobs.size} file(s) in progress`);
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of jobs) job.reject(new Error(`the scan worker stopped while reading ${job.file}`));
  }

  private scheduleIdle(): void {
    if (this.slots.some((s) => s.jobs.size > 0)) return;
    this.cancelIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.slots.some((s) => s.jobs.size > 0)) return;
      for (const s of this.slots.splice(0)) void s.worker.terminate();
    }, this.options.idleMs ?? 2_000);
    this.idleTimer.unref();
  }

  private cancelIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.cancelIdle();
    this.localSender?.close();
    const slots = this.slots.splice(0);
    for (const s of slots) {
      const jobs = [...s.jobs.values()];
      s.jobs.clear();
      for (const job of jobs) job.reject(new Error('the session scan is shutting down'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
