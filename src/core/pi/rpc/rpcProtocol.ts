/** The line kinds pi prints in RPC mode (pi-format.md §4). */
export interface RpcResponse {
  type: 'response';
  id?: string;
  command: string;
  success: boolean;
  data?: unknown;
  error?: string;
}

export interface RpcExtensionUiRequest {
  type: 'extension_ui_request';
  id: string;
  method: string;
  [key: string]: unknown;
}

/** An agent event: any object with a `type` that is neither a response nor a UI request. */
export interface RpcEvent {
  type: string;
  [key: string]: unknown;
}

export type RpcLine =
  | { kind: 'response'; response: RpcResponse }
  | { kind: 'ui-request'; request: RpcExtensionUiRequest }
  | { kind: 'event'; event: RpcEvent }
  | { kind: 'junk'; text: string };

/** Extension UI methods that block pi until the client answers. */
export const blockingUiMethods: ReadonlySet<string> = new Set(['select', 'confirm', 'input', 'editor']);

/** Parses one stdout line defensively: extensions may print anything. */
export function classifyRpcLine(line: string): RpcLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'junk', text: line };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'junk', text: line };
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'string') return { kind: 'junk', text: line };
  if (record.type === 'response' && typeof record.success === 'boolean' && typeof record.command === 'string') {
    return {
      kind: 'response',
      response: {
        type: 'response',
        command: record.command,
        success: record.success,
        ...(typeof record.id === 'string' ? { id: record.id } : {}),
        ...('data' in record ? { data: record.data } : {}),
        ...(typeof record.error === 'string' ? { error: record.error } : {}),
      },
    };
  }
  if (record.type === 'extension_ui_request' && typeof record.id === 'string' && typeof record.method === 'string') {
    return { kind: 'ui-request', request: record as RpcExtensionUiRequest };
  }
  return { kind: 'event', event: record as RpcEvent };
}

/** The subset of `get_state` data this product reads. */
export interface RpcState {
  sessionFile: string | null;
  sessionId: string | null;
  isStreaming: boolean;
  model: string | null;
}

export function readRpcState(data: unknown): RpcState {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const model = typeof d.model === 'object' && d.model !== null ? (d.model as Record<string, unknown>) : undefined;
  return {
    sessionFile: typeof d.sessionFile === 'string' ? d.sessionFile : null,
    sessionId: typeof d.sessionId === 'string' ? d.sessionId : null,
    isStreaming: d.isStreaming === true,
    model: model && typeof model.provider === 'string' && typeof model.id === 'string' ? `${model.provider}/${model.id}` : null,
  };
}
