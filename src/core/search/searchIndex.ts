import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { SessionEntry } from '../../shared/model/entries';
import { openSessionFileSync } from '../sessions/safeOpen';
import { GrowableArray, StringArena, VarintReader, f64, i32, u32, u8 } from './compactArrays';
import { extractEntryMessages, type IndexableMessage, type LineSource } from './extract';
import type { SearchRole } from '../../shared/model/search';
import { readIndexFile, writeIndexFile, type IndexFileData } from './indexFile';
import { parseQuery, type QueryClause } from './queryParser';
import { Segment, SegmentBuilder, emptySegment, mergeSegments } from './segment';
import { makeSnippet } from './snippet';
import { tokenize } from './tokenizer';
import type { SearchIndexStats, SearchQuery, SearchResult, SearchSessionMeta } from './types';
import type { SearchHit } from '../../shared/model/search';

/*
 * Why an inverted index of our own rather than SQLite FTS4 through sql.js:
 * - sql.js keeps the whole database inside the wasm heap and can only persist by exporting
 *   all of it as one more copy: for a 1 GB store that is two full copies of the index in
 *   memory at save time, and the wasm heap never shrinks back.
 * - Postings here are varint-packed bytes in a few large Uint8Arrays, the term dictionary a
 *   sorted string per segment (prefix queries are a binary-searched range), per-document data
 *   typed arrays. No per-term or per-document JS objects exist, so the V8 heap stays small.
 * - Message text is not kept: snippets re-read the entry's line by byte offset (only the page
 *   of hits being shown). Documents added without a line source keep a UTF-8 copy instead.
 * - Persistence is one binary file whose sections load straight into typed arrays.
 *
 * Memory for a ~1 GB store (tool output ~70% of the bytes, cut to 4 KB per message): about
 * 300 MB of indexed text. Measured on synthetic text, postings with positions take ~0.57
 * bytes per text byte (60 MB of text → 34 MB), so ~170 MB; the dictionary ~35 bytes per
 * distinct term per segment (≈ 1–1.5 M terms, hashes included → ~50 MB); per-document
 * arrays ~40 bytes × ~1.5 M documents = 60 MB. About 280 MB in all, nearly all of it outside
 * the V8 heap, inside the 800 MB process budget. Building holds one pending segment
 * (~3 M positions ≈ 60 MB) and a merge at most `maxSegmentBytes` of new bytes.
 */

const roleCodes: Record<SearchRole, number> = { user: 0, assistant: 1, tool: 2 };
const roleNames: readonly SearchRole[] = ['user', 'assistant', 'tool'];
const flagTruncated = 1;
const noSource = -1;

const bm25K1 = 1.2;
const bm25B = 0.75;
/** More prefix expansions than this per segment make the answer partial. */
const maxPrefixExpansions = 2000;
const maxLimit = 200;
const maxOffset = 10000;
const defaultBudgetMs = 250;
/** Longer lines are not read back for a snippet (a 100 MB line would stall the reply). */
const maxSnippetLineBytes = 32 * 1024 * 1024;

interface SessionRecord extends SearchSessionMeta {
  docCount: number;
  tokenCount: number;
}

export interface SearchIndexOptions {
  /** Reads the line of a session file a document came from; default: a positioned read. */
  readLine?: (path: string, source: LineSource) => string | undefined;
  /** Pending term positions at which a segment is built. */
  flushPositions?: number;
  /** Segments are not merged beyond this many bytes, which bounds a merge's extra memory. */
  maxSegmentBytes?: number;
}

