import type { CoreEventMap } from '../../../src/shared/model/events';
import type { PiRunEvent } from '../../../src/shared/model/pi';
import type { SessionEntry } from '../../../src/shared/model/entries';

/*
 * The answer pi is writing right now, assembled from `pi-live-event` steps. DOM-free, so the
 * rules are tested in Node: deltas append to the message under way, tool calls start and end,
 * a `message_end` closes a message (pi then writes it to the file), and a closed message goes
 * away once the file read brings the entry that replaces it.
 */

export type LiveEvent = CoreEventMap['pi-live-event'];

export type StreamBlock =
  | { kind: 'text'; index: number; text: string }
  | { kind: 'thinking'; index: number; text: string }
  | { kind: 'tool'; id: string; name: string; args: unknown; state: 'running' | 'done' | 'error'; output: string };

/** One message pi is writing (open) or has finished but the file does not show yet (closed). */
export interface StreamMessage {
  blocks: StreamBlock[];
  closed: boolean;
  /** `aborted`, `error`… from pi's message_end; null while open or for a normal stop. */
  stopReason: string | null;
  errorMessage: string | null;
}

export type RunPhase = 'idle' | 'streaming' | 'ended';

export interface LiveRunSnapshot {
  phase: RunPhase;
  runId: string | null;
  prompt: string | null;
  messages: readonly StreamMessage[];
  /** Set when pi retries an attempt (the run goes on). */
  retrying: boolean;
  /** The last error of the run, or the abort. */
  error: string | null;
  stopReason: string | null;
}

