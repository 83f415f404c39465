import { GrowableArray, VarintReader, u32 } from './compactArrays';

/**
 * An immutable slice of the inverted index: a sorted term dictionary and, per term, a postings
 * list of `(doc delta, tf, byte length of positions, position deltas…)` varints. Sorted terms
 * give prefix queries as a binary-searched range, and cost ~(term length × 2 + 12) bytes each
 * instead of a JS Map entry and a string object per term.
 *
 * Every segment covers a doc-id range after the previous segment's, so merging two adjacent
 * segments is a concatenation per term.
 */
export class Segment {
  constructor(
    /** All terms concatenated, in code-unit order. */
    readonly terms: string,
    /** End offset in `terms` of each term. */
    readonly termEnds: Uint32Array,
    /** Documents per term. */
    readonly docCounts: Uint32Array,
    /** End offset in `postings` of each term's list. */
    readonly postingEnds: Uint32Array,
    readonly postings: Uint8Array,
    readonly minDoc: number,
    readonly maxDoc: number,
  ) {}

  get termCount(): number {
    return this.termEnds.length;
  }

  get byteSize(): number {
    return this.postings.length + this.terms.length * 2 + this.termEnds.length * 12;
  }

  term(i: number): string {
    return this.terms.slice(i === 0 ? 0 : this.termEnds[i - 1], this.termEnds[i]);
  }

  postingStart(i: number): number {
    return i === 0 ? 0 : this.postingEnds[i - 1];
  }

  /** First term index whose term is ≥ `key`. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.termEnds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(term: string): number {
    const i = this.lowerBound(term);
    return i < this.termEnds.length && this.term(i) === term ? i : -1;
  }

  /** Indices of the terms starting with `prefix`, at most `limit` of them. */
  prefixRange(prefix: string, limit: number): { from: number; to: number; capped: boolean } {
    const from = this.lowerBound(prefix);
    let to = from;
    while (to < this.termEnds.length && to - from < limit && this.term(to).startsWith(prefix)) to++;
    const capped = to - from === limit && to < this.termEnds.length && this.term(to).startsWith(prefix);
    return { from, to, capped };
  }
}

export const emptySegment = new Segment('', new Uint32Array(0), new Uint32Array(0), new Uint32Array(0), new Uint8Array(0), 0, -1);

/** An append-only byte buffer with varint writes, for building postings in one pass. */
class ByteSink {
  buffer: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(capacity, 1024));
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.pos + extra, Math.ceil(this.buffer.length * 1.5)));
    next.set(this.buffer.subarray(0, this.pos));
    this.buffer = next;
  }

  /** Values are doc ids, counts and positions: all below 2^32, so `>>>` is exact. */
  varint(value: number): void {
    this.ensure(5);
    const buffer = this.buffer;
    let pos = this.pos;
    while (value >= 0x80) {
      buffer[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buffer[pos++] = value;
    this.pos = pos;
  }

  bytes(source: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    this.buffer.set(source.subarray(start, end), this.pos);
    this.pos += end - start;
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.pos);
  }
}

