import * as fs from 'node:fs';
import type { AssistantMessage, LabelEntry, MessageEntry, ModelChangeEntry, SessionEntry, SessionHeader, SessionInfoEntry, ThinkingLevelChangeEntry } from '../../shared/model/entries';
import type { SessionInfo, TokenTotals, UsageBucket } from '../../shared/model/sessionInfo';
import type { EntrySink, SummarizeResult } from './sessionIndex';
import { EntryMigrator, type MigrationState } from './migrate';
import { entryDedupKey, readSessionObjects } from './parser';
import type { ParsedObject } from './jsonl';
import { addTokens, answerModelKey, billedUsage, usageCost, usageTokens, zeroTokens, type BilledUsage } from '../../shared/rules/usage';

/**
 * SessionInfo derivation, one entry at a time, so that a file that only grew is read from
 * where the last read stopped. `snapshot()` captures everything needed to continue; restoring
 * it and feeding the appended entries gives exactly what a full read gives.
 *
 * Rules that are choices rather than pi's:
 * - Deduplication: an entry whose key (`entryDedupKey`: the id in v2+ files, a timestamp and
 *   content signature for v1 messages) was already seen in this file is a duplicated line and
 *   counts for nothing. Keys are kept as 32-bit numbers: pi's 8-hex-digit ids exactly, other
 *   keys hashed, which keeps the snapshot at 4 bytes per entry.
 * - `has_branches`: true as soon as an entry's parent is not the entry before it in the
 *   chain, i.e. some entry has two children, or there is a second root or an orphan.
 * - `model`/`thinking_level`: the last one set in file order (pi re-records the thinking level
 *   when a branch is resumed, so this matches the leaf in practice).
 * - `first_message`/`last_message`: previews of at most `previewLimit` characters; `''` when
 *   there is none (the UI shows its own placeholder).
 */

export const previewLimit = 1000;

interface Counts {
  entries: number;
  /** Every `message` entry, whatever its role: pi's own `messageCount`. */
  messages: number;
  user: number;
  assistant: number;
  toolResult: number;
  bash: number;
  toolCalls: number;
  compactions: number;
  skippedLines: number;
  duplicates: number;
}

/** Compact, JSON-serializable state of a SessionSummaryBuilder. */
export interface SummarySnapshot {
  v: 2;
  header: SessionHeader;
  migration: MigrationState;
  counts: Counts;
  name: string | null;
  first: string | null;
  last: string | null;
  lastRole: string | null;
  /** Newest user/assistant activity in ms, 0 when there is none. */
  activityMs: number;
  model: string | null;
  models: string[];
  thinking: string | null;
  tokens: TokenTotals;
  cost: number;
  byModel: Record<string, UsageBucket>;
  byHour: Record<string, UsageBucket>;
  /** Target ids that currently have a label. */
  labels: string[];
  leaf: string | null;
  /** Last entry of the single chain, until the entries stop forming one. */
  tail: string | null;
  branched: boolean;
  /** Dedup keys as little-endian uint32, base64. */
  seen: string;
}

function isObject(value: unknown): value is ParsedObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const hexId = /^[0-9a-f]{8}$/;

/** 32-bit form of a dedup key: pi's 8-hex ids as their value, anything else FNV-1a hashed. */
export function keyToUint32(key: string): number {
  if (hexId.test(key)) return Number.parseInt(key, 16) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function encodeKeys(keys: Set<number>): string {
  const buf = Buffer.allocUnsafe(keys.size * 4);
  let i = 0;
  for (const k of keys) {
    buf.writeUInt32LE(k, i);
    i += 4;
  }
  return buf.toString('base64');
}

function decodeKeys(text: string): Set<number> {
  const buf = Buffer.from(text, 'base64');
  const keys = new Set<number>();
  for (let i = 0; i + 4 <= buf.length; i += 4) keys.add(buf.readUInt32LE(i));
  return keys;
}

/** Text of a message's content: a string as is, text blocks joined by one space (pi's rule). */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (isObject(block) && block.type === 'text' && typeof block.text === 'string') parts.push(block.text);
  }
  return parts.join(' ');
}