const kinds: ReadonlySet<string> = new Set(['run_start', 'text_delta', 'thinking_delta', 'tool_start', 'tool_end', 'message_end', 'attempt_end', 'error', 'agent_end']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Push events arrive untyped from the transport. A step of another kind, or one missing what
 * its kind needs, is dropped rather than rendered half.
 */
export function parseLiveEvent(payload: unknown): LiveEvent | null {
  if (!isObject(payload) || !isObject(payload.data)) return null;
  const { session_id, session_path, run_id, via, kind, data } = payload;
  if (typeof session_id !== 'string' || typeof session_path !== 'string' || typeof kind !== 'string' || !kinds.has(kind)) return null;
  if (run_id !== null && typeof run_id !== 'string') return null;
  if (via !== 'bridge' && via !== 'rpc') return null;
  const str = (v: unknown) => typeof v === 'string';
  const strOrNull = (v: unknown) => v === null || v === undefined || typeof v === 'string';
  const ok =
    kind === 'run_start' ? str(data.prompt) || data.prompt === undefined
    : kind === 'text_delta' || kind === 'thinking_delta' ? str(data.delta)
    : kind === 'tool_start' ? str(data.tool_call_id) && str(data.tool_name)
    : kind === 'tool_end' ? str(data.tool_call_id)
    : kind === 'message_end' ? str(data.role) && strOrNull(data.stop_reason)
    : kind === 'attempt_end' ? strOrNull(data.stop_reason)
    : kind === 'error' ? str(data.message)
    : strOrNull(data.stop_reason);
  if (!ok) return null;
  // Checked field by field above for the kind it names.
  return payload as unknown as LiveEvent;
}

function contentIndex(data: { content_index?: unknown }): number {
  return typeof data.content_index === 'number' ? data.content_index : 0;
}

/** Message roles pi writes to the file as their own entry when they end. */
const writtenRoles: ReadonlySet<string> = new Set(['assistant', 'toolResult']);

export class LiveRun {
  private phase: RunPhase = 'idle';
  private runId: string | null = null;
  private prompt: string | null = null;
  private messages: StreamMessage[] = [];
  private retrying = false;
  private error: string | null = null;
  private stopReason: string | null = null;
  /**
   * Written entries the file brought before their message_end arrived (the file watcher and
   * the event stream race): the message they stand for is dropped as soon as it closes.
   */
  private writtenAhead = 0;
  /** Messages closed by the run's end rather than by their own message_end. */
  private readonly closedByEnd = new Set<StreamMessage>();

  snapshot(): LiveRunSnapshot {
    return {
      phase: this.phase,
      runId: this.runId,
      prompt: this.prompt,
      messages: this.messages.map((m) => ({ ...m, blocks: m.blocks.map((b) => ({ ...b })) })),
      retrying: this.retrying,
      error: this.error,
      stopReason: this.stopReason,
    };
  }

  get streaming(): boolean {
    return this.phase === 'streaming';
  }

  /** Whether there is anything to draw: a run under way, or messages the file has not caught up with. */
  get visible(): boolean {
    return this.phase === 'streaming' || this.messages.length > 0 || (this.phase === 'ended' && this.error !== null);
  }

  /** Applies one step; a step of a run other than the current one starts that run. */
  apply(event: PiRunEvent & { run_id?: string | null }): void {
    const runId = event.run_id ?? null;
    if (event.kind === 'run_start') {
      this.start(runId, event.data.prompt ?? null);
      return;
    }
    // Runs typed into pi's own terminal may reach us without a start we saw. A step of the
    // run we thought over (pi's idle state read too early) takes it up again as it was.
    if (this.phase !== 'streaming' && event.kind !== 'agent_end') {
      if (runId !== null && runId === this.runId) this.resume();
      else this.start(runId, null);
    }
    else if (runId !== null && this.runId !== null && runId !== this.runId && event.kind !== 'agent_end') this.start(runId, null);
    switch (event.kind) {
      case 'text_delta':
      case 'thinking_delta': {
        const message = this.openMessage();
        const kind = event.kind === 'text_delta' ? 'text' : 'thinking';
        const index = contentIndex(event.data);
        const last = message.blocks[message.blocks.length - 1];
        if (last && last.kind === kind && last.index === index) last.text += event.data.delta;
        else message.blocks.push({ kind, index, text: event.data.delta });
        this.retrying = false;
        return;
      }
      case 'tool_start': {
        const { tool_call_id: id, tool_name: name, args } = event.data;
        if (this.findTool(id)) return;
        this.openMessage().blocks.push({ kind: 'tool', id, name, args, state: 'running', output: '' });
        return;
      }
      case 'tool_end': {
        const tool = this.findTool(event.data.tool_call_id);
        if (!tool) {
          this.openMessage().blocks.push({
            kind: 'tool',
            id: event.data.tool_call_id,
            name: event.data.tool_name,
            args: undefined,
            state: event.data.is_error ? 'error' : 'done',
            output: event.data.output ?? '',
          });
          return;
        }
        tool.state = event.data.is_error ? 'error' : 'done';
        tool.output = event.data.output ?? '';
        return;
      }
      case 'message_end': {
        if (!writtenRoles.has(event.data.role)) return;
        const open = this.messages.find((m) => !m.closed);
        const message = open ?? this.newMessage();
        // Deltas may have been missed (a page opened mid-answer): the final text stands in. A
        // tool result's text is its output, which the tool block shows already.
        if (event.data.role === 'assistant' && !message.blocks.some((b) => b.kind === 'text') && event.data.text) message.blocks.push({ kind: 'text', index: 0, text: event.data.text });
        if (message.blocks.length === 0 && event.data.role !== 'assistant') {
          this.messages.splice(this.messages.indexOf(message), 1);
          return;
        }
        if (this.writtenAhead > 0) {
          this.writtenAhead--;
          this.messages.splice(this.messages.indexOf(message), 1);
          return;
        }
        message.closed = true;
        message.stopReason = event.data.stop_reason === 'stop' || event.data.stop_reason === 'toolUse' ? null : event.data.stop_reason;
        message.errorMessage = event.data.error_message ?? null;
        return;
      }
      case 'attempt_end':
        this.retrying = event.data.will_retry;
        if (event.data.error_message) this.error = event.data.error_message;
        return;
      case 'error':
        this.error = event.data.message;
        return;
      case 'agent_end':
        this.end(event.data.stop_reason, event.data.error_message);
        return;
    }
  }

  /**
   * Entries the file read brought: each written message replaces the oldest closed one shown.
   * Returns whether anything changed.
   */
  settle(entries: readonly SessionEntry[]): boolean {
    const written = entries.filter((e) => e.type === 'message' && isObject(e.message) && writtenRoles.has(String((e.message as { role?: unknown }).role))).length;
    let dropped = 0;
    while (dropped < written) {
      const index = this.messages.findIndex((m) => m.closed);
      if (index < 0) break;
      this.messages.splice(index, 1);
      dropped++;
    }
    if (this.phase === 'streaming') this.writtenAhead += written - dropped;
    // Once the file holds the ended run, its entries tell the error (pi writes it with the message).
    if (this.phase === 'ended' && written > 0 && this.messages.length === 0 && this.error !== null) {
      this.error = null;
      return true;
    }
    return dropped > 0;
  }

  /** pi says it is idle (the live list): a run whose end we missed is over. */
  markIdle(): boolean {
    if (this.phase !== 'streaming') return false;
    this.end(null, null);
    return true;
  }

  /** Forgets everything (another session opened). */
  reset(): void {
    this.phase = 'idle';
    this.runId = null;
    this.prompt = null;
    this.messages = [];
    this.retrying = false;
    this.error = null;
    this.stopReason = null;
    this.writtenAhead = 0;
    this.closedByEnd.clear();
  }

  private start(runId: string | null, prompt: string | null): void {
    // pi wrote the earlier run's messages long before it takes a new prompt: whatever of
    // them is still shown was never written, and the file's version stands.
    this.messages = [];
    this.closedByEnd.clear();
    this.phase = 'streaming';
    this.runId = runId;
    this.prompt = prompt;
    this.retrying = false;
    this.error = null;
    this.stopReason = null;
    this.writtenAhead = 0;
  }

  private end(stopReason: string | null, errorMessage: string | null): void {
    this.phase = 'ended';
    this.retrying = false;
    this.stopReason = stopReason;
    if (errorMessage) this.error = errorMessage;
    // A stop asked for is no error (the server reports it as one to clients that only read
    // errors); the message says "Stopped." instead.
    if (stopReason === 'aborted') this.error = null;
    // An open message that got nothing is no message.
    this.messages = this.messages.filter((m) => m.closed || m.blocks.length > 0);
    for (const m of this.messages) {
      if (!m.closed) this.closedByEnd.add(m);
      m.closed = true;
    }
  }

  private resume(): void {
    this.phase = 'streaming';
    for (const m of this.messages) if (this.closedByEnd.has(m)) m.closed = false;
    this.closedByEnd.clear();
  }

  private openMessage(): StreamMessage {
    return this.messages.find((m) => !m.closed) ?? this.newMessage();
  }

  private newMessage(): StreamMessage {
    const message: StreamMessage = { blocks: [], closed: false, stopReason: null, errorMessage: null };
    this.messages.push(message);
    return message;
  }

  private findTool(id: string): Extract<StreamBlock, { kind: 'tool' }> | undefined {
    for (const m of this.messages) {
      for (const b of m.blocks) if (b.kind === 'tool' && b.id === id) return b;
    }
    return undefined;
  }
}
