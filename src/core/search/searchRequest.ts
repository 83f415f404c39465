import type { SearchQuery } from './types';
import type { RoleFilter } from '../../shared/model/search';

/**
 * The `search` command's payload as the wire carries it (keys snake_case; the schema layer
 * also accepts camelCase). `full_text_search` clients send `role_filter`, `page` (0-based)
 * and `page_size` instead of `role`, `offset` and `limit`.
 */
export interface SearchRequest {
  query: string;
  role?: string;
  role_filter?: string;
  limit?: number;
  offset?: number;
  page?: number;
  page_size?: number;
  per_session?: number;
  cwd?: string;
  session_path?: string;
  /** ISO 8601 or ms since the epoch. */
  from?: string | number;
  to?: string | number;
}

const roles: readonly RoleFilter[] = ['all', 'user', 'assistant', 'tool'];

export function isRoleFilter(value: string): value is RoleFilter {
  return (roles as readonly string[]).includes(value);
}

function toMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Maps a request to a SearchQuery. An unknown role is reported by name so the command can
 * answer `invalid_payload`; `allowed_paths` (tags, favorites) is the caller's to add.
 */
export function toSearchQuery(request: SearchRequest): SearchQuery | { error: string } {
  const role = request.role ?? request.role_filter ?? 'all';
  if (!isRoleFilter(role)) return { error: `role must be one of ${roles.join(', ')}; got "${role}"` };
  const limit = request.limit ?? request.page_size;
  const offset = request.offset ?? (request.page !== undefined && limit !== undefined ? request.page * limit : request.page !== undefined ? request.page * 20 : undefined);
  const query: SearchQuery = { query: request.query, role };
  if (limit !== undefined) query.limit = limit;
  if (offset !== undefined) query.offset = offset;
  if (request.per_session !== undefined) query.per_session = request.per_session;
  if (request.cwd !== undefined) query.cwd = request.cwd;
  if (request.session_path !== undefined) query.session_path = request.session_path;
  const fromMs = toMs(request.from);
  const toMsValue = toMs(request.to);
  if (fromMs !== undefined) query.from_ms = fromMs;
  if (toMsValue !== undefined) query.to_ms = toMsValue;
  return query;
}
