import * as fs from 'node:fs';
import type { LabelEntry, MessageEntry, ParsedSession, SessionEntry, SessionHeader } from '../../shared/model/entries';
import { EntryMigrator, normalizeHeader } from './migrate';
import { openSessionFile, openSessionFileSync } from './safeOpen';

/** One complete line of a JSONL file: its text and where its bytes sit in the file. */
export interface JsonlLine {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte length of the line without its `\n` (and without a stripped `\r`). */
  length: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines on `\n` only. U+2028/U+2029 are ordinary characters in
 * JSON strings, which is why this works on bytes instead of using `readline`. A last line
 * without its `\n` stays pending: pi may be half-way through appending it.
 */
export class JsonlLineSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private consumed: number;

  constructor(startOffset = 0) {
    this.consumed = startOffset;
  }

  /** Byte offset just past the last complete line; a tail read resumes here. */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes of an incomplete last line held back so far. */
  get pendingBytes(): number {
    return this.pendingLength;
  }

  /**
   * Feeds a chunk and returns the lines it completes. The chunk may be reused by the caller
   * afterwards: whatever is kept pending is copied.
   */
  push(chunk: Buffer): JsonlLine[] {
    const lines: JsonlLine[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      let bytes: Buffer;
      if (this.pendingLength > 0) {
        bytes = Buffer.concat([...this.pending, chunk.subarray(start, nl)]);
        this.pending = [];
        this.pendingLength = 0;
      } else {
        bytes = chunk.subarray(start, nl);
      }
      const fullLength = bytes.length;
      const length = fullLength > 0 && bytes[fullLength - 1] === CR ? fullLength - 1 : fullLength;
      let text = bytes.toString('utf8', 0, length);
      // A byte-order mark some editors add would otherwise break the header's JSON.parse.
      if (this.consumed === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      lines.push({ text, offset: this.consumed, length });
      this.consumed += fullLength + 1;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = Buffer.from(chunk.subarray(start));
      this.pending.push(rest);
      this.pendingLength += rest.length;
    }
    return lines;
  }
}

/** Up to this many bytes are read in one blocking call (a few milliseconds at most). */
const syncReadLimit = 4 * 1024 * 1024;

export interface ReadLinesOptions {
  fromOffset?: number;
  /** Stop reading at this byte offset (e.g. the size the caller stat'ed). */
  toOffset?: number;
  chunkSize?: number;
}

/**
 * Reads complete lines from a file, chunk by chunk, never holding more than one line plus
 * one chunk in memory. Resolves with the offset just past the last complete line.
 */
export async function readJsonlLines(file: string, onLine: (line: JsonlLine) => void, options: ReadLinesOptions = {}): Promise<number> {
  const from = options.fromOffset ?? 0;
  const splitter = new JsonlLineSplitter(from);
  if (options.toOffset !== undefined && options.toOffset - from <= syncReadLimit) {
    // Most session files are small: one synchronous read of exactly their size costs less
    // than the thread-pool round trips and the 1 MB buffer of the chunked path.
    const fd = openSessionFileSync(file);
    try {
      const buffer = Buffer.allocUnsafe(Math.max(0, options.toOffset - from));
      let filled = 0;
      while (filled < buffer.length) {
        const n = fs.readSync(fd, buffer, filled, buffer.length - filled, from + filled);
        if (n === 0) break;
        filled += n;
      }
      for (const line of splitter.push(buffer.subarray(0, filled))) onLine(line);
    } finally {
      fs.closeSync(fd);
    }
    return splitter.offset;
  }
  const handle = await openSessionFile(file);
  try {
    const buffer = Buffer.allocUnsafe(options.chunkSize ?? 1 << 20);
    let position = from;
    const limit = options.toOffset ?? Number.POSITIVE_INFINITY;
    while (position < limit) {
      const want = Math.min(buffer.length, limit - position);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      for (const line of splitter.push(buffer.subarray(0, bytesRead))) onLine(line);
    }
  } finally {
    await handle.close();
  }
  return splitter.offset;
}

export type ParsedObject = Record<string, unknown>;

function isObject(value: unknown): value is ParsedObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects found on one line; `skipped` when the line held none (blank or garbage). */
export interface LineObjects {
  objects: ParsedObject[];
  skipped: boolean;
}

/**
 * Parses one line. A line that is not valid JSON may be several objects written without the
 * newline between them (`{…}{…}`), or a half-written object followed by a complete one;
 * both are recovered. Anything else counts as a skipped line.
 */
export function parseJsonlLine(text: string): LineObjects {
  if (text.trim() === '') return { objects: [], skipped: true };
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? { objects: [value], skipped: false } : { objects: [], skipped: true };
  } catch {
    const objects = recoverConcatenatedObjects(text);
    return { objects, skipped: objects.length === 0 };
  }
}

