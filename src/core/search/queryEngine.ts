import { performance } from 'node:perf_hooks';
import { VarintReader } from './compactArrays';
import { roleCodes, type DocTable, type SessionRecord } from './docTable';
import type { ParsedQuery, QueryClause } from './queryParser';
import { IndexMaxHeap } from './indexMaxHeap';
import { LatestTimes } from './latestTimes';
import { Bm25, SessionCounter, TopCollector, averageDocLength, clampInt } from './ranking';
import type { Segment } from './segment';
import type { SearchQuery } from './types';

/*
 * Matching and ranking over the segments. Two ways through:
 * - One word (the common query): block-max top-k. The blocks of postings of every segment are
 *   visited by their best possible score (from their least BM25 norm, `Bm25.blockBound`),
 *   highest first, and the walk stops at the first that rounds below the k-th hit kept so far:
 *   the rest are neither read nor decoded. `total` comes from the per-session document
 *   frequencies of the segments, not from the postings.
 * - Anything else (several words, phrases, prefixes, exclusions): every matching document is
 *   found (rarest clause first) and counted, and scored into the same top-k collector.
 * Both give exactly the hits and totals of scoring every document (test/unit/search).
 */

/** More prefix expansions than this per segment make the answer partial. */
const maxPrefixExpansions = 2000;
const maxLimit = 200;
const maxOffset = 10000;
const defaultBudgetMs = 250;

export interface IndexView {
  readonly segments: readonly Segment[];
  readonly docs: DocTable;
  readonly sessions: readonly (SessionRecord | null)[];
  readonly liveDocs: number;
  readonly liveTokens: number;
  readonly deadDocs: number;
}

export interface QueryOutcome {
  /** The page of hits: doc ids and scores in rank order. */
  docs: number[];
  scores: number[];
  total: number;
  partial: boolean;
}

export interface QueryOptions {
  /** Score every matching document (no block skipping): the reference the tests compare with. */
  exhaustive?: boolean;
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

interface Filters {
  sessionOk: Uint8Array;
  /** Some session is excluded other than by being removed. */
  sessionsFiltered: boolean;
  roleCode: number;
  fromMs: number;
  toMs: number;
  /** A role or time filter: totals must look at documents, not sessions. */
  byDocument: boolean;
}

function stripTrailingSeparators(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
}

function filtersOf(view: IndexView, query: SearchQuery): Filters {
  const sessions = view.sessions;
  const sessionOk = new Uint8Array(sessions.length);
  const allowed = query.allowed_paths;
  const isAllowed = typeof allowed === 'function' ? allowed : allowed ? (p: string) => allowed.has(p) : undefined;
  const cwd = query.cwd !== undefined ? stripTrailingSeparators(query.cwd) : undefined;
  const bySession = query.session_path !== undefined || cwd !== undefined || isAllowed !== undefined;
  let sessionsFiltered = false;
  // A plain loop: every query passes over every session, thousands of them.
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    if (!s) continue;
    if (
      bySession &&
      ((query.session_path !== undefined && s.path !== query.session_path) ||
        (cwd !== undefined && stripTrailingSeparators(s.cwd) !== cwd) ||
        (isAllowed && !isAllowed(s.path)))
    ) {
      sessionsFiltered = true;
      continue;
    }
    sessionOk[i] = 1;
  }
  const roleCode = query.role && query.role !== 'all' ? roleCodes[query.role] : -1;
  const fromMs = query.from_ms ?? -Infinity;
  const toMs = query.to_ms ?? Infinity;
  return { sessionOk, sessionsFiltered, roleCode, fromMs, toMs, byDocument: roleCode >= 0 || fromMs > -Infinity || toMs < Infinity };
}

