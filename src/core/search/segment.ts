import { GrowableArray, VarintReader, f64, u32 } from './compactArrays';
import { postingNorm } from './ranking';
import { MemoryDictionary, type PositionedFile, type TermDictionary } from './termDictionary';
import { TermTable } from './termTable';
import type { RangeTokenSink } from './tokenizer';

/**
 * An immutable slice of the inverted index: a sorted term dictionary and, per term, a postings
 * list of `(doc delta, tf, byte length of positions, position deltas…)` varints. Sorted terms
 * give prefix queries as a binary-searched range, and cost ~(term length × 2 + 16) bytes each
 * instead of a JS Map entry and a string object per term.
 *
 * Lists longer than `blockSize` documents also get:
 * - a block table: per block of `blockSize` postings its last doc, end offset and the least
 *   length-and-tf norm of its documents (ranking.ts), which bounds the block's best score. A
 *   query skips whole blocks whose best possible score cannot reach the current top-k
 *   (block-max WAND), and reads only the blocks it decodes.
 * - session postings: `(session delta, documents)` varints, so the total of a one-word query
 *   comes from per-session document frequencies instead of walking the list.
 *
 * The posting block tables live in memory. The dictionary (termDictionary.ts) and the posting
 * bytes (a PostingSource) are in the segment's file, read on demand: an index with a folder
 * writes them there as a build or merge makes them (a SegmentOutput); one without keeps them
 * in memory until it is saved.
 *
 * Every segment covers a doc-id range after the previous segment's, so merging adjacent
 * segments is a concatenation per term.
 */

export const blockSize = 128;

/** Where a segment's posting bytes are: the session postings follow the doc postings. */
export interface PostingSource {
  /** Bytes [start, end) of the region; the result may be a view, valid until the next read. */
  read(start: number, end: number): Uint8Array;
  readonly byteLength: number;
  close(): void;
}

export class MemorySource implements PostingSource {
  constructor(readonly bytes: Uint8Array) {}

  get byteLength(): number {
    return this.bytes.length;
  }

  read(start: number, end: number): Uint8Array {
    return this.bytes.subarray(start, end);
  }

  close(): void {}
}

/** Positioned reads of the postings region of a segment file, never the whole list at once. */
export class FileSource implements PostingSource {
  constructor(
    readonly file: PositionedFile,
    /** File offset of the region's first byte. */
    private readonly base: number,
    readonly byteLength: number,
  ) {}

  read(start: number, end: number): Uint8Array {
    return this.file.read(this.base + start, end - start);
  }

  /** Fills `target` with the bytes from `start` on. */
  readInto(start: number, target: Uint8Array): Uint8Array {
    return this.file.readInto(this.base + start, target);
  }

  /** Closes the file, which the segment's dictionary shares: the segment is done with. */
  close(): void {
    this.file.close();
  }
}

/** Per posting block of the long lists: what block-max WAND skips by. Small enough to keep in memory. */
export interface PostingBlocks {
  blockLastDoc: Uint32Array;
  blockEnd: Uint32Array;
  /** The least `postingNorm` of the block's postings at the segment's reference length, rounded down. */
  blockMinNorm: Float32Array;
}

/** A segment's parts besides its posting bytes. */
export interface SegmentParts {
  dictionary: TermDictionary;
  blocks: PostingBlocks;
  minDoc: number;
  maxDoc: number;
  /** The average document length the block norms were computed with. */
  referenceLength: number;
  /** Bytes of doc postings; the session postings follow. */
  postingBytes: number;
}

export class Segment {
  readonly dictionary: TermDictionary;
  readonly blockLastDoc: Uint32Array;
  readonly blockEnd: Uint32Array;
  readonly blockMinNorm: Float32Array;
  readonly referenceLength: number;
  readonly minDoc: number;
  readonly maxDoc: number;
  readonly postingBytes: number;

