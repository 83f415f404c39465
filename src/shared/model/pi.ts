export type ResourceScope = 'user' | 'project' | 'builtin';
import type { JsonObject } from './json';

/**
 * One skill, prompt template or theme as pi would see it. `active` is what pi ends up using:
 * from a trusted project (or the user's own folders), valid, enabled and not shadowed.
 * `reason` is set exactly when `active` is false; for an untrusted project it says how to trust it.
 */
export interface ResourceItem {
  name: string;
  description: string;
  /** null only for pi's built-in themes, which live inside pi itself. */
  path: string | null;
  scope: ResourceScope;
  /** Which location found it: `user` (agent dir), `project` (.pi), `agents` (.agents/skills) or `builtin`. */
  source: 'user' | 'project' | 'agents' | 'builtin';
  /** The workspace folder a project item belongs to. */
  workspace?: string;
  enabled: boolean;
  valid: boolean;
  active: boolean;
  reason?: string;
  /** Rule breaks pi only warns about (skill name format, description length). */
  warnings?: string[];
  shadowed_by?: string;
}

/**
 * How a live session was found, most certain first: a pi that registered itself over our
 * bridge (or the desktop app's), an RPC child we started, a pi in the process list, or a file
 * that grew recently.
 */
export type LiveDetection = 'bridge' | 'rpc' | 'process' | 'file-activity';

/** The mode a bridged pi runs in, as it reports it. */
export type PiMode = 'tui' | 'rpc' | 'json' | 'print';

/** Which bridge extension registered a session: ours, or the desktop app's `pi-session-bridge`. */
export type BridgeKind = 'ours' | 'original';

export interface ContextUsage {
  tokens: number | null;
  context_window: number | null;
  percent: number | null;
}

/** What a bridged pi told us about itself; kept current from its events and `get_state`. */
export interface LiveBridgeState {
  kind: BridgeKind;
  pi_version: string | null;
  mode: PiMode | null;
  model: string | null;
  thinking_level: string | null;
  context_usage: ContextUsage | null;
  leaf_id: string | null;
  /** pi's session name, when it has one. */
  name: string | null;
  /** When the bridge registered this session (ISO 8601). */
  connected_at: string;
}

/** One pi session that is running now, or probably is (`heuristic`). */
export interface LiveSession {
  session_id: string | null;
  session_path: string | null;
  cwd: string | null;
  pid: number | null;
  detected_by: LiveDetection;
  /** True when the match is a guess: by cwd and newest file, or by recent appends alone. */
  heuristic: boolean;
  /** Known only for our own RPC children; null means unknown. */
  streaming: boolean | null;
  /** The session file's last modification (ISO 8601), when known. */
  last_activity: string | null;
  /** Set exactly when `detected_by` is `bridge`. */
  bridge?: LiveBridgeState | null;
}

/**
 * How a message reaches pi: a new prompt, a steer into the run under way, or a follow-up
 * queued for after it. An idle pi treats all three as a prompt.
 */
export type PiDelivery = 'prompt' | 'steer' | 'follow_up';

/** Who carried a prompt to pi: the running pi's bridge, or an RPC child we started. */
export type PiRoute = 'bridge' | 'rpc';

export interface AbortResult {
  session_id: string;
  /** False when nothing was running. */
  aborted: boolean;
  via: PiRoute;
}

/**
 * What pi did with a prompt (pi 1.6 says so in its response; older pis always start a run).
 * `handled`: an extension command or input handler took it, and no run follows.
 */
export type PromptDisposition = 'started' | 'queued' | 'handled';

export interface SendPromptResult {
  run_id: string;
  session_id: string;
  session_path: string;
  disposition: PromptDisposition;
  via?: PiRoute;
  delivered_as?: PiDelivery;
  /** Only with `wait: true`, or at once for a `handled` prompt. */
  final_text?: string;
  stop_reason?: string | null;
}

/**
 * One step of a send_pi_agent_rpc run (`pi-rpc-event.kind` and `.data`). A run ends with
 * exactly one `agent_end`: at pi's `agent_settled` for pis that send it (1.6 and later, whose
 * auto-retry and length recovery send `agent_end` and go on), else at pi's `agent_end`.
 */
export type PiRunEvent =
  | { kind: 'run_start'; data: { prompt: string } }
  | { kind: 'text_delta'; data: { delta: string; content_index: number } }
  | { kind: 'thinking_delta'; data: { delta: string; content_index: number } }
  | { kind: 'tool_start'; data: { tool_call_id: string; tool_name: string; args: unknown } }
  | { kind: 'tool_end'; data: { tool_call_id: string; tool_name: string; is_error: boolean; output: string } }
  | { kind: 'message_end'; data: { role: string; text: string; stop_reason: string | null; error_message: string | null } }
  /** pi finished an attempt but the run goes on (a retry or a recovery follows when `will_retry`). */
  | { kind: 'attempt_end'; data: { stop_reason: string | null; error_message: string | null; will_retry: boolean } }
  | { kind: 'error'; data: { message: string } }
  /** The run is over; `handled` when pi took the prompt without a model run. */
  | { kind: 'agent_end'; data: { final_text: string; stop_reason: string | null; error_message: string | null; handled: boolean } };

export type PiRunEventKind = PiRunEvent['kind'];

export interface ModelConfigLoad {
  path: string;
  exists: boolean;
  /** The parsed file; null when it is missing or not a JSON object. */
  config: JsonObject | null;
  /** Why `config` is null although the file exists (a JSON syntax error, say). */
  error?: string;
  /** What pi would refuse in the current file; empty when it is fine. */
  errors: string[];
  warnings: string[];
  size_bytes?: number;
  modified_at?: string;
}

export interface ModelConfigBackup {
  backup_name: string;
  created_at: string;
  size_bytes: number;
}

export interface ModelConfigWrite {
  path: string;
  /** The backup made of the previous file; null when there was no file. */
  backup_name: string | null;
  warnings: string[];
  /**
   * Endpoints pi will now send prompts (and API keys) to that it did not before: a changed
   * `baseUrl` or a provider new to the file. Shown to the user before any run uses them.
   */
  changed_endpoints: EndpointChange[];
}

export interface EndpointChange {
  provider: string;
  /** Set when the change is a model's own `baseUrl`. */
  model?: string;
  /** null: a new provider without its own URL (it uses pi's built-in endpoint). */
  baseUrl: string | null;
  previous: string | null;
  new_provider: boolean;
}

export type ImportMode = 'replace' | 'merge';
