import * as path from 'node:path';
import { DocTable, type SessionRecord } from './docTable';
import type { IndexableMessage } from './extract';
import { LineReader, hitFor, type ReadLine } from './hits';
import { isStoredIn, loadState, saveState } from './indexStore';
import { parseQuery } from './queryParser';
import { averageDocLength } from './ranking';
import { runQuery, type IndexView, type QueryOptions } from './queryEngine';
import { Segment, SegmentBuilder, mergeSegments, type SegmentOutput } from './segment';
import { SegmentFileWriter } from './segmentFile';
import { tokenize } from './tokenizer';
import type { SearchIndexStats, SearchQuery, SearchResult, SearchSessionMeta } from './types';

/*
 * Why an inverted index of our own rather than SQLite FTS4 through sql.js or a search
 * library: sql.js keeps the whole database inside the wasm heap and persists by exporting a
 * second copy; the JS search libraries keep the whole index as JS objects in the heap. Here:
 * - postings are varint-packed bytes in segment files, read on demand by positioned reads
 *   (segment.ts, segmentFile.ts): a query reads the blocks of the lists it needs, and the
 *   heap holds only each segment's dictionary and block tables;
 * - per-document data are typed arrays (docTable.ts); message text is not kept: snippets
 *   re-read the entry's line by byte offset, for the page of hits shown (hits.ts);
 * - one-word queries take the top-k by block-max WAND and their total from per-session
 *   document frequencies; other queries match every document (queryEngine.ts, ranking.ts);
 * - the folder is a manifest plus immutable segment files, so a crash leaves the previous
 *   save usable and a lost segment costs only its sessions' reindexing (indexStore.ts).
 *
 * The files of this module are split by concern: this one holds the mutation side (sessions,
 * documents, building and merging segments) and joins the others.
 */

export interface SearchIndexOptions {
  /** Reads the line of a session file a document came from; default: a positioned read. */
  readLine?: ReadLine;
  /** Pending term positions at which a segment is built. */
  flushPositions?: number;
  /**
   * Segments are not merged beyond this many bytes, which bounds how long a merge holds up
   * indexing (and, for an index without a folder, the memory it takes).
   */
  maxSegmentBytes?: number;
  /**
   * Folder the index lives in: segments are written there as they are built and their
   * postings read back on demand. Without it segments stay in memory until `save`.
   */
  dir?: string;
}

/**
 * Full-text index over session messages. Documents are added per session; a session that is
 * replaced or removed is dropped from results at once (its documents die with its session
 * record) and from the postings at the next compaction.
 */
export class SearchIndex implements IndexView {
  private sessionRecords: (SessionRecord | null)[] = [];
  private byPath = new Map<string, number>();
  private docTable = new DocTable();
  private segmentList: Segment[] = [];
  private builder = new SegmentBuilder();
  private live = { docs: 0, tokens: 0, dead: 0 };
  private dir: string | undefined;
  /** Sessions a load left out because a segment of theirs was lost: to be indexed again. */
  forgotten: readonly string[] = [];
  private readonly readLine: ReadLine | undefined;
  private readonly flushPositions: number;
  private readonly maxSegmentBytes: number;

  constructor(options: SearchIndexOptions = {}) {
    this.readLine = options.readLine;
    this.flushPositions = options.flushPositions ?? 3_000_000;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.dir = options.dir !== undefined ? path.resolve(options.dir) : undefined;
  }

  // ---- what the query side reads (IndexView) --------------------------------------------

  get segments(): readonly Segment[] {
    return this.segmentList;
  }

  get docs(): DocTable {
    return this.docTable;
  }

  get sessions(): readonly (SessionRecord | null)[] {
    return this.sessionRecords;
  }

  get liveDocs(): number {
    return this.live.docs;
  }

  get liveTokens(): number {
    return this.live.tokens;
  }

  /** The average the queries score with now, and new segments' block bounds are computed at. */
  private averageLength(): number {
    return averageDocLength(this.live.tokens, this.live.docs);
  }

  get deadDocs(): number {
    return this.live.dead;
  }

  // ---- sessions -------------------------------------------------------------------------

  hasSession(path: string): boolean {
    return this.byPath.has(path);
  }

  /** The fingerprint the session was indexed with, to decide whether to reindex it. */
  fingerprintOf(path: string): string | undefined {
    const index = this.byPath.get(path);
    return index === undefined ? undefined : (this.sessionRecords[index] as SessionRecord).fingerprint;
  }

  sessionPaths(): string[] {
    return [...this.byPath.keys()];
  }

  /** Indexes a session from scratch, replacing whatever was indexed for its path. */
  upsertSession(meta: SearchSessionMeta, docs: readonly IndexableMessage[]): void {
    this.removeSession(meta.path);
    const index = this.sessionRecords.length;
    this.sessionRecords.push({ ...meta, docCount: 0, tokenCount: 0 });
    this.byPath.set(meta.path, index);
    this.addDocs(index, docs);
  }

