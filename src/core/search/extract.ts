import type { AssistantMessage, BashExecutionMessage, CustomMessageEntry, MessageEntry, SessionEntry, ToolResultMessage } from '../../shared/model/entries';
import type { SearchRole } from '../../shared/model/search';

/** Where an entry's line sits in its session file, so a snippet can be read back later. */
export interface LineSource {
  offset: number;
  length: number;
}

/** One searchable document: the text of one entry in one role. */
export interface IndexableMessage {
  entry_id: string;
  role: SearchRole;
  timestamp_ms: number;
  text: string;
  /** The text was cut at `maxToolTextLength` (tool output only). */
  truncated: boolean;
  /** When present, the index keeps no copy of the text and re-reads the line for snippets. */
  source?: LineSource;
}

/**
 * Tool calls and results are most of a store's bytes but rarely what people search for, so
 * only their head is indexed. User and assistant text is never cut: a word a person wrote or
 * read in the conversation must always be found.
 */
export const maxToolTextLength = 2048;

/**
 * Collects the pieces of a tool document up to one character past `maxToolTextLength`:
 * tool output can be megabytes, and joining all of it only for cut() to keep 2 KB was most
 * of the cost of extracting it. What it returns cuts exactly as the whole text would.
 */
class CappedText {
  private readonly parts: string[] = [];
  private length = 0;

  get full(): boolean {
    return this.length > maxToolTextLength;
  }

  add(piece: string): void {
    if (this.full) return;
    const room = maxToolTextLength + 1 - this.length;
    const kept = piece.length > room ? piece.slice(0, room) : piece;
    this.parts.push(kept);
    this.length += kept.length;
  }

  toString(): string {
    return this.parts.join('');
  }
}

function blocksText(content: unknown, types: ReadonlySet<string>, into?: CappedText): string {
  if (typeof content === 'string') {
    into?.add(content);
    return content;
  }
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content as unknown[]) {
    if (into?.full) break;
    if (typeof block !== 'object' || block === null) continue;
    const b = block as Record<string, unknown>;
    if (!types.has(String(b.type))) continue;
    let text: string | undefined;
    if (b.type === 'text' && typeof b.text === 'string') text = b.text;
    else if (b.type === 'thinking' && typeof b.thinking === 'string' && b.redacted !== true) text = b.thinking;
    if (text === undefined) continue;
    if (into) {
      if (parts.length > 0) into.add('\n');
      into.add(text);
    }
    parts.push(into ? '' : text);
  }
  return into ? '' : parts.join('\n');
}

/** Lines of a tool call document, joined by `\n`, collected only as far as they are kept. */
class CappedLines {
  private first = true;
  constructor(readonly text: CappedText) {}

  push(line: string): void {
    if (!this.first) this.text.add('\n');
    this.first = false;
    this.text.add(line);
  }
}

/** Argument values as plain text: JSON escapes would glue `\n` onto the next word. */
function flattenValue(value: unknown, out: CappedLines, depth: number): void {
  if (out.text.full || depth > 6 || value === null || value === undefined) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) flattenValue(v, out, depth + 1);
  else if (typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (out.text.full) return;
      out.push(`${key}:`);
      flattenValue(v, out, depth + 1);
    }
  }
}

function cut(text: string): { text: string; truncated: boolean } {
  if (text.length <= maxToolTextLength) return { text, truncated: false };
  let end = maxToolTextLength;
  const last = text.charCodeAt(end - 1);
  // Never leave half a surrogate pair at the end.
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), truncated: true };
}

function timestampOf(entry: SessionEntry, messageTimestamp: unknown): number {
  if (typeof messageTimestamp === 'number' && Number.isFinite(messageTimestamp)) return messageTimestamp;
  const parsed = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : NaN;
  return Number.isFinite(parsed) ? parsed : 0;
}

const userBlocks = new Set(['text']);
const assistantBlocks = new Set(['text', 'thinking']);

function toolDoc(entry: SessionEntry, timestamp_ms: number, text: string): IndexableMessage {
  const { text: kept, truncated } = cut(text);
  return { entry_id: entry.id, role: 'tool', timestamp_ms, text: kept, truncated };
}

function fromMessage(entry: MessageEntry): IndexableMessage[] {
  const message = entry.message;
  if (typeof message !== 'object' || message === null) return [];
  const ts = timestampOf(entry, message.timestamp);
  const out: IndexableMessage[] = [];
  switch (message.role) {
    case 'user':
    case 'custom': {
      if (message.role === 'custom' && message.display === false) break;
      const text = blocksText(message.content, userBlocks);
      if (text.trim()) out.push({ entry_id: entry.id, role: 'user', timestamp_ms: ts, text, truncated: false });
      break;
    }
    case 'assistant': {
      const content = (message as AssistantMessage).content;
      const text = blocksText(content, assistantBlocks);
      if (text.trim()) out.push({ entry_id: entry.id, role: 'assistant', timestamp_ms: ts, text, truncated: false });
      if (Array.isArray(content)) {
        const calls = new CappedLines(new CappedText());
        let any = false;
        for (const block of content) {
          if (block.type !== 'toolCall') continue;
          any = true;
          calls.push(String(block.name ?? ''));
          flattenValue(block.arguments, calls, 0);
        }
        if (any) out.push(toolDoc(entry, ts, calls.text.toString()));
      }
      break;
    }
    case 'toolResult': {
      const result = message as ToolResultMessage;
      const text = new CappedText();
      text.add(`${String(result.toolName ?? '')}\n`);
      blocksText(result.content, userBlocks, text);
      out.push(toolDoc(entry, ts, text.toString()));
      break;
    }
    case 'bashExecution': {
      const bash = message as BashExecutionMessage;
      const text = new CappedText();
      text.add(String(bash.command ?? ''));
      text.add('\n');
      text.add(String(bash.output ?? ''));
      out.push(toolDoc(entry, ts, text.toString()));
      break;
    }
    default:
      break;
  }
  return out;
}

/**
 * The searchable documents of one entry: user text (and displayed extension messages) as
 * `user`; assistant text and thinking as `assistant`; tool calls (name + argument values),
 * tool results and `!bash` runs as `tool`. Other entry types carry no conversation text.
 */
export function extractEntryMessages(entry: SessionEntry): IndexableMessage[] {
  if (entry.type === 'message') return fromMessage(entry as MessageEntry);
  if (entry.type === 'custom_message') {
    const custom = entry as CustomMessageEntry;
    if (custom.display === false) return [];
    const text = blocksText(custom.content, userBlocks);
    return text.trim() ? [{ entry_id: entry.id, role: 'user', timestamp_ms: timestampOf(entry, undefined), text, truncated: false }] : [];
  }
  return [];
}

export function extractIndexableMessages(entries: readonly SessionEntry[]): IndexableMessage[] {
  const out: IndexableMessage[] = [];
  for (const entry of entries) for (const doc of extractEntryMessages(entry)) out.push(doc);
  return out;
}