  constructor(
    readonly parts: SegmentParts,
    public source: PostingSource,
    /** The file holding this segment, once written. */
    public file?: string,
  ) {
    this.dictionary = parts.dictionary;
    this.blockLastDoc = parts.blocks.blockLastDoc;
    this.blockEnd = parts.blocks.blockEnd;
    this.blockMinNorm = parts.blocks.blockMinNorm;
    this.referenceLength = parts.referenceLength;
    this.minDoc = parts.minDoc;
    this.maxDoc = parts.maxDoc;
    this.postingBytes = parts.postingBytes;
  }

  get termCount(): number {
    return this.dictionary.termCount;
  }

  /** Bytes of postings and dictionary: what merging weighs. */
  get byteSize(): number {
    return this.source.byteLength + this.dictionary.byteSize;
  }

  term(i: number): string {
    return this.dictionary.term(i);
  }

  docCount(i: number): number {
    return this.dictionary.docCount(i);
  }

  postingStart(i: number): number {
    return this.dictionary.postingStart(i);
  }

  postingEnd(i: number): number {
    return this.dictionary.postingEnd(i);
  }

  /** The term's posting blocks are [firstBlock, endBlock); equal for a short list. */
  firstBlock(i: number): number {
    return this.dictionary.firstBlock(i);
  }

  endBlock(i: number): number {
    return this.dictionary.endBlock(i);
  }

  /** The doc postings of term `i`. */
  postings(i: number): Uint8Array {
    return this.source.read(this.postingStart(i), this.postingEnd(i));
  }

  /** The session postings of term `i`, or undefined for a short list (walk its docs instead). */
  sessionPostings(i: number): Uint8Array | undefined {
    const start = this.postingBytes + this.dictionary.sessionStart(i);
    const end = this.postingBytes + this.dictionary.sessionEnd(i);
    return end > start ? this.source.read(start, end) : undefined;
  }

  /** First term index whose term is ≥ `key`. */
  lowerBound(key: string): number {
    return this.dictionary.lowerBound(key);
  }

  find(term: string): number {
    const i = this.lowerBound(term);
    return i < this.termCount && this.term(i) === term ? i : -1;
  }

  /** Indices of the terms starting with `prefix`, at most `limit` of them. */
  prefixRange(prefix: string, limit: number): { from: number; to: number; capped: boolean } {
    const from = this.lowerBound(prefix);
    const count = this.termCount;
    let to = from;
    while (to < count && to - from < limit && this.term(to).startsWith(prefix)) to++;
    const capped = to - from === limit && to < count && this.term(to).startsWith(prefix);
    return { from, to, capped };
  }
}

/**
 * Where a writer's posting bytes go once they leave its buffer: a segment file being written
 * (segmentFile.ts). A segment written this way is never whole in memory.
 */
export interface SegmentOutput {
  /** Takes the next bytes of the posting region (doc postings, then session postings). */
  write(bytes: Uint8Array): void;
  /** The posting region is complete: writes the rest and returns the segment reading from it. */
  finish(parts: SegmentParts): Segment;
  /** Gives the segment up (its build or merge failed): what was written goes. */
  abort(): void;
}

/**
 * An append-only byte buffer with varint writes, for building postings in one pass. With an
 * output, `drain` hands it what it holds between terms, so the buffer stays the size of the
 * largest term's postings: filling a fresh buffer as large as a merge's output cost a page
 * fault per 4 KB, and another full copy when the session postings did not fit.
 */
class ByteSink {
  buffer: Uint8Array;
  /** Where the next byte goes in `buffer`. */
  pos = 0;
  /** Bytes already handed to the output. */
  private drained = 0;

  constructor(
    capacity: number,
    /** Where drained bytes go; without one everything stays in `buffer`. */
    readonly output?: SegmentOutput,
  ) {
    this.buffer = new Uint8Array(Math.max(capacity, 1024));
  }

  /** Bytes written so far, drained or not: the offset of the next byte in the region. */
  get offset(): number {
    return this.drained + this.pos;
  }

