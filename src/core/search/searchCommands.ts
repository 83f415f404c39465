import { ApiError } from '../../shared/api/errors';
import { s } from '../api/schema';
import type { JsonValue } from '../../shared/model/json';
import { defineCommand } from '../api/types';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { maxQueryLength } from './queryParser';
import { toSearchQuery } from './searchRequest';
import type { SearchService } from './searchService';
import type { SearchQuery } from './types';
import type { SearchHit } from '../../shared/model/search';
import type { WorkerSearchQuery } from './worker/protocol';
import type { IndexingStatus } from '../../shared/model/search';

export interface SearchCommandDeps {
  service: SearchService;
  /** The session list, for the tag and favorite filters (user data lives on this side). */
  sessions: { all(): SessionInfo[] };
  /** The configured hits per session when a request names none (config bundle `search`). */
  defaultPerSession?: () => number;
}

/** A hit with the field names the desktop app's clients read (`content`, `source_type`). */
type WireHit = SearchHit & { content: string; source_type: SearchHit['role'] };

interface SearchReply {
  hits: WireHit[];
  total: number;
  /** Compat (desktop app): the same as `total`, and whether later pages exist. */
  total_hits: number;
  has_more: boolean;
  took_ms: number;
  partial: boolean;
  indexing: { pending_files: number; indexed_files: number; ready: boolean };
}

function timeBound(value: JsonValue | undefined, key: string): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && Number.isFinite(Date.parse(value))) return value;
  throw new ApiError('invalid_payload', `${key}: expected an ISO 8601 date or milliseconds since the epoch`);
}

function indexingOf(status: IndexingStatus): SearchReply['indexing'] {
  return { pending_files: status.pending_files, indexed_files: status.indexed_files, ready: status.ready };
}

/** The plain-data part of a SearchQuery (the allowed set is added as a list). */
function toWorkerQuery(q: SearchQuery): WorkerSearchQuery {
  const out: WorkerSearchQuery = { query: q.query };
  if (q.role !== undefined) out.role = q.role;
  if (q.cwd !== undefined) out.cwd = q.cwd;
  if (q.session_path !== undefined) out.session_path = q.session_path;
  if (q.from_ms !== undefined) out.from_ms = q.from_ms;
  if (q.to_ms !== undefined) out.to_ms = q.to_ms;
  if (q.limit !== undefined) out.limit = q.limit;
  if (q.offset !== undefined) out.offset = q.offset;
  if (q.per_session !== undefined) out.per_session = q.per_session;
  return out;
}

const searchPayload = s.object({
  // Bounded well above the engine's limit so an over-long query gets the engine's own message.
  query: s.string({ max: 1024 * 1024 }),
  role: s.optional(s.string({ max: 32 })),
  role_filter: s.optional(s.string({ max: 32 })),
  cwd: s.optional(s.string({ max: 4096 })),
  /** Compat (desktop app): its project filter is an exact cwd. */
  project_path: s.optional(s.string({ max: 4096 })),
  session_path: s.optional(s.string({ max: 4096 })),
  from: s.optional(s.json()),
  to: s.optional(s.json()),
  tag_id: s.optional(s.id()),
  favorites_only: s.optional(s.boolean()),
  limit: s.optional(s.number({ integer: true, min: 1, max: 200 })),
  offset: s.optional(s.number({ integer: true, min: 0, max: 10_000 })),
  // 0-based, as the desktop app's clients send it (its pi bridge asks for `page: 0` first).
  page: s.optional(s.number({ integer: true, min: 0, max: 10_000 })),
  page_size: s.optional(s.number({ integer: true, min: 1, max: 200 })),
  per_session: s.optional(s.number({ integer: true, min: 0, max: 10_000 })),
});

export function createSearchCommands(deps: SearchCommandDeps) {
  const { service } = deps;
  return [
    defineCommand({
      name: 'search',
      aliases: ['full_text_search'],
      scope: 'read',
      summary: 'Full-text search over session messages',
      payload: searchPayload,
      run: async (p): Promise<SearchReply> => {
        const started = performance.now();
        const empty = async (): Promise<SearchReply> => ({
          hits: [],
          total: 0,
          total_hits: 0,
          has_more: false,
          took_ms: 0,
          partial: false,
          indexing: indexingOf(await service.status()),
        });
        // Checked here, without tokenising, so a huge query never crosses to the worker.
        if (p.query.length > maxQueryLength) {
          throw new ApiError('invalid_payload', `The search query is ${p.query.length} characters long; the limit is ${maxQueryLength}.`);
        }
        if (p.query.trim() === '') return empty();
        const mapped = toSearchQuery({
          query: p.query,
          ...(p.role !== undefined ? { role: p.role } : {}),
          ...(p.role_filter !== undefined ? { role_filter: p.role_filter } : {}),
          ...(p.limit !== undefined ? { limit: p.limit } : {}),
          ...(p.offset !== undefined ? { offset: p.offset } : {}),
          ...(p.page !== undefined ? { page: p.page } : {}),
          ...(p.page_size !== undefined ? { page_size: p.page_size } : {}),
          ...(p.per_session !== undefined
            ? { per_session: p.per_session }
            : deps.defaultPerSession
              ? { per_session: deps.defaultPerSession() }
              : {}),
          ...((p.cwd ?? p.project_path) !== undefined ? { cwd: p.cwd ?? p.project_path } : {}),
          ...(p.session_path !== undefined ? { session_path: p.session_path } : {}),
          from: timeBound(p.from, 'from'),
          to: timeBound(p.to, 'to'),
        });
        if ('error' in mapped) throw new ApiError('invalid_payload', mapped.error);
        const query = toWorkerQuery(mapped);
        if (p.tag_id !== undefined || p.favorites_only === true) {
          const allowed = deps.sessions
            .all()
            .filter((i) => (p.tag_id === undefined || i.tag_ids.includes(p.tag_id)) && (p.favorites_only !== true || i.favorite))
            .map((i) => i.path);
          if (allowed.length === 0) return empty();
          query.allowed_paths = allowed;
        }
        const result = await service.search(query);
        const offset = query.offset ?? 0;
        return {
          hits: result.hits.map((h) => ({ ...h, content: h.snippet, source_type: h.role })),
          total: result.total,
          total_hits: result.total,
          has_more: offset + result.hits.length < result.total,
          took_ms: Math.round((performance.now() - started) * 100) / 100,
          partial: result.partial,
          indexing: indexingOf(result.status),
        };
      },
    }),
    defineCommand({
      name: 'get_search_status',
      scope: 'read',
      summary: 'State of the full-text index: ready, files indexed and pending, size',
      payload: s.object({}),
      run: () => service.status(),
    }),
    defineCommand({
      name: 'rebuild_search_index',
      scope: 'write',
      summary: 'Drops the full-text index and rebuilds it from the session files',
      payload: s.object({}),
      run: () => service.rebuild(),
    }),
  ];
}
