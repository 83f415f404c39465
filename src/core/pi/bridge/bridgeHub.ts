import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { ApiError } from '../../../shared/api/errors';
import type { AbortResult, BridgeKind, LiveBridgeState, LiveSession, PiDelivery, PiMode, PiRunEvent, SendPromptResult } from '../../../shared/model/pi';
import type { EventBus } from '../../events';
import type { IDisposable } from '../../lifecycle';
import { describeError, type Logger } from '../../log';
import { resolveSessionFileToBe } from '../../sessions/sessionPathGuard';
import type { SessionRef } from '../rpc/rpcManager';
import type { RpcEvent } from '../rpc/rpcProtocol';
import { toRunSignal, type AgentEndSummary } from '../rpc/runEvents';
import { asRecord, checkFrameType, modelName, readRegistration, readResponse, readStateUpdate, type BridgeFrame, type BridgeResponse, type BridgeStateUpdate } from './bridgeFrames';

/** The socket of one bridge, as the transport hands it to the hub. */
export interface BridgePeer {
  send(frame: Record<string, unknown>): void;
  /** Who connected, for logs: a token's name, or a local client. */
  readonly label: string;
}

export interface BridgeHubOptions {
  bus: EventBus;
  log: Logger;
  /** The session folders: a bridge may register only a file inside them. */
  sessionRoots(): string[];
  /** The session index: a session pi has just created is indexed at once. */
  index: { findSessionByPath(file: string): SessionRef | undefined; refreshFile(file: string): Promise<unknown> };
  /** How long pi may take to answer a request of ours. */
  requestTimeoutMs?: number;
  /** How long a prompt pi accepted may take to start its run. */
  startTimeoutMs?: number;
  /** Longest a `wait: true` call blocks before answering `timeout`. */
  waitTimeoutMs?: number;
}

interface RunOutcome {
  finalText: string;
  stopReason: string | null;
  error: string | null;
}

/** One run of a bridged pi: started by a prompt of ours (`callerId` set) or inside pi itself. */
class BridgeRun {
  started = false;
  finished = false;
  partialText = '';
  lastAttempt: AgentEndSummary | undefined;
  startTimer: NodeJS.Timeout | undefined;
  private settle!: (outcome: RunOutcome) => void;
  readonly outcome = new Promise<RunOutcome>((resolve) => (this.settle = resolve));

  constructor(
    /** Null for a run typed in pi's own terminal, until a client of ours steers into it. */
    public id: string | null,
    public callerId: string | undefined,
    readonly prompt: string,
  ) {}

  finish(outcome: RunOutcome): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.startTimer);
    this.settle(outcome);
  }
}

interface BridgedSession {
  readonly link: BridgeLink;
  readonly id: string;
  readonly path: string;
  readonly cwd: string | null;
  readonly pid: number | null;
  readonly kind: BridgeKind;
  readonly piVersion: string | null;
  readonly mode: PiMode | null;
  readonly connectedAt: string;
  model: string | null;
  thinkingLevel: string | null;
  contextUsage: LiveBridgeState['context_usage'];
  leafId: string | null;
  name: string | null;
  streaming: boolean;
  /** pi 1.6 and later end a run at `agent_settled`; learnt from the events, as for RPC children. */
  settles: boolean;
  run: BridgeRun | undefined;
  /** Our prompts that pi accepted and whose `agent_start` has not come yet. */
  pending: BridgeRun[];
}

interface PendingRequest {
  sessionId: string;
  type: string;
  resolve(response: BridgeResponse): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Frames that are not pi events. */
const controlTypes: ReadonlySet<string> = new Set(['register', 'session_state', 'response', 'ack', 'ping', 'pong', 'error']);

/**
 * The live pi sessions whose pi told us itself, over a bridge on `/ws`: ours (shipped with the
 * product) or the desktop app's `pi-session-bridge`. A session is live exactly while its
 * bridge's socket is open. Their run events are broadcast as `pi-live-event` (and sent to the
 * client that started a run as `pi-rpc-event`), and prompts, steers and aborts go back to pi.
 */
export class BridgeHub implements IDisposable {
  private readonly byPath = new Map<string, BridgedSession>();
  private readonly links = new Set<BridgeLink>();

