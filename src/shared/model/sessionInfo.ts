/** Token counts of one or many `usage` objects, as pi reports them. */
export interface TokenTotals {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  total: number;
}

/**
 * What the API says about one session file. Field names are snake_case because this is
 * the wire shape (`../shared/docs/api-contract.md`); the core uses it as is.
 */
export interface SessionInfo {
  path: string;
  id: string;
  cwd: string;
  name: string | null;
  /** Header timestamp (ISO 8601 UTC). */
  created: string;
  /** Newest user/assistant message timestamp, else the file mtime (ISO 8601 UTC). */
  modified: string;
  /** User + assistant messages on all branches. */
  message_count: number;
  /**
   * Every `message` entry whatever its role (system, toolResult, bashExecution, custom…):
   * the number pi itself shows for the session (`SessionManager.list().messageCount`).
   */
  pi_message_count: number;
  first_message: string;
  last_message: string;
  last_message_role: string | null;
  parent_session_path: string | null;
  /** Last model used, as `provider/model`. */
  model: string | null;
  models: string[];
  thinking_level: string | null;
  version: number;
  size_bytes: number;
  file_mtime_ms: number;
  entry_count: number;
  user_message_count: number;
  assistant_message_count: number;
  tool_result_count: number;
  bash_execution_count: number;
  tool_call_count: number;
  /**
   * What the whole file cost, by pi's session statistics: all branches and history before a
   * compaction, model answers plus cache warming, summaries and tools' nested calls.
   */
  tokens: TokenTotals;
  cost: number;
  leaf_id: string | null;
  has_branches: boolean;
  label_count: number;
  compaction_count: number;
  skipped_lines: number;
  tag_ids: number[];
  favorite: boolean;
  /**
   * Optional breakdowns for statistics. When the parser fills them, `get_session_stats`
   * attributes tokens and cost exactly; without them it falls back to the session totals
   * (all on the last model, on the day of `modified`). Keyed like pi's cost breakdown:
   * `provider/(responseModel ?? model)`, and `Tools/summaries` for usage of no answer.
   */
  usage_by_model?: Record<string, UsageBucket>;
  /** Assistant/user activity per UTC hour, keyed `YYYY-MM-DDTHH` (e.g. `2025-03-01T14`). */
  activity_by_hour?: Record<string, UsageBucket>;
}

/** Messages, tokens and cost of one slice of a session (one model, or one UTC hour). */
export interface UsageBucket {
  /** User + assistant messages in the slice (none in `Tools/summaries`). */
  messages: number;
  tokens: TokenTotals;
  cost: number;
}