export function runQuery(view: IndexView, parsed: ParsedQuery, query: SearchQuery, options: QueryOptions = {}): QueryOutcome {
  const started = performance.now();
  const positives = parsed.clauses.filter((c) => !c.negated);
  const negatives = parsed.clauses.filter((c) => c.negated);
  const budget = new Budget(started + (query.budget_ms ?? defaultBudgetMs));
  const limit = clampInt(query.limit, 1, maxLimit, 20);
  const offset = clampInt(query.offset, 0, maxOffset, 0);
  const cap = clampInt(query.per_session, 0, 10000, 3);
  const filters = filtersOf(view, query);
  const columns = { time: view.docs.time.view(), session: view.docs.session.view() };
  const collector = new TopCollector(offset + limit, cap, columns, view.sessions.length);
  let partial = false;

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
  const segments = view.segments;
  const resolved = segments.map((segment) => positives.map((clause) => resolve(segment, clause)));
  const liveDocs = Math.max(1, view.liveDocs);
  const averageLength = averageDocLength(view.liveTokens, view.liveDocs);
  const frequency = positives.map((_, c) => {
    const perTerm = positives[c].terms.map((_, k) => segments.reduce((sum, segment, s) => sum + resolved[s][c][k].reduce((n, i) => n + segment.docCount(i), 0), 0));
    return Math.min(...perTerm);
  });
  const scorers = frequency.map((df) => new Bm25(Bm25.idf(liveDocs, df), averageLength));
  const ctx: Context = { view, filters, collector, budget, scorers, resolved, positives, negatives, resolve, cap };

  let total: number;
  if (!options.exhaustive && positives.length === 1 && negatives.length === 0 && positives[0].terms.length === 1 && !positives[0].prefix) {
    total = oneWordTotal(ctx, frequency[0]);
    if (!budget.expired) topOneWord(ctx);
  } else {
    total = matchAll(ctx);
  }
  if (budget.expired) partial = true;
  const { docs, scores } = collector.result();
  return { docs: docs.slice(offset), scores: scores.slice(offset), total, partial };
}

interface Context {
  view: IndexView;
  filters: Filters;
  collector: TopCollector;
  budget: Budget;
  scorers: Bm25[];
  resolved: Slots[][][];
  positives: QueryClause[];
  negatives: QueryClause[];
  resolve: (segment: Segment, clause: QueryClause) => Slots[];
  cap: number;
}

function acceptor(ctx: Context): (doc: number) => boolean {
  const { sessionOk, roleCode, fromMs, toMs, byDocument } = ctx.filters;
  const docSession = ctx.view.docs.session.view();
  if (!byDocument) return (doc) => sessionOk[docSession[doc]] === 1;
  const docRole = ctx.view.docs.role.view();
  const docTime = ctx.view.docs.time.view();
  return (doc) => sessionOk[docSession[doc]] === 1 && (roleCode < 0 || docRole[doc] === roleCode) && docTime[doc] >= fromMs && docTime[doc] <= toMs;
}

/**
 * The total of a one-word query: the sum of document frequencies when nothing is filtered,
 * capped or removed; else per-session frequencies from the session postings (the documents
 * themselves only for short lists and for role or time filters).
 */
function oneWordTotal(ctx: Context, frequency: number): number {
  const { view, filters, cap, budget } = ctx;
  if (cap === 0 && !filters.sessionsFiltered && !filters.byDocument && view.deadDocs === 0) return frequency;
  const counter = new SessionCounter(view.sessions.length);
  const accept = acceptor(ctx);
  const docSession = view.docs.session.view();
  const { sessionOk } = filters;
  for (let s = view.segments.length - 1; s >= 0; s--) {
    if (budget.checkNow()) return counter.total(cap);
    const segment = view.segments[s];
    const [slot] = ctx.resolved[s][0][0];
    if (slot === undefined) continue;
    const sessions = filters.byDocument ? undefined : segment.sessionPostings(slot);
    if (sessions) {
      const reader = new VarintReader(sessions, 0);
      let session = 0;
      while (reader.pos < sessions.length) {
        session += reader.next();
        const documents = reader.next();
        if (sessionOk[session] === 1) counter.add(session, documents);
      }
      continue;
    }
    const bytes = segment.postings(slot);
    const reader = new VarintReader(bytes, 0);
    let doc = 0;
    while (reader.pos < bytes.length) {
      if (budget.tick()) return counter.total(cap);
      doc += reader.next();
      reader.next();
      const skip = reader.next();
      reader.pos += skip;
      if (accept(doc)) counter.add(docSession[doc], 1);
    }
  }
  return counter.total(cap);
}