  constructor(readonly options: BridgeHubOptions) {}

  /** A socket that sent its first bridge frame. */
  connect(peer: BridgePeer): BridgeLink {
    const link = new BridgeLink(this, peer);
    this.links.add(link);
    return link;
  }

  /** The bridged session with this id, if a bridge has it registered now. */
  find(sessionId: string): BridgedSession | undefined {
    for (const s of this.byPath.values()) if (s.id === sessionId) return s;
    return undefined;
  }

  findByPath(file: string): BridgedSession | undefined {
    return this.byPath.get(file);
  }

  has(sessionId: string): boolean {
    return this.find(sessionId) !== undefined;
  }

  /** Processes of bridged pis, which are no longer guesses. */
  pids(): Set<number> {
    return new Set([...this.byPath.values()].map((s) => s.pid).filter((pid): pid is number => pid !== null));
  }

  liveSessions(): LiveSession[] {
    return [...this.byPath.values()].map((s) => ({
      session_id: s.id,
      session_path: s.path,
      cwd: s.cwd,
      pid: s.pid,
      detected_by: 'bridge',
      heuristic: false,
      streaming: s.streaming,
      last_activity: mtimeIso(s.path),
      bridge: bridgeState(s),
    }));
  }

  /** What `get_pi_agent_entries` shows of a bridged session's run under way. */
  liveRun(sessionId: string): { pid: number | null; streaming: boolean; run_id: string | null; partial_text: string | null } | undefined {
    const s = this.find(sessionId);
    if (!s) return undefined;
    return { pid: s.pid, streaming: s.streaming, run_id: s.run?.id ?? null, partial_text: s.run && !s.run.finished ? s.run.partialText : null };
  }

  /** Asks pi for its state now (leaf, model, streaming); the last known state if it does not answer. */
  async refreshState(sessionId: string, timeoutMs = 3_000): Promise<LiveBridgeState | undefined> {
    const s = this.find(sessionId);
    if (!s) return undefined;
    try {
      const response = await s.link.request(s, 'get_state', {}, timeoutMs);
      if (response.success) this.applyState(s, readStateUpdate(response.data));
    } catch (err) {
      this.options.log.debug(`bridge: get_state of ${s.id}: ${describeError(err)}`);
    }
    return bridgeState(s);
  }

  /**
   * Sends a prompt to the bridged pi. An idle pi starts a run with it whatever `deliverAs`
   * says; a streaming pi gets it as a steer or a follow-up (a plain prompt is queued as one).
   */
  async deliver(input: { sessionId: string; prompt: string; deliverAs: PiDelivery; callerId: string; wait: boolean }): Promise<SendPromptResult> {
    const s = this.find(input.sessionId);
    if (!s) throw new ApiError('not_found', `session ${input.sessionId} has no bridge`);
    const streaming = s.streaming || s.pending.length > 0;
    const base = { session_id: s.id, session_path: s.path, via: 'bridge' as const };
    if (!streaming) {
      const run = new BridgeRun(randomUUID(), input.callerId, input.prompt);
      s.pending.push(run);
      let response: BridgeResponse;
      try {
        response = await s.link.request(s, 'prompt', { message: input.prompt });
      } catch (err) {
        this.dropPending(s, run);
        run.finish({ finalText: '', stopReason: 'error', error: describeError(err) });
        throw err;
      }
      if (!response.success) {
        this.dropPending(s, run);
        const message = `pi refused the prompt: ${response.error ?? 'no reason given'}`;
        run.finish({ finalText: '', stopReason: 'error', error: message });
        throw new ApiError('unavailable', message);
      }
      const disposition = asRecord(response.data).disposition;
      if (disposition === 'handled') {
        this.dropPending(s, run);
        this.emit(s, run, { kind: 'agent_end', data: { final_text: '', stop_reason: null, error_message: null, handled: true } });
        run.finish({ finalText: '', stopReason: null, error: null });
        return { ...base, run_id: run.id!, disposition: 'handled', delivered_as: 'prompt', final_text: '', stop_reason: null };
      }
      if (disposition === 'queued' && !run.started) {
        // A run typed in pi's terminal began first: ours waits in pi's queue and becomes part of it.
        this.dropPending(s, run);
        run.finish({ finalText: '', stopReason: null, error: null });
        const current = s.run ? this.adopt(s.run, input.callerId) : run.id!;
        return { ...base, run_id: current, disposition: 'queued', delivered_as: 'follow_up' };
      }
      if (!run.started) {
        const ms = this.options.startTimeoutMs ?? 60_000;
        run.startTimer = setTimeout(() => {
          if (run.started || run.finished) return;
          this.dropPending(s, run);
          this.fail(s, run, `pi accepted the prompt but started no run within ${Math.round(ms / 1000)} s`);
        }, ms);
        run.startTimer.unref();
      }
      const result: SendPromptResult = { ...base, run_id: run.id!, disposition: 'started', delivered_as: 'prompt' };
      return input.wait ? this.waitFor(run, result) : result;
    }
    const as = input.deliverAs === 'steer' ? 'steer' : 'follow_up';
    const response = await s.link.request(s, as, { message: input.prompt });
    if (!response.success) throw new ApiError('unavailable', `pi refused the ${as === 'steer' ? 'steer' : 'follow-up'}: ${response.error ?? 'no reason given'}`);
    const run = s.run ?? s.pending[0];
    const runId = run ? this.adopt(run, input.callerId) : randomUUID();
    const result: SendPromptResult = { ...base, run_id: runId, disposition: 'queued', delivered_as: as };
    return input.wait && run ? this.waitFor(run, result) : result;
  }

