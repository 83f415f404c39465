import type { MessagePort, Worker } from 'node:worker_threads';
import { settledWithin } from './settledWithin';

/** A worker's answer to a request, matched by id. */
export type WorkerReply<Data, Code extends string = string> =
  | { type: 'reply'; id: number; ok: true; data: Data }
  | { type: 'reply'; id: number; ok: false; code: Code; message: string };

export interface RestingWorkerOptions<ToWorker extends { type: string }, FromWorker extends { type: string }, Answer extends RestAnswer> {
  /** Starts a new worker thread (script, data, resource limits). */
  launch(): Worker;
  /**
   * Quiet time after which the worker is asked whether it may stop; undefined never asks.
   * A function is asked each time, so the spell can depend on what the worker was used for.
   * A stopped worker is started again by the next message for it.
   */
  restAfterMs: number | undefined | (() => number | undefined);
  /** The question, sent with an id; the worker saves what it must and answers `{ settled }`. */
  restRequest: RequestOf<ToWorker>;
  /** Messages from the worker that are not replies (logs, pushes). */
  onMessage(message: Exclude<FromWorker, { type: 'reply' }>): void;
  /** Turns a failed reply into the error the caller sees. */
  toError(reply: Extract<FromWorker, { type: 'reply'; ok: false }>): Error;
  /** A new worker was started (a first start, or after a rest or a crash). */
  onStart?(): void;
  /**
   * A worker stopped: `rest` when it was stopped after settling (with its answer, which may
   * carry what the next worker should know), else it exited by itself.
   */
  onStop?(reason: 'rest' | 'exit', code: number, answer?: Answer): void;
  /** The error pending requests fail with when the worker exits. */
  exitError(): Error;
}

/** A request as its sender writes it: the message without the id the worker echoes. */
export type RequestOf<ToWorker> = ToWorker extends { id: number } ? Omit<ToWorker, 'id'> : never;

/** The answer to the rest question. */
export interface RestAnswer {
  settled: boolean;
}

interface Waiting {
  resolve(data: unknown): void;
  reject(err: Error): void;
}

/**
 * One long-lived worker thread that starts with the first message for it and stops after a
 * quiet spell once it says it is settled, so an idle editor holds none of its memory: a
 * thread's heap, WebAssembly memory and buffers are returned when it ends, while garbage on
 * the main thread waits for a full collection. Requests are matched to replies by id; the
 * worker keeps the process alive only while a request waits.
 */
export class RestingWorker<ToWorker extends { type: string }, FromWorker extends { type: string }, Answer extends RestAnswer = RestAnswer> {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  /** Messages sent so far: a rest answer is stale once more went out after the question. */
  private sent = 0;
  private lastUse = 0;
  private restTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: RestingWorkerOptions<ToWorker, FromWorker, Answer>) {}

  /** The worker thread if it runs now (it is not started by asking). */
  get current(): Worker | undefined {
    return this.worker;
  }

  /** Starts the worker now if it is not running; false once disposed. */
  start(): boolean {
    return this.running() !== undefined;
  }

  /** Sends a message, starting the worker when it is not running; false once disposed. */
  post(message: ToWorker, transfer?: MessagePort[]): boolean {
    const worker = this.running();
    if (!worker) return false;
    this.send(worker, message, transfer);
    return true;
  }

  /** Sends a request (an id is added) and resolves with the worker's reply data. */
  request(message: RequestOf<ToWorker>, unavailable: () => Error): Promise<unknown> {
    const worker = this.running();
    if (!worker) return Promise.reject(unavailable());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      this.send(worker, { ...message, id } as unknown as ToWorker);
    });
  }

  /** Stops the worker (after `beforeStop`, bounded by `timeoutMs`) and fails what still waits. */
  async dispose(beforeStop?: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
    if (this.disposed) return;
    clearTimeout(this.restTimer);
    const worker = this.worker;
    // The request behind `beforeStop` keeps the process alive while it waits.
    if (worker && beforeStop) await settledWithin(beforeStop(), timeoutMs);
    this.disposed = true;
    this.worker = undefined;
    this.failAll(this.options.exitError());
    if (worker) await worker.terminate();
  }

  private running(): Worker | undefined {
    if (this.disposed) return undefined;
    if (!this.worker) {
      const worker = this.options.launch();
      // Referenced only while a request waits: an idle worker must not keep a finished process alive.
      worker.unref();
      worker.on('message', (message: FromWorker) => this.onMessage(message));
      worker.on('exit', (code) => this.onExit(worker, code));
      this.worker = worker;
      this.options.onStart?.();
    }
    return this.worker;
  }

  private send(worker: Worker, message: ToWorker, transfer?: MessagePort[]): void {
    this.sent++;
    this.lastUse = Date.now();
    const after = this.restAfterMs();
    if (after !== undefined && !this.restTimer) this.armRest(after);
    worker.postMessage(message, transfer);
  }

  private onMessage(message: FromWorker): void {
    if (message.type !== 'reply') {
      this.options.onMessage(message as Exclude<FromWorker, { type: 'reply' }>);
      return;
    }
    const reply = message as unknown as WorkerReply<unknown>;
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    this.lastUse = Date.now();
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.ok) waiting.resolve(reply.data);
    else waiting.reject(this.options.toError(message as Extract<FromWorker, { type: 'reply'; ok: false }>));
  }

  private onExit(worker: Worker, code: number): void {
    if (this.disposed || worker !== this.worker) return;
    this.worker = undefined;
    this.failAll(this.options.exitError());
    this.options.onStop?.('exit', code);
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(error);
  }

  private restAfterMs(): number | undefined {
    const after = this.options.restAfterMs;
    return typeof after === 'function' ? after() : after;
  }

  private armRest(delayMs: number): void {
    this.restTimer = setTimeout(() => this.considerRest(), delayMs);
    this.restTimer.unref();
  }

  /** After a quiet spell, asks the worker whether it is settled, and stops it when it is. */
  private considerRest(): void {
    this.restTimer = undefined;
    const worker = this.worker;
    const after = this.restAfterMs();
    if (!worker || this.disposed || after === undefined) return;
    const quiet = Date.now() - this.lastUse;
    if (quiet < after || this.waiting.size > 0) {
      this.armRest(Math.max(after - quiet, 50));
      return;
    }
    // The question is a message too: the answer holds only if nothing followed it.
    const asked = this.sent + 1;
    this.request(this.options.restRequest, () => this.options.exitError()).then(
      (answer) => {
        if (!(answer as Answer).settled || this.sent !== asked || this.waiting.size > 0 || this.worker !== worker || this.disposed) return;
        clearTimeout(this.restTimer);
        this.restTimer = undefined;
        this.worker = undefined;
        this.options.onStop?.('rest', 0, answer as Answer);
        void worker.terminate();
      },
      () => undefined,
    );
  }
}