/**
 * Block-max top-k over one term's lists. Short lists (no block table) are scored whole; then
 * the blocks of every long list are visited by their bound, highest first, so the page's
 * threshold rises within the first few blocks. Once a block's bound cannot enter the page,
 * neither can any block after it, and the walk stops. A single term's documents can be
 * offered in any order: the collector's result does not depend on it.
 */
function topOneWord(ctx: Context): void {
  const { view, collector, budget } = ctx;
  const scorer = ctx.scorers[0];
  const accept = acceptor(ctx);
  const docLength = view.docs.length.view();
  const decode = (bytes: Uint8Array, base: number): void => {
    const r = new VarintReader(bytes, 0);
    let doc = base;
    while (r.pos < bytes.length) {
      doc += r.next();
      const tf = r.next();
      const skip = r.next();
      r.pos += skip;
      if (accept(doc)) collector.offer(doc, scorer.weight(tf, docLength[doc]));
    }
  };
  const blockSegment: number[] = [];
  const blockIndex: number[] = [];
  const blockBounds: number[] = [];
  for (let s = view.segments.length - 1; s >= 0; s--) {
    if (budget.checkNow()) return;
    const segment = view.segments[s];
    const [slot] = ctx.resolved[s][0][0];
    if (slot === undefined) continue;
    const firstBlock = segment.firstBlock(slot);
    const lastBlock = segment.endBlock(slot);
    if (firstBlock === lastBlock) {
      decode(segment.postings(slot), 0);
      continue;
    }
    for (let b = firstBlock; b < lastBlock; b++) {
      blockSegment.push(s);
      blockIndex.push(b);
      // A hair above the exact bound, so float rounding can never skip a block it should not.
      blockBounds.push(scorer.blockBound(segment.blockMinNorm[b], segment.referenceLength) * (1 + 1e-9));
    }
  }
  const byBound = new IndexMaxHeap(blockBounds);
  let latestTimes: LatestTimes | undefined;
  for (let i = byBound.pop(); i >= 0; i = byBound.pop()) {
    if (budget.tick()) return;
    if (!collector.couldEnter(blockBounds[i])) return;
    const segment = view.segments[blockSegment[i]];
    const b = blockIndex[i];
    const [slot] = ctx.resolved[blockSegment[i]][0][0];
    const first = b === segment.firstBlock(slot);
    // The block's documents lie between the previous block's last and its own.
    const fromDoc = first ? segment.minDoc : segment.blockLastDoc[b - 1] + 1;
    const lastDoc = segment.blockLastDoc[b];
    if (collector.onlyTies(blockBounds[i])) {
      latestTimes ??= LatestTimes.of(view.docs.time);
      if (!collector.couldWinTie(latestTimes.latest(fromDoc, lastDoc), lastDoc)) continue;
    }
    const start = first ? segment.postingStart(slot) : segment.blockEnd[b - 1];
    decode(segment.source.read(start, segment.blockEnd[b]), first ? 0 : segment.blockLastDoc[b - 1]);
  }
}

/**
 * Finds every document matching all positive clauses and none of the negative ones, counts
 * it for `total` and offers it to the collector. Returns the total.
 */
