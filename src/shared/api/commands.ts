import type { ConfigBundle, ConfigSaveResult, ConfigVersion } from '../model/config';
import type { ParsedSession, SessionEntry, SessionHeader } from '../model/entries';
import type { ExportFormat, ExportReply } from '../model/export';
import type { JsonValue } from '../model/json';
import type { AbortResult, ImportMode, LiveSession, PiDelivery, ModelConfigBackup, ModelConfigLoad, ModelConfigWrite, ResourceItem, SendPromptResult } from '../model/pi';
import type { IndexingStatus, SearchHit } from '../model/search';
import type { SessionDir } from '../model/sessionDirs';
import type { SessionInfo } from '../model/sessionInfo';
import type { SessionStats } from '../model/stats';
import type { FavoriteState, TagAssignmentResult, TagDeleteResult, TagListing, TagRecord } from '../model/tags';
import type { CreatedToken, Scope, TokenRecord } from '../model/tokens';

/*
 * The API's one contract: every command with what its caller sends and what `data` holds
 * when it succeeds. The core's handlers are typed from it (a handler that returns anything
 * else does not compile), and so are the editor's client, the webview bridge and the web
 * client. Payload keys are the canonical snake_case ones; the router also accepts camelCase
 * and the compat aliases the schemas declare.
 */

type Empty = Record<string, never>;

/** A point in time as the API takes it: milliseconds since 1970 or an ISO 8601 string. */
export type Instant = number | string;

export interface ScanStatus {
  sessions: number;
  full_parses: number;
  tail_reads: number;
  cache_hits: number;
  scans: number;
  last_scan_ms: number;
}

export interface ReadChunkReply {
  content: string;
  next_offset: number;
  eof: boolean;
  size: number;
}

/** `get_session_entries` without `from_offset`: the whole file. */
export interface SessionEntriesReply {
  info: SessionInfo | null;
  header: SessionHeader;
  entries: SessionEntry[];
  leaf_id: string | null;
  labels: ParsedSession['labels'];
  skipped_lines: number;
  next_offset: number;
}

/** `get_session_entries` with `from_offset`: only what was appended since. */
export interface SessionTailReply {
  info: SessionInfo | null;
  entries: SessionEntry[];
  next_offset: number;
}

/** A hit with the field names the desktop app's clients read (`content`, `source_type`). */
export type WireSearchHit = SearchHit & { content: string; source_type: SearchHit['role'] };

export interface SearchReply {
  hits: WireSearchHit[];
  total: number;
  /** Compat (desktop app): the same as `total`. */
  total_hits: number;
  has_more: boolean;
  took_ms: number;
  partial: boolean;
  indexing: Pick<IndexingStatus, 'pending_files' | 'indexed_files' | 'ready'>;
}

export interface SearchPayload {
  query: string;
  role?: string;
  role_filter?: string;
  cwd?: string;
  project_path?: string;
  session_path?: string;
  from?: JsonValue;
  to?: JsonValue;
  tag_id?: number;
  favorites_only?: boolean;
  limit?: number;
  offset?: number;
  page?: number;
  page_size?: number;
  per_session?: number;
}

export interface PiAgentEntriesReply {
  session_id: string;
  session_path: string;
  header: SessionHeader;
  entries: SessionEntry[];
  leaf_id: string | null;
  /** Set while a bridged pi or our own pi child has the session: the text streamed so far. */
  live: { pid: number | null; streaming: boolean; run_id: string | null; partial_text: string | null } | null;
}

export interface TerminalInfo {
  id: string;
  pid: number;
  cols: number;
  rows: number;
}

export interface Ok {
  ok: true;
}

export interface CommandDescription {
  name: string;
  aliases: string[];
  scope: Scope;
  summary: string;
}

export interface ListCommandsReply {
  commands: CommandDescription[];
  /** Who asked: the scopes this request ran with (a token's, or a local caller's). */
  caller: { scopes: Scope[] };
}

export interface CommandMap {
  ping: { payload: Empty; reply: { pong: true } };
  list_commands: { payload: Empty; reply: ListCommandsReply };

  scan_sessions: { payload: { cwd?: string; query?: string; limit?: number; offset?: number }; reply: SessionInfo[] };
  read_session_file: { payload: { path: string; offset?: number; max_bytes?: number }; reply: string | ReadChunkReply };
  get_all_session_dirs: { payload: { detailed?: boolean }; reply: string[] | SessionDir[] };
  get_scan_status: { payload: Empty; reply: ScanStatus };
  get_session_paths: { payload: Empty; reply: string[] };
  save_session_paths: { payload: { paths: string[] }; reply: { paths: string[]; dirs: SessionDir[] } };
  rename_session: {
    payload: { path: string; name: string };
    reply: { path: string; name: string; entry_id: string; session: SessionInfo | null };
  };
  delete_session: { payload: { path: string }; reply: { path: string; trashed: boolean; deleted_permanently: boolean } };
  export_session: {
    payload: { path: string; format: ExportFormat; target_path?: string };
    reply: ExportReply;
  };
  get_session_entries: { payload: { path: string; from_offset?: number }; reply: SessionEntriesReply | SessionTailReply };

