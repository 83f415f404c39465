import type { RpcEvent } from './rpcProtocol';

/**
 * What a client sees of a run (`pi-rpc-event.kind` and `.data`). pi's own events repeat the
 * whole partial message on every delta; these carry only what changed, in snake_case.
 */
export type RunEvent =
  | { kind: 'run_start'; data: { prompt: string } }
  | { kind: 'text_delta'; data: { delta: string; content_index: number } }
  | { kind: 'thinking_delta'; data: { delta: string; content_index: number } }
  | { kind: 'tool_start'; data: { tool_call_id: string; tool_name: string; args: unknown } }
  | { kind: 'tool_end'; data: { tool_call_id: string; tool_name: string; is_error: boolean; output: string } }
  | { kind: 'message_end'; data: { role: string; text: string; stop_reason: string | null; error_message: string | null } }
  | { kind: 'error'; data: { message: string } }
  | { kind: 'agent_end'; data: { final_text: string; stop_reason: string | null; error_message: string | null } };

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

/** Translates one pi event; events nobody needs (turn_start, partial updates…) give none. */
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
    case 'agent_end': {
      const messages = Array.isArray(event.messages) ? event.messages.map((m) => asRecord(m) as MessageLike) : [];
      const last = [...messages].reverse().find((m) => m.role === 'assistant');
      return {
        kind: 'agent_end',
        data: {
          final_text: last ? messageText(last) : '',
          stop_reason: last && typeof last.stopReason === 'string' ? last.stopReason : null,
          error_message: last && typeof last.errorMessage === 'string' ? last.errorMessage : null,
        },
      };
    }
    default:
      return undefined;
  }
}