/** Top-level `{…}` spans found by bracket depth, ignoring brackets inside strings. */
function depthSplit(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = c === 0x7b ? i : -1;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0 && start >= 0) {
        pieces.push(text.slice(start, i + 1));
        start = -1;
      } else if (depth < 0) {
        depth = 0;
      }
    }
  }
  return pieces;
}

function tryParseObject(text: string): ParsedObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Beyond this many candidate starts the slower fallback is not worth trying. */
const maxFallbackCandidates = 64;

export function recoverConcatenatedObjects(text: string): ParsedObject[] {
  const bySplit: ParsedObject[] = [];
  let allParsed = true;
  for (const piece of depthSplit(text)) {
    const obj = tryParseObject(piece);
    if (obj) bySplit.push(obj);
    else allParsed = false;
  }
  if (allParsed && bySplit.length > 0) return bySplit;
  // A half-written object throws the depth count off for the rest of the line, so retry from
  // each place an entry can start: `{"type"`.
  const starts: number[] = [];
  for (let i = text.indexOf('{"type"'); i !== -1; i = text.indexOf('{"type"', i + 1)) {
    starts.push(i);
    if (starts.length > maxFallbackCandidates) return bySplit;
  }
  const byStarts: ParsedObject[] = [];
  let s = 0;
  while (s < starts.length) {
    let found = -1;
    for (let e = s + 1; e <= starts.length && found === -1; e++) {
      const end = e < starts.length ? starts[e] : text.length;
      const obj = tryParseObject(text.slice(starts[s], end));
      if (obj && typeof obj.type === 'string') {
        byStarts.push(obj);
        found = e;
      }
    }
    s = found === -1 ? s + 1 : found;
  }
  return byStarts.length > bySplit.length ? byStarts : bySplit;
}

