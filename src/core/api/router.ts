import { ApiError } from '../../shared/api/errors';
import type { CommandName, PayloadOf, ReplyOf } from '../../shared/api/commands';
import type { Caller, CommandContext, DispatchResult, RegisteredCommand } from './types';
import type { EventBus } from '../events';
import { describeError, type Logger } from '../log';

const commandNamePattern = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The one command table. HTTP, WebSocket, the editor UI and the CLI all call `dispatch()`;
 * nothing else runs a command.
 */
export class CommandRouter {
  private readonly byName = new Map<string, RegisteredCommand>();

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  register(spec: RegisteredCommand): void {
    for (const name of [spec.name, ...spec.aliases]) {
      const existing = this.byName.get(name);
      if (existing) throw new Error(`command name ${name} is taken by ${existing.name}`);
      this.byName.set(name, spec);
    }
  }

  registerAll(specs: readonly RegisteredCommand[]): void {
    for (const spec of specs) this.register(spec);
  }

  resolve(name: string): RegisteredCommand | undefined {
    return this.byName.get(name);
  }

  /** Canonical commands, each once. */
  commands(): RegisteredCommand[] {
    return [...new Set(this.byName.values())];
  }

  /** Every name the router answers to: canonical names and compat aliases. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** In-process callers (the editor, tests) get the reply typed from the command map. */
  dispatch<N extends CommandName>(command: N, payload: PayloadOf<N>, caller: Caller): Promise<DispatchResult<ReplyOf<N>>>;
  /** Transports hand over whatever a client sent; it is validated here. */
  dispatch(command: unknown, payload: unknown, caller: Caller): Promise<DispatchResult>;
  async dispatch(command: unknown, payload: unknown, caller: Caller): Promise<DispatchResult> {
    try {
      if (typeof command !== 'string' || command.length === 0) {
        throw new ApiError('invalid_request', 'command: expected a non-empty string');
      }
      if (!commandNamePattern.test(command)) {
        throw new ApiError('unknown_command', `unknown command: ${command.slice(0, 64)}`);
      }
      const spec = this.byName.get(command);
      if (!spec) throw new ApiError('unknown_command', `unknown command: ${command}`);
      if (!caller.scopes.has(spec.scope)) {
        throw new ApiError('forbidden', `${spec.name} needs the "${spec.scope}" scope`);
      }
      const parsed = spec.payload.parse(payload ?? {}, 'payload');
      const ctx: CommandContext = {
        caller,
        emitToCaller: (name, eventPayload) => {
          this.bus.publish(name, eventPayload, { target: caller.id });
        },
      };
      const data = await spec.run(parsed, ctx);
      return { success: true, data: data === undefined ? null : data, error: null };
    } catch (err) {
      if (err instanceof ApiError) return { success: false, data: null, error: err.message, code: err.code };
      this.log.error(`command ${typeof command === 'string' ? command : '?'} failed: ${err instanceof Error ? (err.stack ?? err.message) : describeError(err)}`);
      return { success: false, data: null, error: `internal error: ${describeError(err)}`, code: 'internal' };
    }
  }
}