  /** Forgets what was written after `offset`, which must not have been drained yet. */
  rewind(offset: number): void {
    if (offset < this.drained) throw new Error('segment writer: cannot rewind past drained bytes');
    this.pos = offset - this.drained;
  }

  /** Hands the output what the buffer holds once it holds at least `atLeast` bytes. */
  drain(atLeast: number): void {
    if (!this.output || this.pos < atLeast || this.pos === 0) return;
    this.output.write(this.buffer.subarray(0, this.pos));
    this.drained += this.pos;
    this.pos = 0;
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
    this.pos = putVarint(this.buffer, this.pos, value);
  }

  bytes(source: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    const buffer = this.buffer;
    let pos = this.pos;
    // Most postings are a few bytes: a loop costs less than a view and a native copy each.
    if (end - start <= 32) {
      for (let i = start; i < end; i++) buffer[pos++] = source[i];
    } else {
      buffer.set(source.subarray(start, end), pos);
      pos += end - start;
    }
    this.pos = pos;
  }

  /**
   * Appends the last bytes the sink will take: in place when they fit, otherwise into a buffer
   * of exactly the final size. Growing by half for them would copy a merge's tens of MB into a
   * buffer half as large again, and hold both at once.
   */
  finalBytes(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.pos + length > this.buffer.length) {
      const next = new Uint8Array(this.pos + length);
      next.set(this.buffer.subarray(0, this.pos));
      this.buffer = next;
    }
    this.buffer.set(source.subarray(start, end), this.pos);
    this.pos += length;
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

/** Per-document facts the writer needs for block bounds and session postings. */
export interface DocFacts {
  session: Uint32Array;
  length: Uint32Array;
  /** The index's average document length now: the reference the block norms are computed at. */
  averageLength: number;
}

/**
 * Writes a segment term by term: callers write each posting's header with `posting`, its
 * position bytes into `sink`, then call `endPosting`. Block tables and session postings are
 * derived here, so building and merging produce the same layout.
 */
class SegmentWriter {
  readonly sink: ByteSink;
  private readonly sessions = new ByteSink(4096);
  private readonly termList: string[] = [];
  private readonly docCounts = new GrowableArray(u32, 1024);
  private readonly postingEnds = new GrowableArray(u32, 1024);
  private readonly sessionEnds = new GrowableArray(u32, 1024);
  private readonly termBlocks = new GrowableArray(u32, 1024);
  private readonly blockLastDoc = new GrowableArray(u32, 256);
  private readonly blockEnd = new GrowableArray(u32, 256);
  /*
   * Kept as float64 while writing, float32 once finished: a fifth kind of typed array behind
   * GrowableArray would make its element stores megamorphic everywhere (the builder's too).
   */
  private readonly blockMinNorm = new GrowableArray(f64, 256);
  private sessionCounts = new Uint32Array(0);
  private touched: number[] = [];
  private termStart = 0;
  private lastDoc = 0;
  private docs = 0;
  private inBlock = 0;
  private minNorm = Infinity;
  /** The tf and document length of the block's posting with the least norm so far. */
  private bestTf = 0;
  private bestLength = Infinity;
  private doc = 0;
  private tf = 0;
  minDoc = -1;
  maxDoc = -1;

  private readonly facts: DocFacts;

  /**
   * @param capacity the buffer's first size: in memory, room for the whole segment; with an
   *   output, ignored (the buffer is drained between terms)
   * @param output where the posting bytes go; without one the segment stays in memory
   */
  constructor(capacity: number, facts: DocFacts, output?: SegmentOutput) {
    // A NaN or zero average would give blocks bounds of 0, and queries would skip hits.
    if (!(facts.averageLength >= 1)) throw new Error(`segment writer: average document length ${facts.averageLength} is not a length`);
    this.facts = facts;
    this.sink = output ? new ByteSink(2 * drainBytes, output) : new ByteSink(capacity);
    this.termBlocks.push(0);
  }