function isoFromString(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function activityTime(message: ParsedObject, entry: SessionEntry): number {
  if (typeof message.timestamp === 'number' && Number.isFinite(message.timestamp)) return message.timestamp;
  const ms = Date.parse(entry.timestamp);
  return Number.isNaN(ms) ? 0 : ms;
}

function bucket(map: Record<string, UsageBucket>, key: string): UsageBucket {
  let b = map[key];
  if (!b) {
    b = { messages: 0, tokens: zeroTokens(), cost: 0 };
    map[key] = b;
  }
  return b;
}


function preview(text: string): string {
  return text.length > previewLimit ? text.slice(0, previewLimit) : text;
}

const hourMs = 3_600_000;
/** The last hour formatted: entries come in time order, so most share their neighbour's hour. */
let lastHour = { start: -1, key: '' };

function hourKey(ms: number): string | null {
  if (!(ms > 0)) return null;
  if (ms >= lastHour.start && ms < lastHour.start + hourMs) return lastHour.key;
  const start = ms - (ms % hourMs);
  lastHour = { start, key: new Date(start).toISOString().slice(0, 13) };
  return lastHour.key;
}

export class SessionSummaryBuilder {
  readonly header: SessionHeader;
  private readonly migrator: EntryMigrator;
  private counts: Counts = { entries: 0, messages: 0, user: 0, assistant: 0, toolResult: 0, bash: 0, toolCalls: 0, compactions: 0, skippedLines: 0, duplicates: 0 };
  private name: string | null = null;
  private first: string | null = null;
  private last: string | null = null;
  private lastRole: string | null = null;
  private activityMs = 0;
  private model: string | null = null;
  private models: string[] = [];
  private thinking: string | null = null;
  private tokens = zeroTokens();
  private cost = 0;
  private byModel: Record<string, UsageBucket> = {};
  private byHour: Record<string, UsageBucket> = {};
  private labels = new Set<string>();
  private leaf: string | null = null;
  private tail: string | null = null;
  private branched = false;
  private seen = new Set<number>();

  constructor(readonly path: string, header: SessionHeader, migration?: MigrationState) {
    this.header = header;
    this.migrator = new EntryMigrator(header.version, migration);
    if (!migration) {
      // v1 headers record the model and thinking level the session started with.
      if (typeof header.provider === 'string' && typeof header.modelId === 'string') this.useModel(`${header.provider}/${header.modelId}`);
      if (typeof header.thinkingLevel === 'string') this.thinking = header.thinkingLevel;
    }
  }

  /** Continues from a snapshot; throws when the snapshot is not one this version wrote. */
  static restore(path: string, snapshot: unknown): SessionSummaryBuilder {
    // Version 1 snapshots predate pi 1.6's usage rules; such a file is read again in full.
    if (!isObject(snapshot) || snapshot.v !== 2 || !isObject(snapshot.header) || !isObject(snapshot.counts) || typeof snapshot.seen !== 'string') {
      throw new Error('unrecognised session summary snapshot');
    }
    const s = snapshot as unknown as SummarySnapshot;
    const b = new SessionSummaryBuilder(path, s.header, s.migration);
    b.counts = { ...s.counts };
    b.name = s.name;
    b.first = s.first;
    b.last = s.last;
    b.lastRole = s.lastRole;
    b.activityMs = s.activityMs;
    b.model = s.model;
    b.models = [...s.models];
    b.thinking = s.thinking;
    b.tokens = { ...s.tokens };
    b.cost = s.cost;
    b.byModel = structuredClone(s.byModel);
    b.byHour = structuredClone(s.byHour);
    b.labels = new Set(s.labels);
    b.leaf = s.leaf;
    b.tail = s.tail;
    b.branched = s.branched;
    b.seen = decodeKeys(s.seen);
    return b;
  }

  snapshot(): SummarySnapshot {
    return {
      v: 2,
      header: this.header,
      migration: this.migrator.state,
      counts: { ...this.counts },
      name: this.name,
      first: this.first,
      last: this.last,
      lastRole: this.lastRole,
      activityMs: this.activityMs,
      model: this.model,
      models: [...this.models],
      thinking: this.thinking,
      tokens: { ...this.tokens },
      cost: this.cost,
      byModel: structuredClone(this.byModel),
      byHour: structuredClone(this.byHour),
      labels: [...this.labels],
      leaf: this.leaf,
      tail: this.tail,
      branched: this.branched,
      seen: encodeKeys(this.seen),
    };
  }

  /** A blank or unparseable line. */
  addSkippedLine(): void {
    this.counts.skippedLines++;
  }

  /**
   * Migrates a raw body object and adds it. Returns the entry when it counted, null when it
   * was not an entry (counted as a skipped line) or a duplicate.
   */
  addObject(obj: ParsedObject): SessionEntry | null {
    const entry = this.migrator.migrate(obj);
    if (!entry) {
      this.counts.skippedLines++;
      return null;
    }
    return this.addEntry(entry) ? entry : null;
  }

  /** Adds an already migrated entry; false when it is a duplicate and was ignored. */
  addEntry(entry: SessionEntry): boolean {
    const key = entryDedupKey(entry, this.header.version);
    if (key !== undefined) {
      const k = keyToUint32(key);
      if (this.seen.has(k)) {
        this.counts.duplicates++;
        // A v1 duplicate still got a chain id from the migrator, and the next entry hangs on it.
        if (this.header.version < 2 && entry.parentId === this.tail) this.tail = entry.id;
        return false;
      }
      this.seen.add(k);
    }
    this.counts.entries++;
    this.leaf = entry.id;
    if (!this.branched) {
      if (this.counts.entries > 1 && entry.parentId !== this.tail) this.branched = true;
      else this.tail = entry.id;
    }
    const billed = billedUsage(entry, this.model);
    switch (entry.type) {
      case 'message':
        this.addMessage(entry as MessageEntry);
        break;
      case 'model_change': {
        const e = entry as ModelChangeEntry;
        if (typeof e.provider === 'string' && typeof e.modelId === 'string') this.useModel(`${e.provider}/${e.modelId}`);
        break;
      }
      case 'thinking_level_change': {
        const level = (entry as ThinkingLevelChangeEntry).thinkingLevel;
        if (typeof level === 'string') this.thinking = level;
        break;
      }
      case 'compaction':
        this.counts.compactions++;
        break;
      case 'label': {
        const e = entry as LabelEntry;
        if (typeof e.targetId === 'string') {
          if (typeof e.label === 'string' && e.label.trim()) this.labels.add(e.targetId);
          else this.labels.delete(e.targetId);
        }
        break;
      }
      case 'session_info': {
        const name = (entry as SessionInfoEntry).name;
        if (typeof name === 'string' && name.trim()) this.name = name.trim();
        break;
      }
      default:
        break;
    }
    if (billed) this.bill(billed, entry);
    return true;
  }

  /** Adds one priced piece of model work to the totals, its model's bucket and its hour. */
  private bill(billed: BilledUsage, entry: SessionEntry): void {
    const tokens = usageTokens(billed.usage);
    const cost = usageCost(billed.usage);
    addTokens(this.tokens, tokens);
    this.cost += cost;
    const slices = [bucket(this.byModel, billed.key)];
    const message = entry.type === 'message' && isObject(entry.message) ? entry.message : null;
    const hour = hourKey(message ? activityTime(message, entry) : Date.parse(entry.timestamp));
    if (hour) slices.push(bucket(this.byHour, hour));
    for (const b of slices) {
      addTokens(b.tokens, tokens);
      b.cost += cost;
    }
  }

  private useModel(model: string): void {
    this.model = model;
    if (!this.models.includes(model)) this.models.push(model);
  }

  private addMessage(entry: MessageEntry): void {
    const message = entry.message as unknown;
    if (!isObject(message)) return;
    this.counts.messages++;
    const role = message.role;
    if (role === 'toolResult') this.counts.toolResult++;
    else if (role === 'bashExecution') this.counts.bash++;
    if (role !== 'user' && role !== 'assistant') return;

    let modelKey = this.model ?? 'unknown';
    if (role === 'user') {
      this.counts.user++;
    } else {
      this.counts.assistant++;
      const assistant = message as AssistantMessage;
      if (Array.isArray(assistant.content)) {
        for (const block of assistant.content) if (isObject(block) && block.type === 'toolCall') this.counts.toolCalls++;
      }
      if (typeof assistant.provider === 'string' && typeof assistant.model === 'string') this.useModel(`${assistant.provider}/${assistant.model}`);
      modelKey = answerModelKey(message) ?? this.model ?? 'unknown';
    }

    const at = activityTime(message, entry);
    if (at > this.activityMs) this.activityMs = at;
    const slices = [bucket(this.byModel, modelKey)];
    const hour = hourKey(at);
    if (hour) slices.push(bucket(this.byHour, hour));
    for (const b of slices) b.messages++;

    const text = messageText(message.content);
    if (text) {
      if (role === 'user' && this.first === null) this.first = preview(text);
      this.last = preview(text);
      this.lastRole = role;
    }
  }

  /** The SessionInfo for what was read so far; `tag_ids`/`favorite` are left for user data. */
  info(file: { size: number; mtimeMs: number }): SessionInfo {
    const h = this.header;
    const mtimeIso = new Date(Number.isFinite(file.mtimeMs) ? file.mtimeMs : 0).toISOString();
    const created = isoFromString(h.timestamp) ?? mtimeIso;
    const modified = this.activityMs > 0 ? new Date(this.activityMs).toISOString() : (isoFromString(h.timestamp) ?? mtimeIso);
    const c = this.counts;
    return {
      path: this.path,
      id: h.id,
      cwd: h.cwd,
      name: this.name,
      created,
      modified,
      message_count: c.user + c.assistant,
      pi_message_count: c.messages,
      first_message: this.first ?? '',
      last_message: this.last ?? '',
      last_message_role: this.lastRole,
      // pi reads only `parentSession`; the legacy `branchedFrom` is not a parent link for it.
      parent_session_path: typeof h.parentSession === 'string' ? h.parentSession : null,
      model: this.model,
      models: [...this.models],
      thinking_level: this.thinking,
      version: h.version,
      size_bytes: file.size,
      file_mtime_ms: file.mtimeMs,
      entry_count: c.entries,
      user_message_count: c.user,
      assistant_message_count: c.assistant,
      tool_result_count: c.toolResult,
      bash_execution_count: c.bash,
      tool_call_count: c.toolCalls,
      tokens: { ...this.tokens },
      cost: this.cost,
      leaf_id: this.leaf,
      has_branches: this.branched,
      label_count: this.labels.size,
      compaction_count: c.compactions,
      skipped_lines: c.skippedLines,
      tag_ids: [],
      favorite: false,
      usage_by_model: structuredClone(this.byModel),
      activity_by_hour: structuredClone(this.byHour),
    };
  }
}

export interface SummarizeFileOptions {
  /** Resume at this byte offset (a previous result's `offset`); needs `snapshot`. */
  fromOffset?: number;
  /** A previous result's `snapshot`. Unusable snapshots fall back to a full read. */
  snapshot?: unknown;
  /** File size and mtime as stat'ed by the caller; reading stops at `size`. */
  size?: number;
  mtimeMs?: number;
  /** Receives every counted entry (migrated), with the span of its line. */
  onEntry?: EntrySink;
  /** Told where reading starts: `fromOffset`, or 0 when the snapshot could not be used. */
  onStart?: (fromOffset: number) => void;
  /** Called between chunks of a large file; reading waits while it returns a promise. */
  pause?: () => Promise<void> | undefined;
}

/**
 * Summarizes a session file, reading only from `fromOffset` when a snapshot of the earlier
 * part is given. Throws InvalidSessionFileError for a file without a session header.
 */
export async function summarizeFile(file: string, options: SummarizeFileOptions = {}): Promise<SummarizeResult> {
  let size = options.size;
  let mtimeMs = options.mtimeMs;
  if (size === undefined || mtimeMs === undefined) {
    const st = await fs.promises.stat(file);
    size ??= st.size;
    mtimeMs ??= st.mtimeMs;
  }
  let builder: SessionSummaryBuilder | undefined;
  let fromOffset = 0;
  if (options.snapshot !== undefined && options.fromOffset !== undefined && options.fromOffset > 0 && options.fromOffset <= size) {
    try {
      builder = SessionSummaryBuilder.restore(file, options.snapshot);
      fromOffset = options.fromOffset;
    } catch {
      builder = undefined;
    }
  }
  const sink = options.onEntry;
  options.onStart?.(fromOffset);
  // Garbage before the header still counts once the header (and so the builder) exists.
  let skippedBeforeHeader = 0;
  const { offset } = await readSessionObjects(
    file,
    {
      onHeader(header) {
        builder = new SessionSummaryBuilder(file, header);
        for (; skippedBeforeHeader > 0; skippedBeforeHeader--) builder.addSkippedLine();
      },
      onObject(obj, source) {
        const entry = builder?.addObject(obj);
        if (entry && sink && builder) sink(entry, builder.header, source);
      },
      onSkippedLine() {
        if (builder) builder.addSkippedLine();
        else skippedBeforeHeader++;
      },
    },
    { fromOffset, toOffset: size, ...(options.pause ? { pause: options.pause } : {}) },
  );
  if (!builder) throw new Error(`${file}: no session header`);
  return { info: builder.info({ size, mtimeMs }), snapshot: builder.snapshot(), offset };
}
