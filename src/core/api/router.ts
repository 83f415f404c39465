import { ApiError } from './errors';
import type { Caller, CommandContext, CommandSpec, DispatchResult } from './types';
import type { EventBus } from '../events';
import { describeError, type Logger } from '../log';

const commandNamePattern = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The one command table. HTTP, WebSocket, the editor UI and the CLI all call `dispatch()`;
 * nothing else runs a command.
 */
export class CommandRouter {
  private readonly byName = new Map<string, CommandSpec<unknown>>();

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  register<P>(spec: CommandSpec<P>): void {
    const entry = spec as CommandSpec<unknown>;
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      const existing = this.byName.get(name);
      // A later registration replaces an earlier one of the same command (how a
      // capability replaces its "not available yet" placeholder), never a different one.
      if (existing && existing.name !== spec.name) throw new Error(`command name ${name} is taken by ${existing.name}`);
      this.byName.set(name, entry);
    }
  }

  registerAll(specs: readonly CommandSpec<unknown>[]): void {
    for (const spec of specs) this.register(spec);
  }

  resolve(name: string): CommandSpec<unknown> | undefined {
    return this.byName.get(name);
  }

  /** Canonical commands, each once. */
  commands(): CommandSpec<unknown>[] {
    return [...new Set(this.byName.values())];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

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