  async abort(sessionId: string): Promise<AbortResult> {
    const s = this.find(sessionId);
    if (!s) throw new ApiError('not_found', `session ${sessionId} has no bridge`);
    const wasStreaming = s.streaming || s.pending.length > 0;
    const response = await s.link.request(s, 'abort', {});
    if (!response.success) throw new ApiError('unavailable', `pi refused to abort: ${response.error ?? 'no reason given'}`);
    return { session_id: s.id, aborted: wasStreaming, via: 'bridge' };
  }

  dispose(): void {
    for (const link of [...this.links]) link.close();
  }

  // ---- called by BridgeLink ----

  /** @internal */
  async register(link: BridgeLink, frame: BridgeFrame): Promise<BridgedSession> {
    const reg = readRegistration(frame);
    const file = await resolveSessionFileToBe(reg.sessionPath, this.options.sessionRoots(), 'register: payload.sessionPath');
    const headerId = await readHeaderId(file);
    if (headerId !== undefined && headerId !== reg.sessionId) {
      throw new ApiError('forbidden', `register: ${file} holds session ${headerId}, not ${reg.sessionId}`);
    }
    const previous = link.session;
    if (previous && previous.path !== file) this.drop(previous, 'pi switched to another session');
    const existing = this.byPath.get(file);
    if (existing && existing.link !== link) {
      // pi reconnected (or a second pi opened the file): the newest registration is the live one.
      this.drop(existing, 'another bridge registered the same session');
    }
    let session: BridgedSession;
    if (existing && existing.link === link) {
      session = existing;
    } else {
      session = {
        link,
        id: reg.sessionId,
        path: file,
        cwd: reg.cwd,
        pid: reg.pid,
        kind: reg.kind,
        piVersion: reg.piVersion,
        mode: reg.mode,
        connectedAt: new Date().toISOString(),
        model: null,
        thinkingLevel: null,
        contextUsage: null,
        leafId: null,
        name: null,
        streaming: false,
        settles: reg.piVersion !== null && !reg.piVersion.startsWith('0.'),
        run: undefined,
        pending: [],
      };
      this.byPath.set(file, session);
      this.options.log.info(`bridge: ${reg.kind === 'ours' ? 'pi' : "the desktop app's bridge"} registered session ${session.id} (${file}) for ${link.peer.label}`);
    }
    this.applyState(session, reg.state);
    this.ensureIndexed(session);
    this.liveChanged(session.id);
    return session;
  }