/** Writes a varint (value below 2^32) at `pos`, which the caller made room for; returns the end. */
function putVarint(buffer: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    buffer[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buffer[pos++] = value;
  return pos;
}

function smallVarintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/**
 * Collects the tokens of newly added documents as flat (term id, doc, position) occurrences
 * — 12 bytes each, no per-document maps or arrays — and turns them into a Segment. Documents
 * must arrive in doc-id order and each document's positions in non-decreasing order (the
 * tokenizer's order), so a stable sort by term leaves every term's occurrences grouped by
 * document with positions ascending.
 */
export class SegmentBuilder {
  private termIds = new Map<string, number>();
  private termList: string[] = [];
  private occurrenceTerm = new GrowableArray(u32, 65536);
  private occurrenceDoc = new GrowableArray(u32, 65536);
  private occurrencePosition = new GrowableArray(u32, 65536);
  private currentDoc = 0;
  private minDoc = -1;
  private maxDoc = -1;

  /** Pending occurrences: what bounds the builder's memory. */
  get positionCount(): number {
    return this.occurrenceTerm.length;
  }

  get isEmpty(): boolean {
    return this.occurrenceTerm.length === 0;
  }

  /** Starts a document: the following `addToken` calls belong to it. */
  beginDoc(doc: number): void {
    this.currentDoc = doc;
  }

  /** A tokenizer sink for the current document (bound once, not a closure per document). */
  readonly addToken = (term: string, position: number): void => {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termList.length;
      this.termIds.set(term, id);
      this.termList.push(term);
    }
    const doc = this.currentDoc;
    if (this.minDoc < 0) this.minDoc = doc;
    this.maxDoc = doc;
    this.occurrenceTerm.push(id);
    this.occurrenceDoc.push(doc);
    this.occurrencePosition.push(position);
  };

  build(): Segment {
    const termCount = this.termList.length;
    // The default string sort (code-unit order, native comparator) is the order lookups assume.
    const sortedTerms = this.termList.slice().sort();
    const rank = new Uint32Array(termCount);
    for (let r = 0; r < termCount; r++) rank[this.termIds.get(sortedTerms[r]) as number] = r;
    // Counting sort of occurrences by term rank; stable, so each term's stay in (doc, position) order.
    const count = this.occurrenceTerm.length;
    const termOf = this.occurrenceTerm.view();
    const bucketStart = new Uint32Array(termCount + 1);
    for (let t = 0; t < count; t++) bucketStart[rank[termOf[t]] + 1]++;
    for (let r = 0; r < termCount; r++) bucketStart[r + 1] += bucketStart[r];
    const sorted = new Uint32Array(count);
    const fill = bucketStart.slice(0, termCount);
    for (let t = 0; t < count; t++) sorted[fill[rank[termOf[t]]]++] = t;

    const docs = this.occurrenceDoc.view();
    const positions = this.occurrencePosition.view();
    const sink = new ByteSink(count * 3);
    const docCounts = new Uint32Array(termCount);
    const postingEnds = new Uint32Array(termCount);
    const termEnds = new Uint32Array(termCount);
    let termChars = 0;
    for (let r = 0; r < termCount; r++) {
      termChars += sortedTerms[r].length;
      termEnds[r] = termChars;
      const end = bucketStart[r + 1];
      // Worst case per occurrence: doc delta, tf, byte count and position, 5 bytes each.
      sink.ensure((end - bucketStart[r]) * 20);
      const buffer = sink.buffer;
      let pos = sink.pos;
      let lastDoc = 0;
      let termDocs = 0;
      let k = bucketStart[r];
      while (k < end) {
        const doc = docs[sorted[k]];
        // First pass over this document's occurrences: tf and the bytes of the position deltas.
        let groupEnd = k;
        let tf = 0;
        let bytes = 0;
        let last = 0;
        let previous = -1;
        while (groupEnd < end && docs[sorted[groupEnd]] === doc) {
          const p = positions[sorted[groupEnd]];
          if (p !== previous) {
            tf++;
            bytes += smallVarintSize(p - last);
            last = p;
            previous = p;
          }
          groupEnd++;
        }
        pos = putVarint(buffer, pos, doc - lastDoc);
        pos = putVarint(buffer, pos, tf);
        pos = putVarint(buffer, pos, bytes);
        lastDoc = doc;
        last = 0;
        previous = -1;
        for (let g = k; g < groupEnd; g++) {
          const p = positions[sorted[g]];
          if (p === previous) continue;
          pos = putVarint(buffer, pos, p - last);
          last = p;
          previous = p;
        }
        termDocs++;
        k = groupEnd;
      }
      sink.pos = pos;
      docCounts[r] = termDocs;
      postingEnds[r] = pos;
    }
    const terms = sortedTerms.join('');
    return new Segment(terms, termEnds, docCounts, postingEnds, sink.result(), this.minDoc, this.maxDoc);
  }
}

/**
 * Concatenates two adjacent segments (all of `a`'s docs before `b`'s), passing every doc id
 * through `mapDoc`: a negative result drops the posting (a removed session), another value
 * renumbers it (compaction). Merging with `emptySegment` rewrites one segment.
 */
export function mergeSegments(a: Segment, b: Segment, mapDoc: (doc: number) => number): Segment {
  const sink = new ByteSink(a.postings.length + b.postings.length);
  const terms: string[] = [];
  const docCounts = new GrowableArray(u32, 1024);
  const postingEnds = new GrowableArray(u32, 1024);
  let minDoc = -1;
  let maxDoc = -1;
  let lastDoc = 0;
  let kept = 0;
  const copy = (segment: Segment, index: number): void => {
    const reader = new VarintReader(segment.postings, segment.postingStart(index));
    const end = segment.postingEnds[index];
    let doc = 0;
    while (reader.pos < end) {
      doc += reader.next();
      const tf = reader.next();
      const bytes = reader.next();
      const start = reader.pos;
      reader.pos += bytes;
      const mapped = mapDoc(doc);
      if (mapped < 0) continue;
      sink.varint(mapped - lastDoc);
      sink.varint(tf);
      sink.varint(bytes);
      sink.bytes(segment.postings, start, start + bytes);
      lastDoc = mapped;
      kept++;
      if (minDoc < 0 || mapped < minDoc) minDoc = mapped;
      if (mapped > maxDoc) maxDoc = mapped;
    }
  };
  let i = 0;
  let j = 0;
  while (i < a.termCount || j < b.termCount) {
    const ta = i < a.termCount ? a.term(i) : undefined;
    const tb = j < b.termCount ? b.term(j) : undefined;
    const term = ta === undefined ? (tb as string) : tb === undefined || ta <= tb ? ta : tb;
    lastDoc = 0;
    kept = 0;
    if (ta === term) copy(a, i++);
    if (tb === term) copy(b, j++);
    if (kept === 0) continue;
    terms.push(term);
    docCounts.push(kept);
    postingEnds.push(sink.pos);
  }
  const termEnds = new Uint32Array(terms.length);
  let chars = 0;
  terms.forEach((t, k) => (termEnds[k] = chars += t.length));
  docCounts.trim();
  postingEnds.trim();
  return new Segment(terms.join(''), termEnds, docCounts.view(), postingEnds.view(), sink.result(), minDoc, maxDoc);
}