  beginTerm(): void {
    this.sink.drain(drainBytes);
    this.termStart = this.sink.offset;
    this.lastDoc = 0;
    this.docs = 0;
    this.startBlock();
  }

  /** A block starts empty: no posting counted, no norm yet. */
  private startBlock(): void {
    this.inBlock = 0;
    this.minNorm = Infinity;
    this.bestTf = 0;
    this.bestLength = Infinity;
  }

  /** Writes a posting's header; `bytes` of positions must follow in `sink`. */
  posting(doc: number, tf: number, bytes: number): void {
    const sink = this.sink;
    sink.ensure(15 + bytes);
    let pos = putVarint(sink.buffer, sink.pos, doc - this.lastDoc);
    pos = putVarint(sink.buffer, pos, tf);
    sink.pos = putVarint(sink.buffer, pos, bytes);
    this.lastDoc = doc;
    this.doc = doc;
    this.tf = tf;
  }

  /**
   * Counts a posting whose bytes the caller copies as they are: it was encoded with the doc
   * delta this writer would use here. The bytes must be in `sink` before `endPosting` when
   * `closesBlock` (a block table records where the block ends) and before `endTerm`.
   */
  copiedPosting(doc: number, tf: number): void {
    this.lastDoc = doc;
    this.doc = doc;
    this.tf = tf;
  }

  /** The doc delta the next posting of this term would be written with. */
  deltaTo(doc: number): number {
    return doc - this.lastDoc;
  }

  /** Whether the next `endPosting` ends a posting block. */
  get closesBlock(): boolean {
    return this.inBlock === blockSize - 1;
  }

  endPosting(): void {
    const doc = this.doc;
    if (this.minDoc < 0 || doc < this.minDoc) this.minDoc = doc;
    if (doc > this.maxDoc) this.maxDoc = doc;
    this.docs++;
    // No more occurrences in no shorter a document cannot give a smaller norm: most postings
    // are settled by two comparisons, without the division.
    const tf = this.tf;
    const length = this.facts.length[doc];
    if (tf > this.bestTf || length < this.bestLength) {
      const norm = postingNorm(tf, length, this.facts.averageLength);
      if (norm < this.minNorm) {
        this.minNorm = norm;
        this.bestTf = tf;
        this.bestLength = length;
      }
    }
    const session = this.facts.session[doc];
    if (session >= this.sessionCounts.length) {
      const next = new Uint32Array(Math.max(session + 1, this.sessionCounts.length * 2, 1024));
      next.set(this.sessionCounts);
      this.sessionCounts = next;
    }
    if (this.sessionCounts[session]++ === 0) this.touched.push(session);
    if (++this.inBlock === blockSize) this.endBlock();
  }

  private endBlock(): void {
    this.blockLastDoc.push(this.lastDoc);
    this.blockEnd.push(this.sink.offset);
    // Rounded down past float32's error, so the stored norm never exceeds a document's.
    this.blockMinNorm.push(this.minNorm * (1 - 1e-6));
    this.startBlock();
  }

  /** Closes the term; a term whose postings were all dropped is left out. */
  endTerm(term: string): void {
    const touched = this.touched;
    if (this.docs === 0) {
      this.sink.rewind(this.termStart);
      return;
    }
    if (this.docs > blockSize) {
      if (this.inBlock > 0) this.endBlock();
      touched.sort((a, b) => a - b);
      let last = 0;
      for (const session of touched) {
        this.sessions.varint(session - last);
        this.sessions.varint(this.sessionCounts[session]);
        last = session;
      }
    } else {
      // Short lists have no block table: decoding one costs less than the table would.
      this.blockLastDoc.truncate(this.termBlocks.get(this.termBlocks.length - 1));
      this.blockEnd.truncate(this.blockLastDoc.length);
      this.blockMinNorm.truncate(this.blockLastDoc.length);
    }
    for (const session of touched) this.sessionCounts[session] = 0;
    touched.length = 0;
    this.termList.push(term);
    this.docCounts.push(this.docs);
    this.postingEnds.push(this.sink.offset);
    this.sessionEnds.push(this.sessions.pos);
    this.termBlocks.push(this.blockLastDoc.length);
  }

