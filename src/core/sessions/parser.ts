import type { LabelEntry, MessageEntry, ParsedSession, SessionEntry, SessionHeader } from '../../shared/model/entries';
import { EntryMigrator, normalizeHeader } from './migrate';
import { openSessionFile } from './safeOpen';
import { isObject, parseJsonlLine, readJsonlLines, type ParsedObject, type ReadLinesOptions } from './jsonl';

/*
 * Session semantics over the JSONL framing of jsonl.ts: the header, migration to v3 shapes,
 * deduplication of repeated lines, labels, and the readers built on them.
 */

/** Thrown when a file's first JSON object is not a `{type:"session", id}` header. */
export class InvalidSessionFileError extends Error {
  constructor(readonly file: string, readonly reason: string) {
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
      const nl = chunk.subarray(0, bytesRead).indexOf(0x0a);
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