function matchAll(ctx: Context): number {
  const { view, collector, budget, scorers, resolved, positives, negatives, cap } = ctx;
  const accept = acceptor(ctx);
  const counter = new SessionCounter(view.sessions.length);
  const docLength = view.docs.length.view();
  const docSession = view.docs.session.view();
  const frequencyOf = (segment: Segment, slots: Slots): number => slots.reduce((n, i) => n + segment.docCount(i), 0);
  let matched = new Uint8Array(0);
  let score = new Float64Array(0);
  // Newest segments first: when time runs out, the recent conversations are the ones searched.
  for (let s = view.segments.length - 1; s >= 0 && !budget.checkNow(); s--) {
    const segment = view.segments[s];
    if (resolved[s].some((slotsPerTerm) => slotsPerTerm.some((slots) => slots.length === 0))) continue;
    const base = segment.minDoc;
    const span = segment.maxDoc - segment.minDoc + 1;
    if (matched.length < span) {
      matched = new Uint8Array(span);
      score = new Float64Array(span);
    } else {
      matched.fill(0, 0, span);
      score.fill(0, 0, span);
    }
    // Rarest clause first: later clauses only look at documents every earlier one matched.
    const order = positives.map((_, c) => c).sort((a, b) => frequencyOf(segment, resolved[s][a].flat()) - frequencyOf(segment, resolved[s][b].flat()));
    const last = order.length - 1;
    const found: number[] = [];
    for (let step = 0; step <= last; step++) {
      const c = order[step];
      const clause = positives[c];
      const want = step;
      const scorer = scorers[c];
      const admit = (doc: number): boolean => matched[doc - base] === want && (want > 0 || accept(doc));
      const hit = (doc: number, tf: number): void => {
        matched[doc - base] = want + 1;
        score[doc - base] += scorer.weight(tf, docLength[doc]);
        if (want === last) found.push(doc);
      };
      if (clause.terms.length === 1) scanPostings(segment, resolved[s][c][0], admit, hit, budget);
      else for (const [doc, tf] of phraseMatches(segment, clause, resolved[s][c], admit, budget)) hit(doc, tf);
      if (budget.expired) break;
    }
    const wanted = last + 1;
    for (const clause of negatives) {
      if (found.length === 0 || budget.expired) break;
      const slots = ctx.resolve(segment, clause);
      if (slots.some((list) => list.length === 0)) continue;
      const admit = (doc: number): boolean => matched[doc - base] === wanted;
      const exclude = (doc: number): void => {
        matched[doc - base] = 0;
      };
      if (clause.terms.length === 1) scanPostings(segment, slots[0], admit, exclude, budget);
      else for (const [doc] of phraseMatches(segment, clause, slots, admit, budget)) exclude(doc);
    }
    // A segment whose matching was cut short could give wrong hits: leave it out.
    if (budget.expired) break;
    for (const doc of found) {
      if (matched[doc - base] !== wanted) continue;
      counter.add(docSession[doc], 1);
      collector.offer(doc, score[doc - base]);
    }
  }
  return counter.total(cap);
}

/** Visits the documents of the given terms that `admit` accepts, with their term frequency. */
function scanPostings(segment: Segment, slots: Slots, admit: (doc: number) => boolean, visit: (doc: number, tf: number) => void, budget: Budget): void {
  for (const slot of slots) {
    const bytes = segment.postings(slot);
    const reader = new VarintReader(bytes, 0);
    const end = bytes.length;
    let doc = 0;
    while (reader.pos < end) {
      if (budget.tick()) return;
      doc += reader.next();
      const tf = reader.next();
      const skip = reader.next();
      reader.pos += skip;
      if (admit(doc)) visit(doc, tf);
    }
  }
}

/** Documents where the clause's terms occur at their relative positions, with the count. */
function phraseMatches(segment: Segment, clause: QueryClause, slots: Slots[], admit: (doc: number) => boolean, budget: Budget): Map<number, number> {
  if (slots.every((list) => list.length === 1)) return phraseInStep(segment, clause, slots.map(([slot]) => slot), admit, budget);
  return phraseOfExpansions(segment, clause, slots, admit, budget);
}

/** One term's postings read front to back: where the reader is, and its positions on demand. */
class PostingCursor {
  doc = 0;
  tf = 0;
  valid = true;
  private readonly reader: VarintReader;
  private readonly positionReader: VarintReader;
  private positionsAt = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.reader = new VarintReader(bytes, 0);
    this.positionReader = new VarintReader(bytes, 0);
    this.next();
  }

  /** Moves to the next posting; `valid` turns false past the last. */
  next(): void {
    const reader = this.reader;
    if (reader.pos >= this.bytes.length) {
      this.valid = false;
      return;
    }
    this.doc += reader.next();
    this.tf = reader.next();
    const length = reader.next();
    this.positionsAt = reader.pos;
    reader.pos += length;
  }

  /** Appends the posting's positions less `offset` to `into`: ascending, each once. */
  positionsInto(into: number[], offset: number): void {
    const reader = this.positionReader;
    reader.pos = this.positionsAt;
    let position = 0;
    for (let p = 0; p < this.tf; p++) {
      position += reader.next();
      into.push(position - offset);
    }
  }
}