  /** Adds the documents of lines appended to a session; false if the session is unknown. */
  appendToSession(path: string, docs: readonly IndexableMessage[], changes: Partial<Omit<SearchSessionMeta, 'path'>> = {}): boolean {
    const index = this.byPath.get(path);
    if (index === undefined) return false;
    Object.assign(this.sessionRecords[index] as SessionRecord, changes);
    this.addDocs(index, docs);
    return true;
  }

  updateSessionMeta(path: string, changes: Partial<Omit<SearchSessionMeta, 'path'>>): boolean {
    const index = this.byPath.get(path);
    if (index === undefined) return false;
    Object.assign(this.sessionRecords[index] as SessionRecord, changes);
    return true;
  }

  renameSession(path: string, name: string | null): boolean {
    return this.updateSessionMeta(path, { name });
  }

  removeSession(path: string): boolean {
    const index = this.byPath.get(path);
    if (index === undefined) return false;
    const record = this.sessionRecords[index] as SessionRecord;
    this.live.docs -= record.docCount;
    this.live.tokens -= record.tokenCount;
    this.live.dead += record.docCount;
    this.sessionRecords[index] = null;
    this.byPath.delete(path);
    return true;
  }

  private addDocs(sessionIndex: number, docs: readonly IndexableMessage[]): void {
    const record = this.sessionRecords[sessionIndex] as SessionRecord;
    for (const doc of docs) {
      this.builder.beginDoc(this.docTable.begin(sessionIndex));
      const length = tokenize(doc.text, this.builder.tokens);
      this.docTable.finish(doc, length);
      record.docCount++;
      record.tokenCount += length;
      this.live.docs++;
      this.live.tokens += length;
      if (this.builder.positionCount >= this.flushPositions) this.flush();
    }
  }

  // ---- segments -------------------------------------------------------------------------

  /**
   * Where a new segment goes: a file in the index folder, if there is one, as it is made.
   * Protected so that a test can stand in a disk that fills up.
   */
  protected segmentOutput(): SegmentOutput | undefined {
    return this.dir === undefined ? undefined : new SegmentFileWriter(this.dir);
  }

  /** A segment left for a merged or rewritten one: its file goes at the next save. */
  private retire(segment: Segment): void {
    segment.source.close();
  }

  /** Turns pending documents into a segment and merges similar-sized tail segments. */
  flush(): void {
    if (this.builder.isEmpty) return;
    const facts = this.docTable.facts(this.averageLength());
    this.segmentList.push(this.builder.build(facts, this.segmentOutput()));
    this.builder.reset();
    const count = this.mergeableTail();
    if (count < 2) return;
    const docSession = facts.session;
    const alive = (doc: number): number => (this.sessionRecords[docSession[doc]] ? doc : -1);
    const inputs = this.segmentList.slice(-count);
    const merged = mergeSegments(inputs, alive, facts, this.segmentOutput());
    this.segmentList.splice(-count, count, merged);
    for (const segment of inputs) this.retire(segment);
  }

  /**
   * How many segments at the tail fold into one: the newest absorbs the one before it while
   * that one is no larger than what has been folded so far and the sum stays within the
   * limit. Folded in one merge, each byte is written once; folded two at a time, as they
   * once were, the first bytes of a fold of four were written three times.
   */
  private mergeableTail(): number {
    const list = this.segmentList;
    let size = list[list.length - 1].byteSize;
    let count = 1;
    while (count < list.length) {
      const older = list[list.length - 1 - count].byteSize;
      if (older > size || older + size > this.maxSegmentBytes) break;
      size += older;
      count++;
    }
    return count;
  }

  /**
   * Drops the documents of removed sessions and renumbers the rest. Each segment is rewritten
   * on its own, into its new file as it goes when the index has a folder.
   */
  compact(): void {
    this.flush();
    const sessionMap = new Int32Array(this.sessionRecords.length).fill(-1);
    const sessions: SessionRecord[] = [];
    this.sessionRecords.forEach((s, i) => {
      if (s) sessionMap[i] = sessions.push(s) - 1;
    });
    const old = this.docTable;
    const total = old.count;
    const docMap = new Int32Array(total);
    const next = new DocTable();
    for (let doc = 0; doc < total; doc++) {
      const session = sessionMap[old.session.get(doc)];
      docMap[doc] = session < 0 ? -1 : next.copyFrom(old, doc, session);
    }
    // Only dead documents go, and they never counted: the average stays what it is.
    const facts = next.facts(this.averageLength());
    const rewritten: Segment[] = [];
    try {
      for (const segment of this.segmentList) {
        const fresh = mergeSegments([segment], (doc) => docMap[doc], facts, this.segmentOutput());
        // An empty one's file is not named by the manifest: the save deletes it.
        if (fresh.termCount > 0) rewritten.push(fresh);
        else this.retire(fresh);
      }
    } catch (err) {
      // The index stays as it was (a full disk): the rewrites so far go, their files with the next save.
      for (const segment of rewritten) this.retire(segment);
      throw err;
    }
    for (const segment of this.segmentList) this.retire(segment);
    this.segmentList = rewritten;
    this.sessionRecords = sessions;
    this.byPath = new Map(sessions.map((s, i) => [s.path, i]));
    this.docTable = next;
    this.live.dead = 0;
  }

