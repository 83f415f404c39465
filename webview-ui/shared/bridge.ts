import type { CommandName, PayloadOf, ReplyOf } from '../../src/shared/api/commands';
import type { ApiEnvelope } from '../../src/shared/api/envelope';

/**
 * What page code needs from its host. `call` runs an API command; `onEvent` delivers the
 * API's push events. The VS Code webview implements it with postMessage, the web client
 * with fetch and Server-Sent Events.
 */
export interface HostBridge {
  call<N extends CommandName>(command: N, payload: PayloadOf<N>): Promise<ApiEnvelope<ReplyOf<N>>>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  /** Editor only: open a file mentioned in a tool call. */
  openFile?(path: string, line?: number): void;
  /** Connection state for hosts that can lose it (the browser). */
  onConnectionChange?(listener: (state: 'connected' | 'reconnecting' | 'signed-out') => void): () => void;
  readonly kind: 'vscode' | 'browser';
}

/** Unwraps an envelope, turning a failure into an Error with the server's message. */
export async function callData<N extends CommandName>(bridge: HostBridge, command: N, payload: PayloadOf<N>): Promise<ReplyOf<N>> {
  const result = await bridge.call(command, payload);
  if (!result.success) throw Object.assign(new Error(result.error), { code: result.code });
  return result.data;
}