function readLineAt(file: string, source: LineSource): string | undefined {
  if (source.length > maxSnippetLineBytes) return undefined;
  let fd: number | undefined;
  try {
    fd = openSessionFileSync(file);
    const buffer = Buffer.allocUnsafe(source.length);
    const read = fs.readSync(fd, buffer, 0, source.length, source.offset);
    return buffer.toString('utf8', 0, read);
  } catch {
    // The file was deleted or replaced since it was indexed: the hit stays, without snippet.
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Counts postings visited and says when the time budget is gone (checked every 4096). */
class Budget {
  private ops = 0;
  expired = false;

  constructor(private readonly deadline: number) {}

  tick(): boolean {
    if ((++this.ops & 4095) === 0) this.checkNow();
    return this.expired;
  }

  checkNow(): boolean {
    if (performance.now() > this.deadline) this.expired = true;
    return this.expired;
  }
}

/** Term indices of one query term in one segment (several for a prefix). */
type Slots = number[];

/**
 * Full-text index over session messages. Documents are added per session; a session that is
 * replaced or removed is dropped from results at once (its documents die with its session
 * record) and from the postings at the next compaction.
 */
export class SearchIndex {
  private sessions: (SessionRecord | null)[] = [];
  private byPath = new Map<string, number>();
  private docSession = new GrowableArray(u32, 4096);
  private docRole = new GrowableArray(u8, 4096);
  private docFlags = new GrowableArray(u8, 4096);
  private docTime = new GrowableArray(f64, 4096);
  private docLength = new GrowableArray(u32, 4096);
  private docSourceOffset = new GrowableArray(f64, 4096);
  private docSourceLength = new GrowableArray(u32, 4096);
  private docText = new GrowableArray(i32, 4096);
  private entryIds = new StringArena();
  private texts = new StringArena();
  private segments: Segment[] = [];
  private builder = new SegmentBuilder();
  private liveDocs = 0;
  private liveTokens = 0;
  private deadDocs = 0;
  private scratchMatched = new Uint8Array(0);
  private scratchScore = new Float64Array(0);
  private readonly readLine: (path: string, source: LineSource) => string | undefined;
  private readonly flushPositions: number;
  private readonly maxSegmentBytes: number;

  constructor(options: SearchIndexOptions = {}) {
    this.readLine = options.readLine ?? readLineAt;
    this.flushPositions = options.flushPositions ?? 3_000_000;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
  }

  // ---- sessions -------------------------------------------------------------------------

  hasSession(path: string): boolean {
    return this.byPath.has(path);
  }

  /** The fingerprint the session was indexed with, to decide whether to reindex it. */
  fingerprintOf(path: string): string | undefined {
    const index = this.byPath.get(path);
    return index === undefined ? undefined : (this.sessions[index] as SessionRecord).fingerprint;
  }

  sessionPaths(): string[] {
    return [...this.byPath.keys()];
  }

  /** Indexes a session from scratch, replacing whatever was indexed for its path. */
  upsertSession(meta: SearchSessionMeta, docs: readonly IndexableMessage[]): void {
    this.removeSession(meta.path);
    const index = this.sessions.length;
    this.sessions.push({ ...meta, docCount: 0, tokenCount: 0 });
    this.byPath.set(meta.path, index);
    this.addDocs(index, docs);
  }

  /** Adds the documents of lines appended to a session; false if the session is unknown. */
  appendToSession(path: string, docs: readonly IndexableMessage[], changes: Partial<Omit<SearchSessionMeta, 'path'>> = {}): boolean {
    const index = this.byPath.get(path);
    if (index === undefined) return false;
    Object.assign(this.sessions[index] as SessionRecord, changes);
    this.addDocs(index, docs);
    return true;
  }

  updateSessionMeta(path: string, changes: Partial<Omit<SearchSessionMeta, 'path'>>): boolean {
    const index = this.byPath.get(path);
    if (index === undefined) return false;
    Object.assign(this.sessions[index] as SessionRecord, changes);
    return true;
  }

  renameSession(path: string, name: string | null): boolean {
    return this.updateSessionMeta(path, { name });
  }

  removeSession(path: string): boolean {
    const index = this.byPath.get(path);
    if (index === undefined) return false;
    const record = this.sessions[index] as SessionRecord;
    this.liveDocs -= record.docCount;
    this.liveTokens -= record.tokenCount;
    this.deadDocs += record.docCount;
    this.sessions[index] = null;
    this.byPath.delete(path);
    return true;
  }

  private addDocs(sessionIndex: number, docs: readonly IndexableMessage[]): void {
    const record = this.sessions[sessionIndex] as SessionRecord;
    for (const doc of docs) {
      const id = this.docSession.push(sessionIndex);
      this.builder.beginDoc(id);
      const length = tokenize(doc.text, this.builder.addToken);
      this.docRole.push(roleCodes[doc.role]);
      this.docFlags.push(doc.truncated ? flagTruncated : 0);
      this.docTime.push(doc.timestamp_ms);
      this.docLength.push(length);
      this.docSourceOffset.push(doc.source ? doc.source.offset : noSource);
      this.docSourceLength.push(doc.source ? doc.source.length : 0);
      this.docText.push(doc.source ? -1 : this.texts.add(doc.text));
      this.entryIds.add(doc.entry_id);
      record.docCount++;
      record.tokenCount += length;
      this.liveDocs++;
      this.liveTokens += length;
      if (this.builder.positionCount >= this.flushPositions) this.flush();
    }
  }

  // ---- segments -------------------------------------------------------------------------

  /** Turns pending documents into a segment and merges similar-sized tail segments. */
  flush(): void {
    if (this.builder.isEmpty) return;
    this.segments.push(this.builder.build());
    this.builder = new SegmentBuilder();
    const alive = (doc: number): number => (this.sessions[this.docSession.get(doc)] ? doc : -1);
    for (;;) {
      const n = this.segments.length;
      if (n < 2) break;
      const a = this.segments[n - 2];
      const b = this.segments[n - 1];
      if (b.byteSize < a.byteSize || a.byteSize + b.byteSize > this.maxSegmentBytes) break;
      this.segments.splice(n - 2, 2, mergeSegments(a, b, alive));
    }
  }

  /**
   * Drops the documents of removed sessions and renumbers the rest. Each segment is rewritten
   * on its own, so the extra memory is one segment's size.
   */
  compact(): void {
    this.flush();
    const sessionMap = new Int32Array(this.sessions.length).fill(-1);
    const sessions: SessionRecord[] = [];
    this.sessions.forEach((s, i) => {
      if (s) sessionMap[i] = sessions.push(s) - 1;
    });
    const total = this.docSession.length;
    const docMap = new Int32Array(total);
    const next = new SearchIndex({ readLine: this.readLine, flushPositions: this.flushPositions, maxSegmentBytes: this.maxSegmentBytes });
    for (let doc = 0; doc < total; doc++) {
      const session = sessionMap[this.docSession.get(doc)];
      if (session < 0) {
        docMap[doc] = -1;
        continue;
      }
      docMap[doc] = next.docSession.push(session);
      next.docRole.push(this.docRole.get(doc));
      next.docFlags.push(this.docFlags.get(doc));
      next.docTime.push(this.docTime.get(doc));
      next.docLength.push(this.docLength.get(doc));
      next.docSourceOffset.push(this.docSourceOffset.get(doc));
      next.docSourceLength.push(this.docSourceLength.get(doc));
      const text = this.docText.get(doc);
      next.docText.push(text < 0 ? -1 : next.texts.copyFrom(this.texts, text));
      next.entryIds.copyFrom(this.entryIds, doc);
    }
    this.segments = this.segments.map((s) => mergeSegments(s, emptySegment, (doc) => docMap[doc])).filter((s) => s.termCount > 0);
    this.sessions = sessions;
    this.byPath = new Map(sessions.map((s, i) => [s.path, i]));
    this.docSession = next.docSession;
    this.docRole = next.docRole;
    this.docFlags = next.docFlags;
    this.docTime = next.docTime;
    this.docLength = next.docLength;
    this.docSourceOffset = next.docSourceOffset;
    this.docSourceLength = next.docSourceLength;
    this.docText = next.docText;
    this.entryIds = next.entryIds;
    this.texts = next.texts;
    this.deadDocs = 0;
  }

  // ---- search ---------------------------------------------------------------------------

  /** Runs a query; throws SearchQueryError for a query it refuses. */
  search(query: SearchQuery): SearchResult {
    const started = performance.now();
    const parsed = parseQuery(query.query);
    const positives = parsed.clauses.filter((c) => !c.negated);
    const negatives = parsed.clauses.filter((c) => c.negated);
    if (positives.length === 0) return { hits: [], total: 0, took_ms: 0, partial: false };
    this.flush();
    const budget = new Budget(started + (query.budget_ms ?? defaultBudgetMs));
    let partial = false;

    const sessionOk = this.sessionFilter(query);
    const roleCode = query.role && query.role !== 'all' ? roleCodes[query.role] : -1;
    const fromMs = query.from_ms ?? -Infinity;
    const toMs = query.to_ms ?? Infinity;
    const docSession = this.docSession.view();
    const docRole = this.docRole.view();
    const docTime = this.docTime.view();
    const docLength = this.docLength.view();
    const accept = (doc: number): boolean =>
      sessionOk[docSession[doc]] === 1 && (roleCode < 0 || docRole[doc] === roleCode) && docTime[doc] >= fromMs && docTime[doc] <= toMs;

    // Resolve every term in every segment once: document frequencies come from the dictionary.
    const resolve = (segment: Segment, clause: QueryClause): Slots[] =>
      clause.terms.map((t, k) => {
        if (clause.prefix && k === clause.terms.length - 1) {
          const range = segment.prefixRange(t.term, maxPrefixExpansions);
          if (range.capped) partial = true;
          const slots: Slots = [];
          for (let i = range.from; i < range.to; i++) slots.push(i);
          return slots;
        }
        const i = segment.find(t.term);
        return i < 0 ? [] : [i];
      });
    const resolved = this.segments.map((segment) => positives.map((clause) => resolve(segment, clause)));
    const liveDocs = Math.max(1, this.liveDocs);
    const averageLength = Math.max(1, this.liveTokens / liveDocs);
    const frequency = positives.map((_, c) => {
      const perTerm = positives[c].terms.map((_, k) =>
        this.segments.reduce((sum, segment, s) => sum + resolved[s][c][k].reduce((n, i) => n + segment.docCounts[i], 0), 0),
      );
      return Math.min(...perTerm);
    });
    const idf = frequency.map((df) => Math.log(1 + (liveDocs - Math.min(df, liveDocs) + 0.5) / (Math.min(df, liveDocs) + 0.5)));
    const order = positives.map((_, c) => c).sort((a, b) => frequency[a] - frequency[b]);
    const weight = (tf: number, doc: number, c: number): number =>
      (idf[c] * tf * (bm25K1 + 1)) / (tf + bm25K1 * (1 - bm25B + (bm25B * docLength[doc]) / averageLength));

    const candidateDocs: number[] = [];
    const candidateScores: number[] = [];
    // Newest segments first: when time runs out, the recent conversations are the ones searched.
    for (let s = this.segments.length - 1; s >= 0 && !budget.checkNow(); s--) {
      const segment = this.segments[s];
      if (resolved[s].some((slotsPerTerm) => slotsPerTerm.some((slots) => slots.length === 0))) continue;
      const base = segment.minDoc;
      const span = segment.maxDoc - segment.minDoc + 1;
      const { matched, score } = this.scratch(span);
      const last = order.length - 1;
      const found: number[] = [];
      for (let step = 0; step <= last; step++) {
        const c = order[step];
        const clause = positives[c];
        const want = step;
        const admit = (doc: number): boolean => matched[doc - base] === want && (want > 0 || accept(doc));
        const hit = (doc: number, tf: number): void => {
          matched[doc - base] = want + 1;
          score[doc - base] += weight(tf, doc, c);
          if (want === last) found.push(doc);
        };
        if (clause.terms.length === 1) this.scanPostings(segment, resolved[s][c][0], admit, hit, budget);
        else for (const [doc, tf] of this.phraseMatches(segment, clause, resolved[s][c], admit, budget)) hit(doc, tf);
        if (budget.expired) break;
      }
      const wanted = last + 1;
      for (const clause of negatives) {
        if (found.length === 0 || budget.expired) break;
        const slots = resolve(segment, clause);
        if (slots.some((list) => list.length === 0)) continue;
        const admit = (doc: number): boolean => matched[doc - base] === wanted;
        const exclude = (doc: number): void => {
          matched[doc - base] = 0;
        };
        if (clause.terms.length === 1) this.scanPostings(segment, slots[0], admit, exclude, budget);
        else for (const [doc] of this.phraseMatches(segment, clause, slots, admit, budget)) exclude(doc);
      }
      if (budget.expired) {
        // This segment's matching is incomplete, so its candidates could be wrong: leave it out.
        partial = true;
        break;
      }
      for (const doc of found) {
        if (matched[doc - base] !== wanted) continue;
        candidateDocs.push(doc);
        candidateScores.push(score[doc - base]);
      }
    }
    if (budget.expired) partial = true;

    const { ranked, total } = this.rank(candidateDocs, candidateScores, query);
    const hits = ranked.map((i) => this.hitFor(candidateDocs[i], candidateScores[i], parsed.clauses));
    return { hits, total, took_ms: Math.round((performance.now() - started) * 100) / 100, partial };
  }

  private scratch(span: number): { matched: Uint8Array; score: Float64Array } {
    if (this.scratchMatched.length < span) {
      this.scratchMatched = new Uint8Array(span);
      this.scratchScore = new Float64Array(span);
    } else {
      this.scratchMatched.fill(0, 0, span);
      this.scratchScore.fill(0, 0, span);
    }
    return { matched: this.scratchMatched, score: this.scratchScore };
  }

  private sessionFilter(query: SearchQuery): Uint8Array {
    const ok = new Uint8Array(this.sessions.length);
    const allowed = query.allowed_paths;
    const isAllowed = typeof allowed === 'function' ? allowed : allowed ? (p: string) => allowed.has(p) : undefined;
    const cwd = query.cwd !== undefined ? stripTrailingSeparators(query.cwd) : undefined;
    this.sessions.forEach((s, i) => {
      if (!s) return;
      if (query.session_path !== undefined && s.path !== query.session_path) return;
      if (cwd !== undefined && stripTrailingSeparators(s.cwd) !== cwd) return;
      if (isAllowed && !isAllowed(s.path)) return;
      ok[i] = 1;
    });
    return ok;
  }

  /** Visits the documents of the given terms that `admit` accepts, with their term frequency. */
  private scanPostings(segment: Segment, slots: Slots, admit: (doc: number) => boolean, visit: (doc: number, tf: number) => void, budget: Budget): void {
    for (const slot of slots) {
      const reader = new VarintReader(segment.postings, segment.postingStart(slot));
      const end = segment.postingEnds[slot];
      let doc = 0;
      while (reader.pos < end) {
        if (budget.tick()) return;
        doc += reader.next();
        const tf = reader.next();
        const bytes = reader.next();
        reader.pos += bytes;
        if (admit(doc)) visit(doc, tf);
      }
    }
  }

  /** Documents where the clause's terms occur at their relative positions, with the count. */
  private phraseMatches(segment: Segment, clause: QueryClause, slots: Slots[], admit: (doc: number) => boolean, budget: Budget): Map<number, number> {
    const termOrder = clause.terms
      .map((_, k) => k)
      .sort((a, b) => slots[a].reduce((n, i) => n + segment.docCounts[i], 0) - slots[b].reduce((n, i) => n + segment.docCounts[i], 0));
    let starts: Map<number, number[]> | undefined;
    for (const k of termOrder) {
      const offset = clause.terms[k].offset;
      const found = new Map<number, number[]>();
      for (const slot of slots[k]) {
        const reader = new VarintReader(segment.postings, segment.postingStart(slot));
        const end = segment.postingEnds[slot];
        let doc = 0;
        while (reader.pos < end) {
          if (budget.tick()) return new Map();
          doc += reader.next();
          const tf = reader.next();
          const bytes = reader.next();
          if (starts ? !starts.has(doc) : !admit(doc)) {
            reader.pos += bytes;
            continue;
          }
          let list = found.get(doc);
          if (!list) found.set(doc, (list = []));
          let position = 0;
          for (let p = 0; p < tf; p++) {
            position += reader.next();
            list.push(position - offset);
          }
        }
      }
      if (starts === undefined) {
        starts = found;
      } else {
        for (const [doc, list] of starts) {
          const here = found.get(doc);
          const set = here ? new Set(here) : undefined;
          const kept = set ? list.filter((p) => set.has(p)) : [];
          if (kept.length === 0) starts.delete(doc);
          else starts.set(doc, kept);
        }
      }
      if (starts.size === 0) break;
    }
    const out = new Map<number, number>();
    for (const [doc, list] of starts ?? []) out.set(doc, new Set(list).size);
    return out;
  }

  /** Applies the per-session cap and paging; returns candidate indices in rank order. */
  private rank(docs: number[], scores: number[], query: SearchQuery): { ranked: number[]; total: number } {
    const docTime = this.docTime.view();
    const docSession = this.docSession.view();
    // Scores within 0.001 tie, and the newer message wins.
    const before = (a: number, b: number): boolean => {
      const sa = Math.round(scores[a] * 1000);
      const sb = Math.round(scores[b] * 1000);
      if (sa !== sb) return sa > sb;
      if (docTime[docs[a]] !== docTime[docs[b]]) return docTime[docs[a]] > docTime[docs[b]];
      return docs[a] > docs[b];
    };
    const compare = (a: number, b: number): number => (before(a, b) ? -1 : before(b, a) ? 1 : 0);
    const limit = clampInt(query.limit, 1, maxLimit, 20);
    const offset = clampInt(query.offset, 0, maxOffset, 0);
    const perSession = clampInt(query.per_session, 0, 10000, 3);
    if (perSession > 0) {
      const bySession = new Map<number, number[]>();
      for (let i = 0; i < docs.length; i++) {
        const session = docSession[docs[i]];
        let top = bySession.get(session);
        if (!top) bySession.set(session, (top = []));
        if (top.length === perSession && !before(i, top[top.length - 1])) continue;
        let at = top.length;
        while (at > 0 && before(i, top[at - 1])) at--;
        top.splice(at, 0, i);
        if (top.length > perSession) top.pop();
      }
      const kept: number[] = [];
      for (const top of bySession.values()) kept.push(...top);
      kept.sort(compare);
      return { ranked: kept.slice(offset, offset + limit), total: kept.length };
    }
    return { ranked: topK(docs.length, offset + limit, before).slice(offset), total: docs.length };
  }

  private hitFor(doc: number, score: number, clauses: QueryClause[]): SearchHit {
    const session = this.sessions[this.docSession.get(doc)] as SessionRecord;
    const role = roleNames[this.docRole.get(doc)];
    const snippet = makeSnippet(this.textOf(doc, session.path, role), clauses);
    const timestamp = this.docTime.get(doc);
    return {
      session_path: session.path,
      session_id: session.id,
      session_name: session.name,
      cwd: session.cwd,
      entry_id: this.entryIds.get(doc),
      role,
      timestamp: Number.isFinite(timestamp) && timestamp > 0 ? new Date(timestamp).toISOString() : '',
      timestamp_ms: timestamp,
      snippet: snippet.text,
      highlights: snippet.highlights,
      score: Math.round(score * 10000) / 10000,
      truncated: (this.docFlags.get(doc) & flagTruncated) !== 0,
    };
  }

  /** The indexed text of a document: the stored copy, or the entry re-read from its line. */
  private textOf(doc: number, path: string, role: SearchRole): string {
    const stored = this.docText.get(doc);
    if (stored >= 0) return this.texts.get(stored);
    const offset = this.docSourceOffset.get(doc);
    if (offset < 0) return '';
    const line = this.readLine(path, { offset, length: this.docSourceLength.get(doc) });
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

  // ---- persistence ----------------------------------------------------------------------

  /**
   * Writes the index to `dir` atomically. Removed sessions are compacted away first when they
   * are more than 5% of the documents; below that they are saved as tombstones.
   */
  async save(dir: string): Promise<void> {
    if (this.deadDocs > 0.05 * Math.max(1, this.docSession.length)) this.compact();
    else this.flush();
    await writeIndexFile(dir, this.toFileData());
  }

  /**
   * Loads an index saved by `save`; undefined when there is none, or it has another format
   * version or is damaged (then the caller rebuilds it from the session files).
   */
  static async load(dir: string, options: SearchIndexOptions = {}): Promise<SearchIndex | undefined> {
    const data = await readIndexFile(dir);
    if (!data) return undefined;
    const index = new SearchIndex(options);
    index.sessions = data.sessions.map((s) => (s ? { ...s, docCount: 0, tokenCount: 0 } : null));
    index.byPath = new Map();
    index.sessions.forEach((s, i) => {
      if (s) index.byPath.set(s.path, i);
    });
    index.docSession = GrowableArray.from(u32, data.docs.session);
    index.docRole = GrowableArray.from(u8, data.docs.role);
    index.docFlags = GrowableArray.from(u8, data.docs.flags);
    index.docTime = GrowableArray.from(f64, data.docs.time);
    index.docLength = GrowableArray.from(u32, data.docs.length);
    index.docSourceOffset = GrowableArray.from(f64, data.docs.sourceOffset);
    index.docSourceLength = GrowableArray.from(u32, data.docs.sourceLength);
    index.docText = GrowableArray.from(i32, data.docs.text);
    index.entryIds = new StringArena(data.entryIds.bytes, data.entryIds.ends);
    index.texts = new StringArena(data.texts.bytes, data.texts.ends);
    index.segments = data.segments;
    for (let doc = 0; doc < data.docs.session.length; doc++) {
      const record = index.sessions[data.docs.session[doc]];
      if (!record) {
        index.deadDocs++;
        continue;
      }
      record.docCount++;
      record.tokenCount += data.docs.length[doc];
      index.liveDocs++;
      index.liveTokens += data.docs.length[doc];
    }
    return index;
  }

  private toFileData(): IndexFileData {
    return {
      sessions: this.sessions.map((s) =>
        s ? { path: s.path, id: s.id, name: s.name, cwd: s.cwd, modified_ms: s.modified_ms, fingerprint: s.fingerprint } : null,
      ),
      docs: {
        session: this.docSession.view(),
        role: this.docRole.view(),
        flags: this.docFlags.view(),
        time: this.docTime.view(),
        length: this.docLength.view(),
        sourceOffset: this.docSourceOffset.view(),
        sourceLength: this.docSourceLength.view(),
        text: this.docText.view(),
      },
      entryIds: { bytes: this.entryIds.bytes.view(), ends: this.entryIds.ends.view() },
      texts: { bytes: this.texts.bytes.view(), ends: this.texts.ends.view() },
      segments: [...this.segments],
    };
  }

  stats(): SearchIndexStats {
    const docs = this.docSession.length;
    return {
      sessions: this.byPath.size,
      docs: this.liveDocs,
      dead_docs: this.deadDocs,
      terms: this.segments.reduce((n, s) => n + s.termCount, 0),
      segments: this.segments.length,
      bytes: {
        postings: this.segments.reduce((n, s) => n + s.postings.byteLength, 0),
        terms: this.segments.reduce((n, s) => n + s.terms.length * 2 + s.termEnds.byteLength * 3, 0),
        docs: docs * 35 + this.entryIds.bytes.length,
        stored_text: this.texts.bytes.length,
        pending: this.builder.positionCount * 12,
      },
    };
  }
}

function stripTrailingSeparators(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** The best `k` of `n` items in rank order, with a binary heap whose root is the worst kept. */
function topK(n: number, k: number, before: (a: number, b: number) => boolean): number[] {
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => before(b, a);
  const siftUp = (i: number): void => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < k) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (before(i, heap[0])) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