  /** @internal */
  applyState(s: BridgedSession, update: BridgeStateUpdate): void {
    if (update.model !== undefined) s.model = update.model;
    if (update.thinkingLevel !== undefined) s.thinkingLevel = update.thinkingLevel;
    if (update.contextUsage !== undefined) s.contextUsage = update.contextUsage;
    if (update.leafId !== undefined) s.leafId = update.leafId;
    if (update.name !== undefined) s.name = update.name;
    if (update.isStreaming !== undefined && update.isStreaming !== s.streaming && !s.run) {
      // A state report is a snapshot; runs themselves are followed from agent_start/agent_settled.
      s.streaming = update.isStreaming;
      this.liveChanged(s.id);
    }
  }

  /** @internal One pi event of a registered session. */
  onEvent(s: BridgedSession, frame: BridgeFrame): void {
    switch (frame.type) {
      case 'agent_start':
        this.startRun(s);
        break;
      case 'model_select':
        s.model = modelName(frame.model);
        break;
      case 'thinking_level_select':
        if (typeof frame.level === 'string') s.thinkingLevel = frame.level;
        break;
      case 'session_info_changed':
        s.name = typeof frame.name === 'string' && frame.name.length > 0 ? frame.name : null;
        break;
      case 'turn_end': {
        const results = Array.isArray(frame.toolResultEntryIds) ? frame.toolResultEntryIds.filter((x): x is string => typeof x === 'string') : [];
        const leaf = results.length > 0 ? results[results.length - 1] : frame.messageEntryId;
        if (typeof leaf === 'string') s.leafId = leaf;
        this.ensureIndexed(s);
        break;
      }
    }
    const signal = toRunSignal(frame as RpcEvent);
    if (signal?.kind === 'agent_settled') s.settles = true;
    if (signal?.kind === 'agent_end' && signal.summary.will_retry !== undefined) s.settles = true;
    if (!signal) return;
    // Events before any agent_start (a bridge that connected mid-run) open a run of their own.
    const run = s.run && !s.run.finished ? s.run : signal.kind === 'stream' ? this.startRun(s) : undefined;
    if (!run) return;
    switch (signal.kind) {
      case 'stream':
        if (signal.event.kind === 'text_delta') run.partialText += signal.event.data.delta;
        this.emit(s, run, signal.event);
        return;
      case 'agent_end': {
        const { stop_reason, error_message, will_retry } = signal.summary;
        // The desktop app's bridge forwards no agent_settled: its agent_end is final unless pi goes on.
        const final = s.kind === 'original' ? will_retry !== true : !s.settles;
        if (final) return this.endRun(s, run, signal.summary);
        run.lastAttempt = signal.summary;
        this.emit(s, run, { kind: 'attempt_end', data: { stop_reason, error_message, will_retry: will_retry === true } });
        return;
      }
      case 'agent_settled': {
        const last = run.lastAttempt ?? { final_text: run.partialText, stop_reason: null, error_message: null, will_retry: false };
        this.endRun(s, run, signal.aborted && last.stop_reason !== 'aborted' && last.stop_reason !== 'error' ? { ...last, stop_reason: 'aborted' } : last);
        return;
      }
    }
  }

  /** @internal The bridge's socket closed, or it registered another session. */
  drop(s: BridgedSession, why: string): void {
    if (this.byPath.get(s.path) !== s) return;
    this.byPath.delete(s.path);
    if (s.link.session === s) s.link.session = undefined;
    const message = `pi's bridge went away before the run ended (${why})`;
    for (const run of s.pending.splice(0)) this.fail(s, run, message);
    if (s.run && !s.run.finished) this.fail(s, s.run, message);
    s.link.rejectRequests(s.id, new ApiError('unavailable', `session ${s.id} is no longer bridged: ${why}`));
    this.options.log.info(`bridge: session ${s.id} is no longer live (${why})`);
    this.liveChanged(s.id);
  }

  /** @internal */
  forget(link: BridgeLink): void {
    this.links.delete(link);
  }

