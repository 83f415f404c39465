import * as fs from 'node:fs';
import type { SessionEntry } from '../../shared/model/entries';
import type { SearchHit, SearchRole } from '../../shared/model/search';
import { openSessionFileSync } from '../sessions/safeOpen';
import { flagTruncated, roleNames, type DocTable, type SessionRecord } from './docTable';
import { extractEntryMessages, type LineSource } from './extract';
import type { QueryClause } from './queryParser';
import { makeSnippet } from './snippet';

/** Longer lines are not read back for a snippet (a 100 MB line would stall the reply). */
const maxSnippetLineBytes = 32 * 1024 * 1024;

export type ReadLine = (path: string, source: LineSource) => string | undefined;

/**
 * Reads the lines of one page of hits, opening each session file once: a page often holds
 * several hits of one session, and each open is a guarded one (no links, same file).
 */
export class LineReader {
  /** An open file, or null when it could not be opened (deleted or replaced since indexing). */
  private readonly open = new Map<string, number | null>();

  read(file: string, source: LineSource): string | undefined {
    if (source.length > maxSnippetLineBytes) return undefined;
    let fd = this.open.get(file);
    if (fd === undefined) {
      try {
        fd = openSessionFileSync(file);
      } catch {
        fd = null;
      }
      this.open.set(file, fd);
    }
    if (fd === null) return undefined;
    try {
      const buffer = Buffer.allocUnsafe(source.length);
      const read = fs.readSync(fd, buffer, 0, source.length, source.offset);
      return buffer.toString('utf8', 0, read);
    } catch {
      // The file changed under us since it was indexed: the hit stays, without snippet.
      return undefined;
    }
  }

  close(): void {
    for (const fd of this.open.values()) if (fd !== null) fs.closeSync(fd);
    this.open.clear();
  }
}

/** The indexed text of a document: the stored copy, or the entry re-read from its line. */
function textOf(docs: DocTable, doc: number, path: string, role: SearchRole, readLine: ReadLine): string {
  const stored = docs.text.get(doc);
  if (stored >= 0) return docs.texts.get(stored);
  const offset = docs.sourceOffset.get(doc);
  if (offset < 0) return '';
  const line = readLine(path, { offset, length: docs.sourceLength.get(doc) });
  if (line === undefined) return '';
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    // The line is not what was indexed any more (file replaced): no snippet rather than a wrong one.
    return '';
  }
  if (typeof entry !== 'object' || entry === null) return '';
  const message = extractEntryMessages(entry as SessionEntry).find((m) => m.role === role);
  return message ? message.text : '';
}

/** A page hit: session fields, the message's fields and a snippet (only the page is read back). */
export function hitFor(docs: DocTable, session: SessionRecord, doc: number, score: number, clauses: QueryClause[], readLine: ReadLine): SearchHit {
  const role = roleNames[docs.role.get(doc)];
  const snippet = makeSnippet(textOf(docs, doc, session.path, role, readLine), clauses);
  const timestamp = docs.time.get(doc);
  return {
    session_path: session.path,
    session_id: session.id,
    session_name: session.name,
    cwd: session.cwd,
    entry_id: docs.entryIds.get(doc),
    role,
    timestamp: Number.isFinite(timestamp) && timestamp > 0 ? new Date(timestamp).toISOString() : '',
    timestamp_ms: timestamp,
    snippet: snippet.text,
    highlights: snippet.highlights,
    score: Math.round(score * 10000) / 10000,
    truncated: (docs.flags.get(doc) & flagTruncated) !== 0,
  };
}