/** Thrown when a file's first JSON object is not a `{type:"session", id}` header. */
export class InvalidSessionFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file} is not a pi session file: ${reason}`);
    this.name = 'InvalidSessionFileError';
  }
}

/** Where an object came from: the line's span (shared by objects recovered from one line). */
export interface ObjectSource {
  offset: number;
  length: number;
}

export interface SessionObjectReader {
  /** Called once with the header (the first object of the file). */
  onHeader?(header: SessionHeader, source: ObjectSource): void;
  /** Every later object, in file order, as parsed (not migrated). */
  onObject(obj: ParsedObject, source: ObjectSource): void;
  /** A blank or unparseable line. */
  onSkippedLine(): void;
}

/**
 * Reads a session file's objects. From offset 0 the first object must be the header
 * (otherwise InvalidSessionFileError); from a later offset every object is a body object.
 */
export async function readSessionObjects(file: string, reader: SessionObjectReader, options: ReadLinesOptions = {}): Promise<{ offset: number; header: SessionHeader | undefined }> {
  let header: SessionHeader | undefined;
  let expectHeader = (options.fromOffset ?? 0) === 0;
  const offset = await readJsonlLines(
    file,
    (line) => {
      const { objects, skipped } = parseJsonlLine(line.text);
      if (skipped) {
        reader.onSkippedLine();
        return;
      }
      const source = { offset: line.offset, length: line.length };
      for (const obj of objects) {
        if (expectHeader) {
          header = normalizeHeader(obj) ?? undefined;
          if (!header) throw new InvalidSessionFileError(file, 'the first JSON object is not a session header');
          expectHeader = false;
          reader.onHeader?.(header, source);
          continue;
        }
        reader.onObject(obj, source);
      }
    },
    options,
  );
  if (expectHeader) throw new InvalidSessionFileError(file, 'no complete header line');
  return { offset, header };
}

/**
 * Key under which an entry counts only once per file. Entries of v2+ files carry ids that
 * are unique within the file, so a repeated id is a duplicated line. v1 entries get their
 * ids from their position, so a duplicated v1 message line is recognised by role, message
 * timestamp, entry timestamp and block count instead. Other v1 entries are never deduplicated.
 */
export function entryDedupKey(entry: SessionEntry, fileVersion: number): string | undefined {
  if (fileVersion >= 2) return entry.id;
  if (entry.type !== 'message') return undefined;
  const message = (entry as MessageEntry).message;
  if (!isObject(message)) return undefined;
  const content = message.content;
  const blocks = Array.isArray(content) ? content.length : typeof content === 'string' ? -content.length : 0;
  return `m|${String(message.role)}|${String(message.timestamp)}|${entry.timestamp}|${blocks}`;
}

/** Applies one label entry to the resolved map: the latest wins, an empty label deletes. */
export function applyLabel(labels: Map<string, string>, entry: LabelEntry): void {
  if (typeof entry.targetId !== 'string') return;
  const label = typeof entry.label === 'string' ? entry.label.trim() : '';
  if (label) labels.set(entry.targetId, label);
  else labels.delete(entry.targetId);
}

export interface ParseSessionOptions {
  /** Stop at this byte offset (defaults to the end of the file). */
  toOffset?: number;
}

/**
 * Reads a whole session file into memory, migrated to v3 shapes in memory (the file is never
 * rewritten). Duplicated entries (see `entryDedupKey`) are dropped. Throws
 * InvalidSessionFileError when the file does not start with a session header; I/O errors
 * propagate as they are.
 */
export async function parseSessionFile(file: string, options: ParseSessionOptions = {}): Promise<ParsedSession> {
  const entries: SessionEntry[] = [];
  const seen = new Set<string>();
  // v1 only: the id a dropped duplicate had → the id its children should point to instead.
  const replacedIds = new Map<string, string | null>();
  let migrator: EntryMigrator | undefined;
  let version = 3;
  let skippedLines = 0;
  const { header, offset } = await readSessionObjects(
    file,
    {
      onHeader(h) {
        version = h.version;
        migrator = new EntryMigrator(h.version);
      },
      onObject(obj) {
        const entry = migrator?.migrate(obj);
        if (!entry) {
          skippedLines++;
          return;
        }
        if (entry.parentId !== null && replacedIds.has(entry.parentId)) entry.parentId = replacedIds.get(entry.parentId) ?? null;
        const key = entryDedupKey(entry, version);
        if (key !== undefined) {
          if (seen.has(key)) {
            if (version < 2) replacedIds.set(entry.id, entry.parentId);
            return;
          }
          seen.add(key);
        }
        entries.push(entry);
      },
      onSkippedLine() {
        skippedLines++;
      },
    },
    { ...(options.toOffset !== undefined ? { toOffset: options.toOffset } : {}) },
  );
  if (!header) throw new InvalidSessionFileError(file, 'no header');
  const labels = new Map<string, string>();
  for (const entry of entries) if (entry.type === 'label') applyLabel(labels, entry as LabelEntry);
  return {
    path: file,
    header,
    entries,
    leafId: entries.length > 0 ? entries[entries.length - 1].id : null,
    labels: Object.fromEntries(labels),
    skippedLines,
    bytesParsed: offset,
  };
}

/** Reads just the header line (up to 1 MB); null when the file does not start with one. */
export async function readSessionHeader(file: string): Promise<SessionHeader | null> {
  const handle = await openSessionFile(file);
  try {
    const parts: Buffer[] = [];
    let position = 0;
    while (position < 1 << 20) {
      const chunk = Buffer.alloc(16 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) return null;
      const nl = chunk.subarray(0, bytesRead).indexOf(LF);
      parts.push(chunk.subarray(0, nl === -1 ? bytesRead : nl));
      if (nl !== -1) {
        const { objects } = parseJsonlLine(Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, ''));
        return objects[0] ? normalizeHeader(objects[0]) : null;
      }
      position += bytesRead;
    }
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Entries of the complete lines at or after `fromOffset`, for following a live file. A
 * v1 file needs its earlier lines to continue the id chain, so it is read whole and
 * filtered; newer files are read from the offset only. Duplicates are only recognised
 * within what is read here.
 */
export async function parseEntriesFrom(file: string, fromOffset: number): Promise<{ entries: SessionEntry[]; nextOffset: number }> {
  const header = await readSessionHeader(file);
  if (!header) throw new InvalidSessionFileError(file, 'the first line is not a session header');
  const entries: SessionEntry[] = [];
  const seen = new Set<string>();
  const migrator = new EntryMigrator(header.version);
  const fullRead = header.version < 2 || fromOffset === 0;
  const { offset } = await readSessionObjects(
    file,
    {
      onObject(obj, source) {
        const entry = migrator.migrate(obj);
        if (!entry || source.offset < fromOffset) return;
        const key = entryDedupKey(entry, header.version);
        if (key !== undefined) {
          if (seen.has(key)) return;
          seen.add(key);
        }
        entries.push(entry);
      },
      onSkippedLine() {},
    },
    { fromOffset: fullRead ? 0 : fromOffset },
  );
  return { entries, nextOffset: offset };
}