  private startRun(s: BridgedSession): BridgeRun {
    if (s.run && !s.run.finished) return s.run;
    const run = s.pending.shift() ?? new BridgeRun(null, undefined, '');
    run.started = true;
    clearTimeout(run.startTimer);
    s.run = run;
    s.streaming = true;
    this.emit(s, run, { kind: 'run_start', data: { prompt: run.prompt } });
    this.liveChanged(s.id);
    return run;
  }

  /** pi shows a failed model call only in the last message's stopReason and errorMessage. */
  private endRun(s: BridgedSession, run: BridgeRun, summary: AgentEndSummary): void {
    const { final_text, stop_reason, error_message } = summary;
    const failed = stop_reason === 'error' || stop_reason === 'aborted';
    const error = failed ? (error_message ?? `the run ended with ${stop_reason}`) : null;
    if (error !== null) this.emit(s, run, { kind: 'error', data: { message: error } });
    this.emit(s, run, { kind: 'agent_end', data: { final_text, stop_reason, error_message, handled: false } });
    run.finish({ finalText: final_text, stopReason: stop_reason, error });
    if (s.run === run) s.run = undefined;
    s.streaming = s.pending.length > 0;
    this.ensureIndexed(s);
    this.liveChanged(s.id);
  }

  private fail(s: BridgedSession, run: BridgeRun, message: string): void {
    if (run.finished) return;
    this.emit(s, run, { kind: 'error', data: { message } });
    run.finish({ finalText: run.partialText, stopReason: 'error', error: message });
    if (s.run === run) {
      s.run = undefined;
      s.streaming = false;
      this.liveChanged(s.id);
    }
  }

  private dropPending(s: BridgedSession, run: BridgeRun): void {
    const i = s.pending.indexOf(run);
    if (i >= 0) s.pending.splice(i, 1);
    clearTimeout(run.startTimer);
  }

  /** A client steering into a run gets its events from then on; a run from pi's terminal gets an id. */
  private adopt(run: BridgeRun, callerId: string): string {
    run.id ??= randomUUID();
    run.callerId ??= callerId;
    return run.id;
  }

