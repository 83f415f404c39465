import type { Schema } from './schema';
import type { EncodedJson } from '../util/encodedJson';
import type { ApiEnvelope } from '../../shared/api/envelope';
import type { CommandName, PayloadOf, ReplyOf } from '../../shared/api/commands';
import type { CoreEventMap, CoreEventName } from '../../shared/model/events';
import type { Scope } from '../../shared/model/tokens';


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
  /** That token's name, for logs that say who did something. */
  readonly tokenName?: string;
}

export interface CommandContext {
  readonly caller: Caller;
  /** Sends an event to this caller only (terminal output, RPC streams). */
  emitToCaller<K extends CoreEventName>(name: K, payload: CoreEventMap[K]): void;
}

/** One command: the payload schema and the handler are typed from the shared command map. */
export interface CommandSpec<N extends CommandName> {
  readonly name: N;
  /** Compat names routed to this command (api-contract.md, "Aliases"). */
  readonly aliases?: readonly string[];
  readonly scope: Scope;
  readonly summary: string;
  readonly payload: Schema<PayloadOf<N>>;
  /** A reply for the network may come pre-encoded (EncodedJson), e.g. from a worker thread. */
  run(payload: PayloadOf<N>, ctx: CommandContext): Reply<N> | Promise<Reply<N>>;
}

type Reply<N extends CommandName> = ReplyOf<N> | EncodedJson<ReplyOf<N>>;

/** A command as the router holds it, after its types have been checked at definition. */
export interface RegisteredCommand {
  readonly name: CommandName;
  readonly aliases: readonly string[];
  readonly scope: Scope;
  readonly summary: string;
  readonly payload: Schema<unknown>;
  run(payload: unknown, ctx: CommandContext): unknown;
}

/** Checks a command against the command map, then erases its types for the router's table. */
export function defineCommand<N extends CommandName>(spec: CommandSpec<N>): RegisteredCommand {
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    scope: spec.scope,
    summary: spec.summary,
    payload: spec.payload,
    run: (payload, ctx) => spec.run(payload as PayloadOf<N>, ctx),
  };
}

export type DispatchResult<T = unknown> = ApiEnvelope<T>;
