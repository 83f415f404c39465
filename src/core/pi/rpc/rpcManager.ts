import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { EventBus } from '../../events';
import type { IDisposable } from '../../lifecycle';
import { describeError, type Logger } from '../../log';
import { defaultPiCommand, PiRpcProcess, type PiCommand } from './rpcProcess';
import type { RpcResponse } from './rpcProtocol';
import type { OwnSessionWrites } from '../../sessions/ownWrites';
import { toRunSignal, type AgentEndSummary, type RunEvent } from './runEvents';
import type { AbortResult, PiDelivery, PromptDisposition, SendPromptResult } from '../../../shared/model/pi';

/** A session as the catalog knows it. */
export interface SessionRef {
  id: string;
  path: string;
  cwd: string;
}

export interface SessionFinder {
  findSessionById(id: string): SessionRef | undefined;
  findSessionByPath(file: string): SessionRef | undefined;
}

export interface PiRpcManagerOptions {
  bus: EventBus;
  log: Logger;
  sessions: SessionFinder;
  piCommand?: PiCommand;
  /** Environment of the children (tests set PI_CODING_AGENT_DIR and PI_OFFLINE). */
  env?: NodeJS.ProcessEnv;
  /** An idle child is stopped after this long. */
  idleTimeoutMs?: number;
  stopGraceMs?: number;
  handshakeTimeoutMs?: number;
  /** Longest a `wait: true` call blocks before answering `timeout`. */
  waitTimeoutMs?: number;
  /** Where what our children wrote is remembered, so their growth is not taken for another pi's. */
  ownWrites?: OwnSessionWrites;
}

/** One of our RPC children, as live-session listings show it. */
export interface OwnedRpcChild {
  session_id: string;
  session_path: string;
  cwd: string;
  pid: number | null;
  streaming: boolean;
  run_id: string | null;
  started_at: string;
}

export interface SendPromptInput {
  sessionId: string;
  prompt: string;
  /** The client that receives the run's events. */
  callerId: string;
  wait?: boolean;
}

interface RunOutcome {
  finalText: string;
  stopReason: string | null;
  error: string | null;
}

class Run {
  readonly id = randomUUID();
  finished = false;
  /** Text built from deltas, for readers that look at a run before it ends. */
  partialText = '';
  /** The latest `agent_end` of a pi that ends runs at `agent_settled`. */
  lastAttempt: AgentEndSummary | undefined;
  private settle!: (outcome: RunOutcome) => void;
  readonly outcome = new Promise<RunOutcome>((resolve) => (this.settle = resolve));

  constructor(
    readonly callerId: string,
    readonly sessionId: string,
    readonly sessionPath: string,
  ) {}

  finish(outcome: RunOutcome): void {
    if (this.finished) return;
    this.finished = true;
    this.settle(outcome);
  }
}

interface Child {
  session: SessionRef;
  process: PiRpcProcess;
  /**
   * pi 1.6 and later: `agent_end` may be followed by a retry or a recovery, and the run ends
   * at `agent_settled`. Learnt from the child itself (a prompt response's `disposition`, an
   * `agent_end`'s `willRetry`), which 0.73.1 never sends.
   */
  settles: boolean;
  run: Run | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  startedAt: string;
  subscriptions: IDisposable[];
}

/**
 * Owns the `pi --mode rpc` children, one per session file. A prompt reuses the session's
 * child or spawns one; the run's full event stream goes to the calling client only
 * (`pi-rpc-event` targeted at it, since transcripts may hold secrets), while every client
 * hears `pi-live-changed` when a session starts or stops being live or streaming.
 */
export class PiRpcManager implements IDisposable {
  private readonly children = new Map<string, Child>();
  private readonly starting = new Map<string, Promise<Child>>();
  private disposed = false;

  constructor(private readonly options: PiRpcManagerOptions) {}

