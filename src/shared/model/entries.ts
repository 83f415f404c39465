/**
 * pi's session file model (v3), as described in `pi-format.md`. Older files are migrated
 * to this shape in memory when read. Unknown entry types, roles, blocks and fields are
 * kept: every interface allows extra keys, and the unions end in an open case.
 */

export interface SessionHeader {
  type: 'session';
  /** 1 when the file has no `version` field. */
  version: number;
  id: string;
  timestamp: string;
  cwd: string;
  parentSession?: string;
  /** Legacy v1 header fields, kept as read. `branchedFrom` is the old `parentSession`. */
  provider?: string;
  modelId?: string;
  thinkingLevel?: string;
  branchedFrom?: string;
  [key: string]: unknown;
}

export interface TextBlock {
  type: 'text';
  text: string;
  textSignature?: string;
  [key: string]: unknown;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  thinkingSignature?: string;
  redacted?: boolean;
  [key: string]: unknown;
}

export interface ToolCallBlock {
  type: 'toolCall';
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  partialJson?: string;
  [key: string]: unknown;
}

export interface ImageBlock {
  type: 'image';
  data: string;
  mimeType: string;
  [key: string]: unknown;
}

/** A block of a type this reader does not know; kept for exports. */
export interface UnknownBlock {
  type: string;
  [key: string]: unknown;
}

export type ContentBlock = TextBlock | ThinkingBlock | ToolCallBlock | ImageBlock | UnknownBlock;

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens?: number;
  /** pi 1.6: reasoning tokens, already included in `output`. */
  reasoning?: number;
  cacheWrite1h?: number;
  cost?: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number; total?: number; totalFromProvider?: boolean };
  [key: string]: unknown;
}

export interface UserMessage {
  role: 'user';
  content: string | (TextBlock | ImageBlock | UnknownBlock)[];
  timestamp?: number;
  [key: string]: unknown;
}

export interface AssistantMessage {
  role: 'assistant';
  content: ContentBlock[];
  api?: string;
  provider?: string;
  model?: string;
  usage?: Usage;
  stopReason?: 'stop' | 'length' | 'toolUse' | 'error' | 'aborted' | 'deferred' | string;
  errorMessage?: string;
  /** pi 1.6: the model that actually answered, when a router or alias picked it. */
  responseModel?: string;
  thinkingLevel?: string;
  durationMs?: number;
  timestamp?: number;
  [key: string]: unknown;
}

export interface ToolResultMessage {
  role: 'toolResult';
  toolCallId: string;
  toolName: string;
  content: (TextBlock | ImageBlock | UnknownBlock)[] | string;
  details?: Record<string, unknown>;
  isError?: boolean;
  timestamp?: number;
  /** pi 1.6: nested model work done by the tool; counted in the session's cost. */
  usage?: Usage;
  durationMs?: number;
  [key: string]: unknown;
}

/**
 * pi 1.6 system prompt checkpoint. The first one holds every section and tool; later ones are
 * patches: only the changed sections (`null` removes one) and the tools added or removed.
 */
export interface SystemMessage {
  role: 'system';
  content?: string;
  sections?: Record<string, string | null>;
  toolsAdded?: Array<{ name?: string; description?: string; [key: string]: unknown }>;
  toolsRemoved?: Array<{ name?: string; [key: string]: unknown }>;
  timestamp?: number;
  [key: string]: unknown;
}

export interface BashExecutionMessage {
  role: 'bashExecution';
  command: string;
  output: string;
  exitCode?: number;
  cancelled?: boolean;
  truncated?: boolean;
  fullOutputPath?: string;
  excludeFromContext?: boolean;
  timestamp?: number;
  [key: string]: unknown;
}

/** Extension message (`custom`; `hookMessage` in v2 files, renamed on migration). */
export interface CustomRoleMessage {
  role: 'custom';
  customType?: string;
  content: string | (TextBlock | ImageBlock | UnknownBlock)[];
  display?: boolean;
  details?: unknown;
  timestamp?: number;
  [key: string]: unknown;
}