  finish(): Segment {
    const termEnds = new Uint32Array(this.termList.length);
    let chars = 0;
    this.termList.forEach((t, k) => (termEnds[k] = chars += t.length));
    const postingBytes = this.sink.offset;
    const sink = this.sink;
    const output = sink.output;
    if (output) {
      sink.drain(0);
      output.write(this.sessions.buffer.subarray(0, this.sessions.pos));
    } else {
      // Appended in place rather than both copied into a third buffer: a merge's output is tens of MB.
      sink.finalBytes(this.sessions.buffer, 0, this.sessions.pos);
    }
    const trimmed = <A extends Uint32Array>(a: GrowableArray<A>): A => {
      a.trim();
      return a.view();
    };
    const parts: SegmentParts = {
      dictionary: new MemoryDictionary({
        terms: this.termList.join(''),
        termEnds,
        docCounts: trimmed(this.docCounts),
        postingEnds: trimmed(this.postingEnds),
        sessionEnds: trimmed(this.sessionEnds),
        termBlocks: trimmed(this.termBlocks),
      }),
      blocks: {
        blockLastDoc: trimmed(this.blockLastDoc),
        blockEnd: trimmed(this.blockEnd),
        blockMinNorm: new Float32Array(this.blockMinNorm.view()),
      },
      referenceLength: this.facts.averageLength,
      minDoc: this.minDoc,
      maxDoc: this.maxDoc,
      postingBytes,
    };
    return output ? output.finish(parts) : new Segment(parts, new MemorySource(sink.buffer.subarray(0, sink.pos)));
  }
}

/** A streaming writer hands its buffer to the output once it holds this much, between terms. */
const drainBytes = 1024 * 1024;

/** Occurrences regrouped per pass of a build: 8 bytes each, so 8 MB of regrouping arrays. */
const defaultRegroupOccurrences = 1 << 20;

/**
 * Collects the tokens of newly added documents as flat (term id, position) occurrences — 8
 * bytes each, no per-document maps or arrays; a document is where its first occurrence
 * starts — and turns them into a Segment. Documents must arrive in doc-id order and each
 * document's positions in non-decreasing order (the tokenizer's order), so a stable sort by
 * term leaves every term's occurrences grouped by document with positions ascending.
 */
export class SegmentBuilder {
  private readonly terms = new TermTable();
  private occurrenceTerm = new GrowableArray(u32, 65536);
  private occurrencePosition = new GrowableArray(u32, 65536);
  /** The documents in the order they began, and the index of each one's first occurrence. */
  private docIds = new GrowableArray(u32, 1024);
  private docFirst = new GrowableArray(u32, 1024);
  /**
   * The documents and positions of a range of terms' occurrences, regrouped by term for a
   * build and kept between builds like the occurrence arrays. Each range is written in one
   * pass over the occurrences in their own order, so the build then reads everything front to
   * back: gathering each term's occurrences through an index of them was a cache miss per
   * occurrence.
   */
  private sortedDoc = new Uint32Array(0);
  private sortedPosition = new Uint32Array(0);
  /** Set while the occurrences hold term ranks instead of term ids: during a build. */
  private rankedBy: Uint32Array | undefined;

  constructor(private readonly regroupOccurrences = defaultRegroupOccurrences) {}

  /** Pending occurrences: what bounds the builder's memory. */
  get positionCount(): number {
    return this.occurrenceTerm.length;
  }

  /** Bytes held per pending occurrence (for the index's stats). */
  static readonly bytesPerOccurrence = 8;

