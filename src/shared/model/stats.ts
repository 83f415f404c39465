import type { TokenTotals, UsageBucket } from './sessionInfo';

export interface ModelStats extends UsageBucket {
  model: string;
  provider: string;
  sessions: number;
}

export interface ProviderStats extends UsageBucket {
  provider: string;
  sessions: number;
}

export interface ProjectStats extends UsageBucket {
  cwd: string;
  sessions: number;
  last_active: string;
}

export interface DayStats extends UsageBucket {
  /** `YYYY-MM-DD` in the requested time zone offset. */
  date: string;
  sessions: number;
}

/**
 * What `get_session_stats` returns.
 *
 * Token, cost and activity attribution uses the per-model (`usage_by_model`) and per-hour
 * (`activity_by_hour`) breakdowns of a SessionInfo when the parser provides them. Without
 * them a session's totals are attributed to its last model and to the hour of its
 * `modified` time; such sessions are counted in `approximated_sessions`.
 *
 * With a time range, a session counts when it has activity inside the range. Tokens, cost
 * and the day/hour series count only in-range activity (per-model figures are scaled by the
 * in-range share); message-by-role and tool-call totals count the whole session.
 */
export interface SessionStats {
  filter: { cwd: string | null; from: string | null; to: string | null; tz_offset_minutes: number };
  totals: {
    sessions: number;
    messages: number;
    user_messages: number;
    assistant_messages: number;
    tool_results: number;
    bash_executions: number;
    tool_calls: number;
    tokens: TokenTotals;
    cost: number;
    projects: number;
    models: number;
  };
  by_model: ModelStats[];
  by_provider: ProviderStats[];
  by_project: ProjectStats[];
  by_day: DayStats[];
  heatmap: {
    by_day: { date: string; sessions: number; messages: number }[];
    /** Messages per hour of the day (0–23). */
    by_hour: number[];
    /** Messages per weekday (0 = Sunday) and hour. */
    by_weekday_hour: number[][];
  };
  approximated_sessions: number;
}