/**
 * The phrase over one list per term, walked in step by document, rarest list leading: the
 * others move past the documents it lacks, and positions are decoded only where every term
 * occurs, into arrays reused from one document to the next. A phrase of common words (a CJK
 * phrase is its bigrams, often all in the same thousands of documents) otherwise cost a map
 * entry and an array per document and term.
 */
function phraseInStep(segment: Segment, clause: QueryClause, slotOfTerm: number[], admit: (doc: number) => boolean, budget: Budget): Map<number, number> {
  const order = slotOfTerm.map((_, k) => k).sort((a, b) => segment.docCount(slotOfTerm[a]) - segment.docCount(slotOfTerm[b]));
  const cursors = order.map((k) => new PostingCursor(segment.postings(slotOfTerm[k])));
  const offsets = order.map((k) => clause.terms[k].offset);
  const lead = cursors[0];
  const out = new Map<number, number>();
  let starts: number[] = [];
  let kept: number[] = [];
  const here: number[] = [];
  documents: for (; lead.valid; lead.next()) {
    if (budget.tick()) return new Map();
    const doc = lead.doc;
    if (!admit(doc)) continue;
    for (let j = 1; j < cursors.length; j++) {
      const cursor = cursors[j];
      while (cursor.valid && cursor.doc < doc) {
        if (budget.tick()) return new Map();
        cursor.next();
      }
      // A list that ran out holds no later document either.
      if (!cursor.valid) break documents;
      if (cursor.doc !== doc) continue documents;
    }
    starts.length = 0;
    lead.positionsInto(starts, offsets[0]);
    for (let j = 1; j < cursors.length && starts.length > 0; j++) {
      here.length = 0;
      cursors[j].positionsInto(here, offsets[j]);
      kept.length = 0;
      for (let a = 0, b = 0; a < starts.length && b < here.length; ) {
        if (starts[a] < here[b]) a++;
        else if (starts[a] > here[b]) b++;
        else {
          kept.push(starts[a]);
          a++;
          b++;
        }
      }
      [starts, kept] = [kept, starts];
    }
    if (starts.length > 0) out.set(doc, starts.length);
  }
  return out;
}

/**
 * The phrase when a term stands for several (a prefix as its last word): each term's
 * documents and positions are gathered over all of its lists, then intersected.
 */
function phraseOfExpansions(segment: Segment, clause: QueryClause, slots: Slots[], admit: (doc: number) => boolean, budget: Budget): Map<number, number> {
  const termOrder = clause.terms
    .map((_, k) => k)
    .sort((a, b) => slots[a].reduce((n, i) => n + segment.docCount(i), 0) - slots[b].reduce((n, i) => n + segment.docCount(i), 0));
  // Documents holding every term, from doc ids alone: positions are decoded only for those.
  const base = segment.minDoc;
  const inAll = new Uint8Array(segment.maxDoc - base + 1);
  for (let step = 0; step < termOrder.length; step++) {
    for (const slot of slots[termOrder[step]]) {
      const bytes = segment.postings(slot);
      const reader = new VarintReader(bytes, 0);
      let doc = 0;
      while (reader.pos < bytes.length) {
        if (budget.tick()) return new Map();
        doc += reader.next();
        reader.next();
        const skip = reader.next();
        reader.pos += skip;
        if (inAll[doc - base] === step) inAll[doc - base] = step + 1;
      }
    }
  }
  const everyTerm = termOrder.length;
  const admitFirst = (doc: number): boolean => inAll[doc - base] === everyTerm && admit(doc);
  let starts: Map<number, number[]> | undefined;
  for (const k of termOrder) {
    const offset = clause.terms[k].offset;
    const found = new Map<number, number[]>();
    for (const slot of slots[k]) {
      const bytes = segment.postings(slot);
      const reader = new VarintReader(bytes, 0);
      const end = bytes.length;
      let doc = 0;
      while (reader.pos < end) {
        if (budget.tick()) return new Map();
        doc += reader.next();
        const tf = reader.next();
        const length = reader.next();
        if (starts ? !starts.has(doc) : !admitFirst(doc)) {
          reader.pos += length;
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