  /**
   * Empties the builder for the next segment, keeping its occurrence arrays: growing fresh
   * arrays to millions of entries for every segment left a trail of dead buffers behind each
   * build, tens of MB at a time, until the next full collection.
   */
  reset(): void {
    this.rankedBy = undefined;
    this.terms.clear();
    this.occurrenceTerm.truncate(0);
    this.occurrencePosition.truncate(0);
    this.docIds.truncate(0);
    this.docFirst.truncate(0);
  }

  get isEmpty(): boolean {
    return this.occurrenceTerm.length === 0;
  }

  /** Starts a document: the following tokens belong to it. */
  beginDoc(doc: number): void {
    const last = this.docIds.length - 1;
    // A document that had no tokens holds no occurrences: the next one takes its place, so
    // documents without text never pile up while the builder stays empty.
    if (last >= 0 && this.docFirst.get(last) === this.occurrenceTerm.length) {
      this.docIds.set(last, doc);
      return;
    }
    this.docIds.push(doc);
    this.docFirst.push(this.occurrenceTerm.length);
  }

  /**
   * The tokenizer's sink for the current document (made once, not per document). ASCII tokens
   * are looked up as ranges of the text, so a term already seen costs no string.
   */
  readonly tokens: RangeTokenSink = {
    ascii: (text, start, end, _hasUpper, position) => {
      this.occurrenceTerm.push(this.terms.idOfAsciiRange(text, start, end));
      this.occurrencePosition.push(position);
    },
    term: (term, position) => {
      this.occurrenceTerm.push(this.terms.idOf(term));
      this.occurrencePosition.push(position);
    },
  };

  /**
   * Builds the segment of everything added since the last reset (which must follow): into
   * `output` when there is one, otherwise in memory.
   */
  build(facts: DocFacts, output?: SegmentOutput): Segment {
    try {
      return this.buildInto(facts, output);
    } catch (err) {
      output?.abort();
      // A failed build (a full disk) keeps everything pending, for the next build to retry.
      this.restoreTermIds();
      throw err;
    }
  }

  /** Turns the occurrences' term ranks back into term ids, after a build that did not finish. */
  private restoreTermIds(): void {
    const rank = this.rankedBy;
    if (!rank) return;
    this.rankedBy = undefined;
    const idOf = new Uint32Array(rank.length);
    for (let id = 0; id < rank.length; id++) idOf[rank[id]] = id;
    const termOf = this.occurrenceTerm.view();
    for (let t = 0; t < termOf.length; t++) termOf[t] = idOf[termOf[t]];
  }

