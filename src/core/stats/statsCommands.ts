import { ApiError } from '../api/errors';
import { s, type Schema } from '../api/schema';
import { defineCommand } from '../api/types';
import type { SessionInfo } from '../sessions/sessionInfo';
import { computeSessionStats, type StatsFilter } from './sessionStats';

export interface StatsDeps {
  /** The session index (in-memory SessionInfo, so stats never re-read files). */
  sessions: { ready(): Promise<void>; all(): SessionInfo[] };
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 86_400_000;

/**
 * A point in time: milliseconds since 1970 or an ISO 8601 string. A bare date as the end
 * of a range means the end of that day, so `to: "2025-03-01"` includes March 1st.
 */
function instant(end: boolean): Schema<number> {
  return {
    kind: 'instant',
    parse(value, where) {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.length <= 64) {
        const ms = Date.parse(value);
        if (Number.isFinite(ms)) return end && dateOnly.test(value) ? ms + dayMs - 1 : ms;
      }
      throw new ApiError('invalid_payload', `${where}: expected an ISO 8601 time or milliseconds since 1970`);
    },
  };
}

export function createStatsCommands(deps: StatsDeps) {
  return [
    defineCommand({
      name: 'get_session_stats',
      scope: 'read',
      summary: 'Totals, tokens and cost by model/provider/project/day, and an activity heatmap',
      payload: s.object({
        cwd: s.optional(s.string({ min: 1, max: 4096 })),
        from: s.optional(instant(false)),
        to: s.optional(instant(true)),
        tz_offset_minutes: s.optional(s.number({ integer: true, min: -840, max: 840 })),
      }),
      run: async (p) => {
        if (p.from !== undefined && p.to !== undefined && p.from > p.to) throw new ApiError('invalid_payload', 'from: must not be after to');
        await deps.sessions.ready();
        const filter: StatsFilter = {};
        if (p.cwd !== undefined) filter.cwd = p.cwd;
        if (p.from !== undefined) filter.from = p.from;
        if (p.to !== undefined) filter.to = p.to;
        if (p.tz_offset_minutes !== undefined) filter.tz_offset_minutes = p.tz_offset_minutes;
        return computeSessionStats(deps.sessions.all(), filter);
      },
    }),
  ];
}