  // ---- search ---------------------------------------------------------------------------

  /** Runs a query; throws SearchQueryError for a query it refuses. */
  search(query: SearchQuery, options: QueryOptions = {}): SearchResult {
    const started = performance.now();
    const parsed = parseQuery(query.query);
    if (!parsed.clauses.some((c) => !c.negated)) return { hits: [], total: 0, took_ms: 0, partial: false };
    this.flush();
    const outcome = runQuery(this, parsed, query, options);
    const reader = this.readLine ? undefined : new LineReader();
    const readLine: ReadLine = this.readLine ?? ((file, source) => reader!.read(file, source));
    let hits: SearchResult['hits'];
    try {
      hits = outcome.docs.map((doc, i) =>
        hitFor(this.docTable, this.sessionRecords[this.docTable.session.get(doc)] as SessionRecord, doc, outcome.scores[i], parsed.clauses, readLine),
      );
    } finally {
      reader?.close();
    }
    return { hits, total: outcome.total, took_ms: Math.round((performance.now() - started) * 100) / 100, partial: outcome.partial };
  }

  // ---- persistence ----------------------------------------------------------------------

  /**
   * Saves the index to `dir` (its own folder from then on). Removed sessions are compacted
   * away first when they are more than 5% of the documents; below that they are saved as
   * tombstones.
   */
  async save(dir: string): Promise<void> {
    if (this.live.dead > 0.05 * Math.max(1, this.docTable.count)) this.compact();
    else this.flush();
    const target = path.resolve(dir);
    const saved = this.segmentList.slice();
    const written = await saveState(target, { sessions: this.sessionRecords, docs: this.docTable, segments: saved }, () => this.segmentList);
    // Adopt the written files, unless segments changed while the manifest was written.
    if (this.segmentList.length === saved.length && this.segmentList.every((s, i) => s === saved[i])) {
      written.forEach((s, i) => {
        if (s !== saved[i] && !isStoredIn(saved[i], target)) saved[i].source.close();
      });
      this.segmentList = written;
      this.dir = target;
    } else {
      written.forEach((s, i) => {
        if (s !== saved[i]) s.source.close();
      });
    }
  }

  /**
   * Loads an index saved by `save`; undefined when there is none, or it has another format
   * version or a damaged manifest (then the caller rebuilds it from the session files).
   * Sessions whose segment was lost are left out, so the caller indexes them again.
   */
  static async load(dir: string, options: SearchIndexOptions = {}): Promise<SearchIndex | undefined> {
    const state = await loadState(dir);
    if (!state) return undefined;
    const index = new SearchIndex({ ...options, dir });
    index.sessionRecords = state.sessions;
    index.byPath = new Map();
    state.sessions.forEach((s, i) => {
      if (s) index.byPath.set(s.path, i);
    });
    index.docTable = state.docs;
    index.segmentList = state.segments;
    index.forgotten = state.forgotten;
    const docSession = state.docs.session.view();
    const docLength = state.docs.length.view();
    for (let doc = 0; doc < docSession.length; doc++) {
      const record = state.sessions[docSession[doc]];
      if (!record) {
        index.live.dead++;
        continue;
      }
      record.docCount++;
      record.tokenCount += docLength[doc];
      index.live.docs++;
      index.live.tokens += docLength[doc];
    }
    return index;
  }

  /** Closes the segment files (the index is not used afterwards). */
  close(): void {
    for (const segment of this.segmentList) segment.source.close();
  }

  stats(): SearchIndexStats {
    return {
      sessions: this.byPath.size,
      docs: this.live.docs,
      dead_docs: this.live.dead,
      terms: this.segmentList.reduce((n, s) => n + s.termCount, 0),
      segments: this.segmentList.length,
      bytes: {
        postings: this.segmentList.reduce((n, s) => n + s.source.byteLength, 0),
        terms: this.segmentList.reduce((n, s) => n + s.dictionary.memoryBytes, 0),
        docs: this.docTable.byteSize,
        stored_text: this.docTable.texts.bytes.length,
        pending: this.builder.positionCount * SegmentBuilder.bytesPerOccurrence,
      },
    };
  }
}