  private buildInto(facts: DocFacts, output: SegmentOutput | undefined): Segment {
    const termCount = this.terms.size;
    // The default string sort (code-unit order, native comparator) is the order lookups assume.
    const sortedTerms = this.terms.list.slice().sort();
    const rank = new Uint32Array(termCount);
    for (let r = 0; r < termCount; r++) rank[this.terms.idOf(sortedTerms[r])] = r;
    // Counting sort of occurrences by term rank; stable, so each term's stay in (doc, position)
    // order. Term ids become ranks in place: the builder is reset after a build, or the ids
    // are restored after one that failed.
    const count = this.occurrenceTerm.length;
    const termOf = this.occurrenceTerm.view();
    const bucketStart = new Uint32Array(termCount + 1);
    this.rankedBy = rank;
    for (let t = 0; t < count; t++) {
      const r = rank[termOf[t]];
      termOf[t] = r;
      bucketStart[r + 1]++;
    }
    for (let r = 0; r < termCount; r++) bucketStart[r + 1] += bucketStart[r];
    // Regrouped a range of terms at a time: each pass over the occurrences gathers the terms
    // whose occurrences fit in the regrouping arrays, which so hold a fraction of the pending
    // occurrences (a few MB), not all of them. A term larger than that gets a pass of its own.
    let largest = 0;
    for (let r = 0; r < termCount; r++) largest = Math.max(largest, bucketStart[r + 1] - bucketStart[r]);
    const capacity = Math.min(count, Math.max(this.regroupOccurrences, largest));
    if (this.sortedDoc.length < capacity) {
      this.sortedDoc = new Uint32Array(capacity);
      this.sortedPosition = new Uint32Array(capacity);
    }
    const docs = this.sortedDoc;
    const positions = this.sortedPosition;
    const fill = bucketStart.slice(0, termCount);
    const positionOf = this.occurrencePosition.view();
    const docIds = this.docIds.view();
    const docFirst = this.docFirst.view();

    // Postings take about 4.2 bytes per occurrence on real sessions (a position delta, and a
    // share of each posting's header): room for 5 means the writer never copies what it wrote.
    const writer = new SegmentWriter(count * 5, facts, output);
    for (let from = 0; from < termCount; ) {
      const base = bucketStart[from];
      let to = from + 1;
      while (to < termCount && bucketStart[to + 1] - base <= capacity) to++;
      for (let d = 0; d < docIds.length; d++) {
        const doc = docIds[d];
        const end = d + 1 < docIds.length ? docFirst[d + 1] : count;
        for (let t = docFirst[d]; t < end; t++) {
          const r = termOf[t];
          if (r < from || r >= to) continue;
          const slot = fill[r]++ - base;
          docs[slot] = doc;
          positions[slot] = positionOf[t];
        }
      }
      for (let r = from; r < to; r++) this.writeTerm(writer, sortedTerms[r], bucketStart[r] - base, bucketStart[r + 1] - base);
      from = to;
    }
    return writer.finish();
  }

  /** Writes one term's postings from its occurrences, regrouped at [start, end). */
  private writeTerm(writer: SegmentWriter, term: string, start: number, end: number): void {
    const docs = this.sortedDoc;
    const positions = this.sortedPosition;
    const sink = writer.sink;
    writer.beginTerm();
    let k = start;
    while (k < end) {
      const doc = docs[k];
      // First pass over this document's occurrences: tf and the bytes of the position deltas.
      let groupEnd = k;
      let tf = 0;
      let bytes = 0;
      let last = 0;
      let previous = -1;
      while (groupEnd < end && docs[groupEnd] === doc) {
        const p = positions[groupEnd];
        if (p !== previous) {
          tf++;
          bytes += smallVarintSize(p - last);
          last = p;
          previous = p;
        }
        groupEnd++;
      }
      writer.posting(doc, tf, bytes);
      const buffer = sink.buffer;
      let pos = sink.pos;
      last = 0;
      previous = -1;
      for (let g = k; g < groupEnd; g++) {
        const p = positions[g];
        if (p === previous) continue;
        pos = putVarint(buffer, pos, p - last);
        last = p;
        previous = p;
      }
      sink.pos = pos;
      writer.endPosting();
      k = groupEnd;
    }
    writer.endTerm(term);
  }
}

/**
 * Reads a segment's postings front to back through a window of a few MB: a merge visits the
 * lists in order, so it never needs a whole input in memory at once.
 */
class SequentialSource implements PostingSource {
  /**
   * One buffer, refilled as the window moves: a fresh one per move left a merge's whole input
   * behind as dead buffers until the next collection.
   */
  private readonly buffer: Uint8Array;
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  private windowEnd = 0;

  constructor(private readonly inner: FileSource) {
    this.buffer = new Uint8Array(Math.min(sequentialWindowBytes, inner.byteLength));
  }

  get byteLength(): number {
    return this.inner.byteLength;
  }

  read(start: number, end: number): Uint8Array {
    if (start < this.windowStart || end > this.windowEnd) {
      if (end - start >= sequentialWindowBytes) return this.inner.read(start, end);
      this.windowStart = start;
      this.windowEnd = Math.min(this.inner.byteLength, start + sequentialWindowBytes);
      this.window = this.inner.readInto(start, this.buffer.subarray(0, this.windowEnd - start));
    }
    return this.window.subarray(start - this.windowStart, end - this.windowStart);
  }

