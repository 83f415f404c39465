import { s } from './schema';
import { defineCommand, type RegisteredCommand } from './types';
import { allScopes } from '../../shared/model/tokens';
import type { TokenStore } from '../auth/tokenStore';
import { ApiError } from '../../shared/api/errors';
import type { ListCommandsReply } from '../../shared/api/commands';

export function createSystemCommands(deps: { tokens: TokenStore; commands: () => readonly RegisteredCommand[]; onTokensChanged?: () => void }) {
  const scopeSchema = s.literal(...allScopes);
  return [
    defineCommand({
      name: 'ping',
      scope: 'read',
      summary: 'Health check',
      payload: s.object({}),
      run: () => ({ pong: true as const }),
    }),
    defineCommand({
      name: 'list_commands',
      scope: 'read',
      summary: "Every command this server answers, with its aliases, scope and summary, and the caller's own scopes",
      payload: s.object({}),
      run: (_p, ctx): ListCommandsReply => ({
        commands: deps
          .commands()
          .map((c) => ({ name: c.name, aliases: [...c.aliases], scope: c.scope, summary: c.summary }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        // A client can tell which commands it may run without trying them (the prompt box
        // greys itself out when `agent` is missing).
        caller: { scopes: allScopes.filter((sc) => ctx.caller.scopes.has(sc)) },
      }),
    }),
    defineCommand({
      name: 'list_tokens',
      aliases: ['list_api_keys'],
      scope: 'admin',
      summary: 'List API tokens (never their values)',
      payload: s.object({}),
      run: () => deps.tokens.list(),
    }),
    defineCommand({
      name: 'create_token',
      aliases: ['create_api_key'],
      scope: 'admin',
      summary: 'Create an API token; its value is shown only in this reply',
      payload: s.object({
        name: s.string({ min: 1, max: 100, trim: true }),
        scopes: s.optional(s.array(scopeSchema, { max: allScopes.length })),
      }),
      run: async (p, ctx) => {
        const scopes = p.scopes ?? ['read'];
        // A token can never carry more power than the caller that mints it.
        const excess = scopes.filter((sc) => !ctx.caller.scopes.has(sc));
        if (excess.length > 0) throw new ApiError('forbidden', `scopes: the caller lacks ${excess.join(', ')}`);
        const created = await deps.tokens.create(p.name, scopes);
        deps.onTokensChanged?.();
        return created;
      },
    }),
    defineCommand({
      name: 'revoke_token',
      aliases: ['revoke_api_key'],
      scope: 'admin',
      summary: 'Revoke an API token by id',
      payload: s.object({ id: s.id() }),
      run: async (p) => {
        if (!(await deps.tokens.revoke(p.id))) throw new ApiError('not_found', `id: no token with id ${p.id}`);
        deps.onTokensChanged?.();
        return { revoked: true as const, id: p.id };
      },
    }),
  ];
}