export interface UnknownRoleMessage {
  role: string;
  [key: string]: unknown;
}

export type AgentMessage = UserMessage | AssistantMessage | ToolResultMessage | SystemMessage | BashExecutionMessage | CustomRoleMessage | UnknownRoleMessage;

interface EntryBase {
  id: string;
  parentId: string | null;
  timestamp: string;
  [key: string]: unknown;
}

export interface MessageEntry extends EntryBase {
  type: 'message';
  message: AgentMessage;
}

export interface ModelChangeEntry extends EntryBase {
  type: 'model_change';
  provider: string;
  modelId: string;
}

export interface ThinkingLevelChangeEntry extends EntryBase {
  type: 'thinking_level_change';
  thinkingLevel: string;
}

export interface CompactionEntry extends EntryBase {
  type: 'compaction';
  summary: string;
  firstKeptEntryId?: string;
  /** v1 only; migrated to `firstKeptEntryId`. */
  firstKeptEntryIndex?: number;
  tokensBefore?: number;
  details?: { readFiles?: string[]; modifiedFiles?: string[]; [key: string]: unknown };
  fromHook?: boolean;
  /** pi 1.6: what the summary call cost. */
  usage?: Usage;
  /** pi 1.6: a full prompt and tool checkpoint. */
  systemMessage?: SystemMessage;
}

export interface BranchSummaryEntry extends EntryBase {
  type: 'branch_summary';
  fromId: string;
  summary: string;
  details?: { readFiles?: string[]; modifiedFiles?: string[]; [key: string]: unknown };
  fromHook?: boolean;
  /** pi 1.6: what the summary call cost. */
  usage?: Usage;
}

/** pi 1.6: model work outside the conversation, e.g. `cache_warm` by the prompt-cache warmer. */
export interface UsageEntry extends EntryBase {
  type: 'usage';
  kind: string;
  provider?: string;
  model?: string;
  usage: Usage;
  note?: string;
}

/**
 * pi 1.6: changes what the model sees of an earlier entry without touching it; the latest
 * edit of a target on a branch wins. `replacement: null` hides the target.
 */
export interface ContextEditEntry extends EntryBase {
  type: 'context_edit';
  targetId: string;
  replacement: { content: string | (TextBlock | ImageBlock | UnknownBlock)[]; [key: string]: unknown } | null;
}

export interface CustomEntry extends EntryBase {
  type: 'custom';
  customType: string;
  data?: unknown;
}

export interface CustomMessageEntry extends EntryBase {
  type: 'custom_message';
  customType: string;
  content: string | (TextBlock | ImageBlock | UnknownBlock)[];
  display?: boolean;
  details?: unknown;
}

export interface LabelEntry extends EntryBase {
  type: 'label';
  targetId: string;
  label?: string;
}

export interface SessionInfoEntry extends EntryBase {
  type: 'session_info';
  name?: string;
}

export interface UnknownEntry extends EntryBase {
  type: string;
}

export type SessionEntry =
  | MessageEntry
  | ModelChangeEntry
  | ThinkingLevelChangeEntry
  | CompactionEntry
  | BranchSummaryEntry
  | CustomEntry
  | CustomMessageEntry
  | LabelEntry
  | SessionInfoEntry
  | UsageEntry
  | ContextEditEntry
  | UnknownEntry;

/** A whole session read into memory: header, every entry in file order, and the tree. */
export interface ParsedSession {
  path: string;
  header: SessionHeader;
  entries: SessionEntry[];
  /** Id of the last entry in the file (pi's leaf on load), or null with no entries. */
  leafId: string | null;
  /** Resolved labels: target entry id → label. */
  labels: Record<string, string>;
  /** Lines that were blank, unparseable or not entries, counted and skipped. */
  skippedLines: number;
  /** Byte offset just past the last complete line read; a later tail read starts here. */
  bytesParsed?: number;
}