  private async waitFor(run: BridgeRun, result: SendPromptResult): Promise<SendPromptResult> {
    const waitMs = this.options.waitTimeoutMs ?? 10 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    const outcome = await Promise.race([run.outcome, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new ApiError('timeout', `run ${result.run_id} did not finish within ${Math.round(waitMs / 1000)} s; it goes on streaming`);
    if (outcome.error !== null) throw new ApiError('unavailable', `pi reported an error: ${outcome.error}`);
    return { ...result, final_text: outcome.finalText, stop_reason: outcome.stopReason };
  }

  private emit(s: BridgedSession, run: BridgeRun, event: PiRunEvent): void {
    this.options.bus.publish('pi-live-event', { session_id: s.id, session_path: s.path, run_id: run.id, via: 'bridge', ...event });
    if (run.id !== null && run.callerId !== undefined) {
      this.options.bus.publish('pi-rpc-event', { run_id: run.id, session_id: s.id, ...event }, { target: run.callerId });
    }
  }

  private liveChanged(sessionId: string): void {
    this.options.bus.publish('pi-live-changed', { session_ids: [sessionId] });
  }

  /** pi creates its file at the first message; the index should know the session as soon as it exists. */
  private ensureIndexed(s: BridgedSession): void {
    if (this.options.index.findSessionByPath(s.path)) return;
    if (!fs.existsSync(s.path)) return;
    this.options.index.refreshFile(s.path).catch((err: unknown) => this.options.log.warn(`bridge: indexing ${s.path} failed: ${describeError(err)}`));
  }
}

/**
 * One bridge socket. It holds at most one session at a time (a re-register switches it) and
 * the requests we sent it, matched by our own unique id, or by session id for a bridge that
 * answers without one.
 */
export class BridgeLink {
  session: BridgedSession | undefined;
  private kind: BridgeKind | undefined;
  private readonly requests = new Map<string, PendingRequest>();
  private closed = false;

  constructor(
    private readonly hub: BridgeHub,
    readonly peer: BridgePeer,
  ) {}

  /** Handles one bridge frame; answers errors to the bridge rather than throwing. */
  async handle(frame: BridgeFrame): Promise<void> {
    if (this.closed) return;
    try {
      checkFrameType(frame.type);
      switch (frame.type) {
        case 'register': {
          const session = await this.hub.register(this, frame);
          this.session = session;
          this.kind = session.kind;
          this.peer.send({ type: 'ack', of: 'register', sessionId: session.id });
          return;
        }
        case 'session_state': {
          const s = this.requireSession();
          this.hub.applyState(s, readStateUpdate(asRecord(frame.payload ?? frame)));
          return;
        }
        case 'response':
          return this.onResponse(readResponse(frame));
        case 'ack':
        case 'pong':
          return;
        default: {
          if (controlTypes.has(frame.type)) throw new ApiError('invalid_request', `type: ${frame.type} is not something a bridge sends`);
          const s = this.requireSession();
          const about = typeof frame.sessionId === 'string' ? frame.sessionId : undefined;
          if (about === undefined || about === s.id) this.hub.onEvent(s, frame);
          // The desktop app's bridge waits for an ack of every event.
          if (this.kind === 'original') this.peer.send({ type: 'ack' });
        }
      }
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'internal';
      this.peer.send({ type: 'error', of: frame.type.slice(0, 64), error: describeError(err), code });
    }
  }

  /** Sends a request to pi and waits for its answer. */
  request(s: BridgedSession, type: string, fields: Record<string, unknown>, timeoutMs = this.hub.options.requestTimeoutMs ?? 10_000): Promise<BridgeResponse> {
    if (this.closed) return Promise.reject(new ApiError('unavailable', `session ${s.id} is no longer bridged`));
    const id = `psm-${randomUUID()}`;
    return new Promise<BridgeResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(id);
        reject(new ApiError('timeout', `pi did not answer ${type} for session ${s.id} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      timer.unref();
      this.requests.set(id, { sessionId: s.id, type, resolve, reject, timer });
      this.peer.send({ type, sessionId: s.id, id, ...fields });
    });
  }

  rejectRequests(sessionId: string | undefined, err: Error): void {
    for (const [id, pending] of this.requests) {
      if (sessionId !== undefined && pending.sessionId !== sessionId) continue;
      clearTimeout(pending.timer);
      this.requests.delete(id);
      pending.reject(err);
    }
  }

  /** The socket closed: the session stops being live at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.session) this.hub.drop(this.session, 'its connection closed');
    this.rejectRequests(undefined, new ApiError('unavailable', "pi's bridge disconnected"));
    this.hub.forget(this);
  }

  private onResponse(response: BridgeResponse): void {
    let key = response.id !== null && this.requests.has(response.id) ? response.id : undefined;
    if (key === undefined && response.sessionId !== null) {
      // The desktop app's bridge used the session id as the correlation id: the oldest open request of that session.
      for (const [id, pending] of this.requests) {
        if (pending.sessionId === response.sessionId) {
          key = id;
          break;
        }
      }
    }
    if (key === undefined) return;
    const pending = this.requests.get(key)!;
    this.requests.delete(key);
    clearTimeout(pending.timer);
    pending.resolve(response);
  }

  private requireSession(): BridgedSession {
    if (!this.session) throw new ApiError('invalid_request', 'register a session first: {"type":"register","payload":{sessionId, sessionPath, …}}');
    return this.session;
  }
}

function bridgeState(s: BridgedSession): LiveBridgeState {
  return {
    kind: s.kind,
    pi_version: s.piVersion,
    mode: s.mode,
    model: s.model,
    thinking_level: s.thinkingLevel,
    context_usage: s.contextUsage,
    leaf_id: s.leafId,
    name: s.name,
    connected_at: s.connectedAt,
  };
}

function mtimeIso(file: string): string | null {
  try {
    return new Date(fs.statSync(file).mtimeMs).toISOString();
  } catch {
    return null;
  }
}

/** The id in a session file's header line, or undefined when the file does not exist (yet) or has none. */
async function readHeaderId(file: string): Promise<string | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline < 0) return undefined;
    const header = asRecord(JSON.parse(text.slice(0, newline)));
    return header.type === 'session' && typeof header.id === 'string' ? header.id : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
