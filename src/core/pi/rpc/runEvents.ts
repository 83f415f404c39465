import type { PiRunEvent } from '../../../shared/model/pi';
import type { RpcEvent } from './rpcProtocol';

/**
 * What a client sees of a run. pi's own events repeat the whole partial message on every
 * delta; these carry only what changed, in snake_case.
 */
export type RunEvent = PiRunEvent;

/** pi's `agent_end`, read: the run's end for older pis, one attempt's end for pi 1.6. */
export interface AgentEndSummary {
  final_text: string;
  stop_reason: string | null;
  error_message: string | null;
  /** Present only from pis that go on after `agent_end` (and end a run at `agent_settled`). */
  will_retry: boolean | undefined;
}

/** What one pi event means for a run, beyond what is streamed to the client. */
export type RunSignal =
  | { kind: 'stream'; event: RunEvent }
  | { kind: 'agent_end'; summary: AgentEndSummary }
  | { kind: 'agent_settled'; aborted: boolean };

interface MessageLike {
  role?: unknown;
  content?: unknown;
  stopReason?: unknown;
  errorMessage?: unknown;
}

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');
const asNumber = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** The visible text of a message: its text blocks joined (a plain string content counts too). */
export function messageText(message: MessageLike): string {
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.content)) return '';
  return message.content
    .map((block) => asRecord(block))
    .filter((block) => block.type === 'text')
    .map((block) => asString(block.text))
    .join('');
}

/** Reads pi's `agent_end`: the last assistant message carries the outcome. */
export function summarizeAgentEnd(event: RpcEvent): AgentEndSummary {
  const messages = Array.isArray(event.messages) ? event.messages.map((m) => asRecord(m) as MessageLike) : [];
  const last = [...messages].reverse().find((m) => m.role === 'assistant');
  return {
    final_text: last ? messageText(last) : '',
    stop_reason: last && typeof last.stopReason === 'string' ? last.stopReason : null,
    error_message: last && typeof last.errorMessage === 'string' ? last.errorMessage : null,
    will_retry: typeof event.willRetry === 'boolean' ? event.willRetry : undefined,
  };
}

/** Classifies one pi event; events nobody needs (turn_start, partial updates…) give none. */
export function toRunSignal(event: RpcEvent): RunSignal | undefined {
  if (event.type === 'agent_end') return { kind: 'agent_end', summary: summarizeAgentEnd(event) };
  if (event.type === 'agent_settled') return { kind: 'agent_settled', aborted: event.aborted === true };
  const streamed = toRunEvent(event);
  return streamed ? { kind: 'stream', event: streamed } : undefined;
}

/** Translates one streamed pi event; the ends of runs are read by `toRunSignal`. */
export function toRunEvent(event: RpcEvent): RunEvent | undefined {
  switch (event.type) {
    case 'message_update': {
      const update = asRecord(event.assistantMessageEvent);
      const contentIndex = asNumber(update.contentIndex);
      if (update.type === 'text_delta') return { kind: 'text_delta', data: { delta: asString(update.delta), content_index: contentIndex } };
      if (update.type === 'thinking_delta') return { kind: 'thinking_delta', data: { delta: asString(update.delta), content_index: contentIndex } };
      return undefined;
    }
    case 'tool_execution_start':
      return { kind: 'tool_start', data: { tool_call_id: asString(event.toolCallId), tool_name: asString(event.toolName), args: event.args ?? null } };
    case 'tool_execution_end':
      return {
        kind: 'tool_end',
        data: { tool_call_id: asString(event.toolCallId), tool_name: asString(event.toolName), is_error: event.isError === true, output: messageText(asRecord(event.result)) },
      };
    case 'message_end': {
      const message = asRecord(event.message) as MessageLike;
      return {
        kind: 'message_end',
        data: {
          role: asString(message.role),
          text: messageText(message),
          stop_reason: typeof message.stopReason === 'string' ? message.stopReason : null,
          error_message: typeof message.errorMessage === 'string' ? message.errorMessage : null,
        },
      };
    }
    default:
      return undefined;
  }
}
