import { ApiError } from '../../shared/api/errors';
import { s, type Schema } from '../api/schema';
import { defineCommand } from '../api/types';
import type { Instant } from '../../shared/api/commands';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { computeSessionStats, type StatsFilter } from './sessionStats';

export interface StatsDeps {
  /** The session index (in-memory SessionInfo, so stats never re-read files). */
  sessions: { ready(): Promise<void>; all(): SessionInfo[] };
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 86_400_000;

/** A point in time: milliseconds since 1970 or an ISO 8601 string. */
const instant: Schema<Instant> = {
  kind: 'instant',
  parse(value, where) {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && value.length <= 64 && Number.isFinite(Date.parse(value))) return value;
    throw new ApiError('invalid_payload', `${where}: expected an ISO 8601 time or milliseconds since 1970`);
  },
};

/** A bare date as the end of a range means the end of that day, so `to: "2025-03-01"` includes March 1st. */
function instantMs(value: Instant | undefined, end: boolean): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const ms = Date.parse(value);
  return end && dateOnly.test(value) ? ms + dayMs - 1 : ms;
}

export function createStatsCommands(deps: StatsDeps) {
  return [
    defineCommand({
      name: 'get_session_stats',
      scope: 'read',
      summary: 'Totals, tokens and cost by model/provider/project/day, and an activity heatmap',
      payload: s.object({
        cwd: s.optional(s.string({ min: 1, max: 4096 })),
        from: s.optional(instant),
        to: s.optional(instant),
        tz_offset_minutes: s.optional(s.number({ integer: true, min: -840, max: 840 })),
      }),
      run: async (p) => {
        const from = instantMs(p.from, false);
        const to = instantMs(p.to, true);
        if (from !== undefined && to !== undefined && from > to) throw new ApiError('invalid_payload', 'from: must not be after to');
        await deps.sessions.ready();
        const filter: StatsFilter = {};
        if (p.cwd !== undefined) filter.cwd = p.cwd;
        if (from !== undefined) filter.from = from;
        if (to !== undefined) filter.to = to;
        if (p.tz_offset_minutes !== undefined) filter.tz_offset_minutes = p.tz_offset_minutes;
        return computeSessionStats(deps.sessions.all(), filter);
      },
    }),
  ];
}
