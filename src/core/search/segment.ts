import { GrowableArray, VarintReader, u32, varintSize } from './compactArrays';

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

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.pos + extra, Math.ceil(this.buffer.length * 1.5)));
    next.set(this.buffer.subarray(0, this.pos));
    this.buffer = next;
  }

  varint(value: number): void {
    this.ensure(10);
    while (value >= 0x80) {
      this.buffer[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.pos++] = value;
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

/**
 * Collects postings of newly added documents in flat typed arrays (16 bytes per term-in-doc
 * plus 4 per position) and turns them into a Segment. Documents must arrive in doc-id order.
 */
export class SegmentBuilder {
  private termIds = new Map<string, number>();
  private termList: string[] = [];
  private tupleTerm = new GrowableArray(u32, 4096);
  private tupleDoc = new GrowableArray(u32, 4096);
  private tuplePosStart = new GrowableArray(u32, 4096);
  private tuplePosCount = new GrowableArray(u32, 4096);
  private positions = new GrowableArray(u32, 16384);
  private minDoc = -1;
  private maxDoc = -1;

  get positionCount(): number {
    return this.positions.length;
  }

  get isEmpty(): boolean {
    return this.tupleDoc.length === 0;
  }

  addDoc(doc: number, termPositions: Map<string, number[]>): void {
    if (termPositions.size === 0) return;
    if (this.minDoc < 0) this.minDoc = doc;
    this.maxDoc = doc;
    for (const [term, list] of termPositions) {
      let id = this.termIds.get(term);
      if (id === undefined) {
        id = this.termList.length;
        this.termIds.set(term, id);
        this.termList.push(term);
      }
      this.tupleTerm.push(id);
      this.tupleDoc.push(doc);
      this.tuplePosStart.push(this.positions.length);
      this.tuplePosCount.push(list.length);
      this.positions.pushAll(list);
    }
  }

  build(): Segment {
    const termCount = this.termList.length;
    // The default string sort (code-unit order, native comparator) is the order lookups assume.
    const sortedTerms = this.termList.slice().sort();
    const rank = new Uint32Array(termCount);
    sortedTerms.forEach((term, r) => (rank[this.termIds.get(term) as number] = r));
    // Counting sort by term rank; stable, so each term's tuples stay in doc order.
    const tuples = this.tupleDoc.length;
    const bucketStart = new Uint32Array(termCount + 1);
    const termOf = this.tupleTerm.view();
    for (let t = 0; t < tuples; t++) bucketStart[rank[termOf[t]] + 1]++;
    for (let r = 0; r < termCount; r++) bucketStart[r + 1] += bucketStart[r];
    const sorted = new Uint32Array(tuples);
    const fill = bucketStart.slice(0, termCount);
    for (let t = 0; t < tuples; t++) sorted[fill[rank[termOf[t]]]++] = t;

    const docs = this.tupleDoc.view();
    const posStart = this.tuplePosStart.view();
    const posCount = this.tuplePosCount.view();
    const positions = this.positions.view();
    const sink = new ByteSink(tuples * 4 + positions.length * 2);
    const docCounts = new Uint32Array(termCount);
    const postingEnds = new Uint32Array(termCount);
    const termEnds = new Uint32Array(termCount);
    let termChars = 0;
    for (let r = 0; r < termCount; r++) {
      termChars += sortedTerms[r].length;
      termEnds[r] = termChars;
      let lastDoc = 0;
      for (let k = bucketStart[r]; k < bucketStart[r + 1]; k++) {
        const t = sorted[k];
        const doc = docs[t];
        sink.varint(doc - lastDoc);
        lastDoc = doc;
        const from = posStart[t];
        const count = posCount[t];
        sink.varint(count);
        let bytes = 0;
        let last = 0;
        for (let p = from; p < from + count; p++) {
          bytes += varintSize(positions[p] - last);
          last = positions[p];
        }
        sink.varint(bytes);
        last = 0;
        for (let p = from; p < from + count; p++) {
          sink.varint(positions[p] - last);
          last = positions[p];
        }
      }
      docCounts[r] = bucketStart[r + 1] - bucketStart[r];
      postingEnds[r] = sink.pos;
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
