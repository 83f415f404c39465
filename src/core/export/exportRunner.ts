import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../util/workerScript';
import { ApiError } from '../../shared/api/errors';
import type { IDisposable } from '../lifecycle';
import { EncodedJson } from '../util/encodedJson';
import type { ExportFormat, ExportReply } from '../../shared/model/export';
import type { ExportJob, ExportJobReply } from './exportJob';

export interface ExportRunnerOptions {
  /** Exports rendering at once; each may hold a whole session in memory. */
  maxRunning?: number;
  /** Exports waiting for a free slot; more are refused at once. */
  maxWaiting?: number;
  /** Heap limit of one export worker, so a pathological session fails alone. */
  maxHeapMb?: number;
}

/**
 * Runs exports in worker threads, a few at a time. Each export gets a fresh worker, so the
 * memory a big session needed is given back as soon as it is done.
 */
export class ExportRunner implements IDisposable {
  private running = 0;
  private readonly waiting: Array<{ start: () => void; refuse: (err: Error) => void }> = [];
  private readonly workers = new Set<Worker>();
  private disposed = false;

  constructor(private readonly options: ExportRunnerOptions = {}) {}

  async run(job: ExportJob): Promise<ExportReply | EncodedJson<ExportReply>> {
    await this.acquire();
    try {
      return await this.runInWorker(job);
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.disposed) return Promise.reject(new ApiError('unavailable', 'exports are shutting down'));
    if (this.running < (this.options.maxRunning ?? 2)) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= (this.options.maxWaiting ?? 4)) {
      return Promise.reject(new ApiError('unavailable', 'too many exports are in progress; try again when one has finished'));
    }
    return new Promise((start, refuse) => this.waiting.push({ start, refuse }));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }

  private runInWorker(job: ExportJob): Promise<ExportReply | EncodedJson<ExportReply>> {
    if (this.disposed) return Promise.reject(new ApiError('unavailable', 'exports are shutting down'));
    const launch = workerScript(__dirname, 'exportWorker', path.join(__dirname, 'exportWorker.ts'));
    const worker = new Worker(launch.script, {
      eval: launch.eval,
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 3072 },
    });
    this.workers.add(worker);
    return new Promise<ExportReply | EncodedJson<ExportReply>>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.workers.delete(worker);
        fn();
      };
      worker.once('message', (reply: ExportJobReply) => {
        settle(() => {
          if (!reply.ok) {
            reject(reply.code ? new ApiError(reply.code, reply.message) : new Error(reply.message));
            return;
          }
          const { ok: _ok, json, ...rest } = reply;
          resolve(json ? new EncodedJson<ExportReply>(Buffer.from(json)) : rest);
        });
        void worker.terminate();
      });
      worker.once('error', (err: Error & { code?: string }) => {
        settle(() =>
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new ApiError('too_large', 'the export needed more memory than an export may use')
              : err,
          ),
        );
      });
      worker.once('exit', (code) => {
        settle(() => reject(new ApiError('unavailable', this.disposed ? 'exports are shutting down' : `the export stopped unexpectedly (exit code ${code})`)));
      });
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const w of this.waiting.splice(0)) w.refuse(new ApiError('unavailable', 'exports are shutting down'));
    await Promise.all([...this.workers].map((w) => w.terminate()));
    this.workers.clear();
  }
}