  search: { payload: SearchPayload; reply: SearchReply };
  get_search_status: { payload: Empty; reply: IndexingStatus };
  rebuild_search_index: { payload: Empty; reply: IndexingStatus };

  list_tags: { payload: Empty; reply: TagListing[] };
  create_tag: { payload: { name: string; color?: string | null; parent_id?: number | null }; reply: TagRecord };
  update_tag: {
    payload: { id: number; name?: string; color?: string | null; parent_id?: number | null };
    reply: TagRecord;
  };
  delete_tag: { payload: { id: number }; reply: TagDeleteResult };
  assign_tag: { payload: { session_path: string; tag_id: number }; reply: TagAssignmentResult };
  remove_tag: { payload: { session_path: string; tag_id: number }; reply: TagAssignmentResult };
  list_favorites: { payload: Empty; reply: string[] };
  toggle_favorite: { payload: { path: string; favorite?: boolean }; reply: FavoriteState };

  get_config_bundle: { payload: Empty; reply: ConfigBundle };
  save_config_bundle: { payload: JsonValue; reply: ConfigSaveResult };
  list_config_versions: { payload: { limit?: number }; reply: ConfigVersion[] };
  get_config_version: { payload: { id: number }; reply: { id: number; bundle: ConfigBundle } };
  restore_config_version: { payload: { id: number }; reply: ConfigSaveResult };

  list_tokens: { payload: Empty; reply: TokenRecord[] };
  create_token: { payload: { name: string; scopes?: Scope[] }; reply: CreatedToken };
  revoke_token: { payload: { id: number }; reply: { revoked: true; id: number } };

  get_session_stats: { payload: { cwd?: string; from?: Instant; to?: Instant; tz_offset_minutes?: number }; reply: SessionStats };

  load_model_config: { payload: Empty; reply: ModelConfigLoad };
  save_model_config: { payload: { config: JsonValue }; reply: ModelConfigWrite };
  import_model_config_from_path: {
    /** `grant`: the editor's one-time permission for a path its file dialog chose. */
    payload: { path: string; mode?: ImportMode; grant?: string };
    reply: ModelConfigWrite & { mode: ImportMode; source: string };
  };
  export_model_config_to_path: { payload: { path: string; overwrite?: boolean; grant?: string }; reply: { path: string; size_bytes: number } };
  list_model_config_backups: { payload: Empty; reply: ModelConfigBackup[] };
  restore_model_config_backup: { payload: { backup_name: string }; reply: ModelConfigWrite & { restored_from: string } };
  list_skills: { payload: { cwd?: string }; reply: ResourceItem[] };
  list_prompts: { payload: { cwd?: string }; reply: ResourceItem[] };
  list_themes: { payload: { cwd?: string }; reply: ResourceItem[] };

  get_pi_live_sessions: { payload: Empty; reply: LiveSession[] };
  get_pi_agent_entries: { payload: { session_id: string }; reply: PiAgentEntriesReply };
  /**
   * To the session's bridged pi when it has one, else to an RPC child of ours; `conflict` when
   * a pi without a bridge has it open. `deliver_as` steers or queues into a run under way;
   * `abort: true` (without a prompt) stops the run and answers an AbortResult.
   */
  send_pi_agent_rpc: {
    payload: { session_id: string; prompt?: string; deliver_as?: PiDelivery; abort?: boolean; wait?: boolean };
    reply: SendPromptResult | AbortResult;
  };
  steer_pi_agent: { payload: { session_id: string; prompt: string }; reply: SendPromptResult };
  follow_up_pi_agent: { payload: { session_id: string; prompt: string }; reply: SendPromptResult };
  abort_pi_agent: { payload: { session_id: string }; reply: AbortResult };

  create_terminal: { payload: { cwd: string; cols?: number; rows?: number }; reply: TerminalInfo };
  terminal_write: { payload: { id: string; data: string }; reply: Ok };
  terminal_resize: { payload: { id: string; cols: number; rows: number }; reply: Ok };
  terminal_close: { payload: { id: string }; reply: Ok };
}

export type CommandName = keyof CommandMap;
export type PayloadOf<N extends CommandName> = CommandMap[N]['payload'];
export type ReplyOf<N extends CommandName> = CommandMap[N]['reply'];
