import type { Schema } from './schema';
import type { ApiErrorCode } from './errors';
import type { CoreEventMap, CoreEventName } from '../events';

export type Scope = 'read' | 'write' | 'terminal';
export const allScopes: readonly Scope[] = ['read', 'write', 'terminal'];

/** Who is calling: decides which commands may run and where targeted events go. */
export interface Caller {
  /** Unique per connection (WS socket, SSE stream) or per request (HTTP). */
  readonly id: string;
  readonly transport: 'http' | 'ws' | 'ui' | 'cli' | 'test';
  readonly scopes: ReadonlySet<Scope>;
  /** A loopback peer without a browser Origin: the local user. */
  readonly isLocal: boolean;
  /** Set when the caller authenticated with a token. */
  readonly tokenId?: number;
}

export interface CommandContext {
  readonly caller: Caller;
  /** Sends an event to this caller only (terminal output, RPC streams). */
  emitToCaller<K extends CoreEventName>(name: K, payload: CoreEventMap[K]): void;
}

export interface CommandSpec<P = unknown> {
  readonly name: string;
  /** Compat names routed to this command (api-contract.md, "Aliases"). */
  readonly aliases?: readonly string[];
  readonly scope: Scope;
  readonly summary: string;
  readonly payload: Schema<P>;
  run(payload: P, ctx: CommandContext): unknown | Promise<unknown>;
}

/** Keeps the payload type of `run` tied to the declared schema. */
export function defineCommand<P>(spec: CommandSpec<P>): CommandSpec<P> {
  return spec;
}

export type DispatchResult =
  | { success: true; data: unknown; error: null }
  | { success: false; data: null; error: string; code: ApiErrorCode };