  close(): void {}
}

const sequentialWindowBytes = 4 * 1024 * 1024;

function sequential(segment: Segment): Segment {
  if (!(segment.source instanceof FileSource)) return segment;
  return new Segment(segment.parts, new SequentialSource(segment.source));
}

/**
 * Concatenates adjacent segments (each one's docs after the one before it), passing every
 * doc id through `mapDoc`: a negative result drops the posting (a removed session), another
 * value renumbers it (compaction). One input rewrites that segment. `facts` are indexed by
 * the mapped doc ids. Each term's postings are read from their source once. The result goes
 * into `output` when there is one, otherwise it stays in memory.
 */
export function mergeSegments(inputs: readonly Segment[], mapDoc: (doc: number) => number, facts: DocFacts, output?: SegmentOutput): Segment {
  try {
    return mergeInto(inputs, mapDoc, facts, output);
  } catch (err) {
    output?.abort();
    throw err;
  }
}

function mergeInto(inputs: readonly Segment[], mapDoc: (doc: number) => number, facts: DocFacts, output: SegmentOutput | undefined): Segment {
  // Windowed reads of each input instead of one read per term or a whole input in memory.
  const sources = inputs.map(sequential);
  // In memory, room for the inputs' postings and session postings: the output is about their
  // sum, and a writer that runs short copies everything it has written into a larger buffer.
  const inputBytes = sources.reduce((sum, s) => sum + s.source.byteLength, 0);
  const writer = new SegmentWriter(Math.min(inputBytes, 64 * 1024 * 1024), facts, output);
  const sink = writer.sink;
  const copy = (segment: Segment, index: number): void => {
    const bytes = segment.postings(index);
    const reader = new VarintReader(bytes, 0);
    const end = bytes.length;
    let doc = 0;
    // Postings that keep their bytes are copied in runs (a block's at most), not one by one.
    let runStart = 0;
    let runEnd = 0;
    while (reader.pos < end) {
      const head = reader.pos;
      const delta = reader.next();
      doc += delta;
      const tf = reader.next();
      const length = reader.next();
      const start = reader.pos;
      reader.pos += length;
      const mapped = mapDoc(doc);
      if (mapped < 0) continue;
      // Varints are written shortest-form, so an equal delta means equal bytes: most postings
      // of a merge keep their doc and their predecessor, and go out as they came in.
      if (writer.deltaTo(mapped) === delta) {
        if (runEnd !== head) {
          sink.bytes(bytes, runStart, runEnd);
          runStart = head;
        }
        runEnd = start + length;
        writer.copiedPosting(mapped, tf);
        if (writer.closesBlock) {
          sink.bytes(bytes, runStart, runEnd);
          runStart = runEnd;
        }
      } else {
        sink.bytes(bytes, runStart, runEnd);
        runStart = runEnd = reader.pos;
        writer.posting(mapped, tf, length);
        sink.bytes(bytes, start, start + length);
      }
      writer.endPosting();
    }
    sink.bytes(bytes, runStart, runEnd);
  };
  // Each input's next term; undefined once it has none left. Inputs are few (a merge takes
  // a handful, a rewrite one), so the least term is found by looking at each.
  const next = sources.map(() => 0);
  const heads = sources.map((s) => (s.termCount > 0 ? s.term(0) : undefined));
  for (;;) {
    let term: string | undefined;
    for (const head of heads) if (head !== undefined && (term === undefined || head < term)) term = head;
    if (term === undefined) break;
    writer.beginTerm();
    // In input order, so the doc ids ascend.
    for (let k = 0; k < sources.length; k++) {
      if (heads[k] !== term) continue;
      const source = sources[k];
      copy(source, next[k]++);
      heads[k] = next[k] < source.termCount ? source.term(next[k]) : undefined;
    }
    writer.endTerm(term);
  }
  return writer.finish();
}