  async sendPrompt(input: SendPromptInput): Promise<SendPromptResult> {
    if (this.disposed) throw new ApiError('unavailable', 'the pi RPC service is shutting down');
    const session = this.options.sessions.findSessionById(input.sessionId);
    if (!session) throw new ApiError('not_found', `unknown session id: ${input.sessionId}`);
    await ensureFile(session.path, `the session file of ${session.id} is missing: ${session.path}`);
    const child = await this.childFor(session);
    if (child.run && !child.run.finished) {
      throw new ApiError('conflict', `session ${session.id} is already running a prompt (run ${child.run.id})`);
    }
    const run = new Run(input.callerId, session.id, path.resolve(session.path));
    child.run = run;
    this.clearIdle(child);
    this.emit(run, { kind: 'run_start', data: { prompt: input.prompt } });
    this.liveChanged(session.id);
    void run.outcome.then(() => {
      this.options.ownWrites?.recordCurrent(run.sessionPath);
      this.liveChanged(session.id);
      if (child.run === run && !child.process.hasExited) this.scheduleIdle(child);
    });

    let response: RpcResponse;
    try {
      response = await child.process.request({ type: 'prompt', message: input.prompt });
    } catch (err) {
      this.fail(run, describeError(err));
      throw err;
    }
    if (!response.success) {
      const message = `pi reported an error: ${response.error ?? 'no reason given'}`;
      this.fail(run, message);
      throw new ApiError('unavailable', message);
    }
    const disposition = promptDisposition(response.data);
    if (disposition !== undefined) child.settles = true;
    const result: SendPromptResult = { run_id: run.id, session_id: session.id, session_path: session.path, disposition: disposition ?? 'started', via: 'rpc' };
    if (disposition === 'handled') {
      // An extension command took the prompt: no agent events follow, so nothing else would end the run.
      this.emit(run, { kind: 'agent_end', data: { final_text: '', stop_reason: null, error_message: null, handled: true } });
      run.finish({ finalText: '', stopReason: null, error: null });
      return { ...result, final_text: '', stop_reason: null };
    }
    if (!input.wait) return result;

    const waitMs = this.options.waitTimeoutMs ?? 10 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    const outcome = await Promise.race([run.outcome, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new ApiError('timeout', `run ${run.id} did not finish within ${Math.round(waitMs / 1000)} s; it goes on streaming`);
    if (outcome.error !== null) throw new ApiError('unavailable', `pi reported an error: ${outcome.error}`);
    return { ...result, final_text: outcome.finalText, stop_reason: outcome.stopReason };
  }

  /**
   * Steers or queues a follow-up into the run our child of this session has under way; with
   * no run under way it is an ordinary prompt (an idle pi treats all three alike).
   */
  async deliver(input: SendPromptInput & { deliverAs: PiDelivery }): Promise<SendPromptResult> {
    const child = [...this.children.values()].find((c) => c.session.id === input.sessionId);
    const run = child?.run;
    if (!child || !run || run.finished || input.deliverAs === 'prompt') {
      return { ...(await this.sendPrompt(input)), delivered_as: 'prompt' };
    }
    const type = input.deliverAs === 'steer' ? 'steer' : 'follow_up';
    const response = await child.process.request({ type, message: input.prompt });
    if (!response.success) throw new ApiError('unavailable', `pi reported an error: ${response.error ?? 'no reason given'}`);
    return { run_id: run.id, session_id: child.session.id, session_path: child.session.path, disposition: 'queued', via: 'rpc', delivered_as: input.deliverAs };
  }

  /** Stops the run our child of this session has under way; false when none was running. */
  async abort(sessionId: string): Promise<AbortResult> {
    const child = [...this.children.values()].find((c) => c.session.id === sessionId);
    if (!child || !child.run || child.run.finished) return { session_id: sessionId, aborted: false, via: 'rpc' };
    const response = await child.process.request({ type: 'abort' });
    if (!response.success) throw new ApiError('unavailable', `pi could not abort: ${response.error ?? 'no reason given'}`);
    return { session_id: sessionId, aborted: true, via: 'rpc' };
  }

  /** Our children, as they are now. */
  list(): OwnedRpcChild[] {
    return [...this.children.values()].map((child) => ({
      session_id: child.session.id,
      session_path: child.session.path,
      cwd: child.session.cwd,
      pid: child.process.pid ?? null,
      streaming: child.run !== undefined && !child.run.finished,
      run_id: child.run?.id ?? null,
      started_at: child.startedAt,
    }));
  }

  /** The text streamed so far by the session's current run, if one is active. */
  partialText(sessionId: string): string | undefined {
    const child = [...this.children.values()].find((c) => c.session.id === sessionId);
    return child?.run && !child.run.finished ? child.run.partialText : undefined;
  }

  ownedPids(): Set<number> {
    return new Set([...this.children.values()].map((c) => c.process.pid).filter((pid): pid is number => pid !== undefined));
  }

  /** Stops the session's child, if we have one. */
  async closeSession(sessionId: string): Promise<boolean> {
    const child = [...this.children.values()].find((c) => c.session.id === sessionId);
    if (!child) return false;
    await child.process.stop();
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.allSettled([...this.starting.values()]);
    await Promise.all([...this.children.values()].map((child) => child.process.stop()));
  }

  private childFor(session: SessionRef): Promise<Child> {
    const key = path.resolve(session.path);
    const existing = this.children.get(key);
    if (existing && !existing.process.hasExited) return Promise.resolve(existing);
    const pending = this.starting.get(key);
    if (pending) return pending;
    const started = this.spawnChild(key, session).finally(() => this.starting.delete(key));
    this.starting.set(key, started);
    return started;
  }

  private async spawnChild(key: string, session: SessionRef): Promise<Child> {
    await ensureDirectory(session.cwd, `the working folder of session ${session.id} does not exist: ${session.cwd}`);
    const { process: proc, state } = await PiRpcProcess.start({
      piCommand: this.options.piCommand ?? defaultPiCommand,
      sessionPath: key,
      cwd: session.cwd,
      env: this.options.env ?? process.env,
      log: this.options.log,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      stopGraceMs: this.options.stopGraceMs,
    });
    if (this.disposed) {
      await proc.stop();
      throw new ApiError('unavailable', 'the pi RPC service is shutting down');
    }
    if (state.sessionFile && path.resolve(state.sessionFile) !== key) {
      this.options.log.warn(`pi opened ${state.sessionFile} instead of ${key}`);
    }
    const child: Child = { session: { ...session, path: key }, process: proc, settles: false, run: undefined, idleTimer: undefined, startedAt: new Date().toISOString(), subscriptions: [] };
    child.subscriptions.push(
      proc.onEvent((event) => {
        const run = child.run;
        const signal = toRunSignal(event);
        if (signal?.kind === 'agent_settled') child.settles = true;
        if (signal?.kind === 'agent_end' && signal.summary.will_retry !== undefined) child.settles = true;
        if (!run || run.finished || !signal) return;
        switch (signal.kind) {
          case 'stream':
            if (signal.event.kind === 'text_delta') run.partialText += signal.event.data.delta;
            this.emit(run, signal.event);
            return;
          case 'agent_end': {
            const { stop_reason, error_message, will_retry } = signal.summary;
            if (!child.settles) {
              this.endRun(run, signal.summary);
              return;
            }
            run.lastAttempt = signal.summary;
            this.emit(run, { kind: 'attempt_end', data: { stop_reason, error_message, will_retry: will_retry === true } });
            return;
          }
          case 'agent_settled': {
            const last = run.lastAttempt ?? { final_text: run.partialText, stop_reason: null, error_message: null, will_retry: false };
            this.endRun(run, signal.aborted && last.stop_reason !== 'aborted' && last.stop_reason !== 'error' ? { ...last, stop_reason: 'aborted' } : last);
            return;
          }
        }
      }),
      // pi answers every prompt at once and reports its failure later, as a second response.
      proc.onUnmatchedResponse((response) => {
        if (response.command === 'prompt' && !response.success && child.run) this.fail(child.run, response.error ?? 'the prompt failed');
      }),
      proc.onExit(() => {
        this.options.ownWrites?.recordCurrent(key);
        for (const sub of child.subscriptions) sub.dispose();
        this.clearIdle(child);
        if (child.run && !child.run.finished) this.fail(child.run, proc.describeExit().message);
        if (this.children.get(key) === child) this.children.delete(key);
        this.liveChanged(session.id);
      }),
    );
    this.children.set(key, child);
    this.scheduleIdle(child);
    this.liveChanged(session.id);
    return child;
  }

  /** pi shows a failed model call only in the last message's stopReason and errorMessage. */
  private endRun(run: Run, summary: AgentEndSummary): void {
    const { final_text, stop_reason, error_message } = summary;
    const failed = stop_reason === 'error' || stop_reason === 'aborted';
    const error = failed ? (error_message ?? `the run ended with ${stop_reason}`) : null;
    if (error !== null) this.emit(run, { kind: 'error', data: { message: error } });
    this.emit(run, { kind: 'agent_end', data: { final_text, stop_reason, error_message, handled: false } });
    run.finish({ finalText: final_text, stopReason: stop_reason, error });
  }

  private fail(run: Run, message: string): void {
    if (run.finished) return;
    this.emit(run, { kind: 'error', data: { message } });
    run.finish({ finalText: run.partialText, stopReason: 'error', error: message });
  }

  private emit(run: Run, event: RunEvent): void {
    this.options.bus.publish('pi-rpc-event', { run_id: run.id, session_id: run.sessionId, ...event }, { target: run.callerId });
    // Readers following the session see the run too, without the right to steer it.
    this.options.bus.publish('pi-live-event', { session_id: run.sessionId, session_path: run.sessionPath, run_id: run.id, via: 'rpc', ...event });
  }

  private liveChanged(sessionId: string): void {
    if (this.disposed) return;
    this.options.bus.publish('pi-live-changed', { session_ids: [sessionId] });
  }

  private scheduleIdle(child: Child): void {
    this.clearIdle(child);
    const timeout = this.options.idleTimeoutMs ?? 10 * 60_000;
    child.idleTimer = setTimeout(() => {
      this.options.log.info(`stopping idle pi RPC child of ${child.session.path}`);
      void child.process.stop();
    }, timeout);
    child.idleTimer.unref();
  }

  private clearIdle(child: Child): void {
    if (child.idleTimer) clearTimeout(child.idleTimer);
    child.idleTimer = undefined;
  }
}

async function ensureFile(file: string, message: string): Promise<void> {
  const stat = await fs.promises.stat(file).catch(() => undefined);
  if (!stat?.isFile()) throw new ApiError('not_found', message);
}

async function ensureDirectory(dir: string, message: string): Promise<void> {
  const stat = await fs.promises.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new ApiError('not_found', message);
}

const dispositions: ReadonlySet<string> = new Set<PromptDisposition>(['started', 'queued', 'handled']);

/** pi 1.6 names what it did with a prompt; older pis answer with no data. */
function promptDisposition(data: unknown): PromptDisposition | undefined {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).disposition : undefined;
  return typeof value === 'string' && dispositions.has(value) ? (value as PromptDisposition) : undefined;
}
