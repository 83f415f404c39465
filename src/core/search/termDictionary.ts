import * as fs from 'node:fs';
import { GrowableArray, u8 } from './compactArrays';

/**
 * A segment's term dictionary: its terms in code-unit order and, per term, the document
 * count and the bounds of its doc postings, session postings and posting blocks.
 *
 * A segment that is being built or merged keeps it in memory (MemoryDictionary). A segment
 * on disk keeps only every `termsPerBlock`-th term in memory and reads the block of 64 terms
 * a lookup lands in (FileDictionary): at a million-term store the whole dictionary would be
 * tens of MB of heap held for as long as the editor is open, while a query needs a handful
 * of its blocks.
 */
export interface TermDictionary {
  readonly termCount: number;
  /** Bytes of the dictionary when written: what merging weighs. */
  readonly byteSize: number;
  /** Bytes it holds in memory now. */
  readonly memoryBytes: number;
  term(i: number): string;
  docCount(i: number): number;
  postingStart(i: number): number;
  postingEnd(i: number): number;
  sessionStart(i: number): number;
  sessionEnd(i: number): number;
  /** The term's posting blocks are [firstBlock, endBlock); equal for a short list. */
  firstBlock(i: number): number;
  endBlock(i: number): number;
  /** First term index whose term is ≥ `key`. */
  lowerBound(key: string): number;
}

/** The columns a segment writer produces, one entry per term (`termBlocks` has one more). */
export interface DictionaryColumns {
  /** All terms concatenated. */
  terms: string;
  termEnds: Uint32Array;
  docCounts: Uint32Array;
  postingEnds: Uint32Array;
  sessionEnds: Uint32Array;
  termBlocks: Uint32Array;
}

export class MemoryDictionary implements TermDictionary {
  constructor(private readonly c: DictionaryColumns) {}

  get termCount(): number {
    return this.c.termEnds.length;
  }

  get byteSize(): number {
    return this.c.terms.length * 2 + this.c.termEnds.length * 16;
  }

  get memoryBytes(): number {
    return this.c.terms.length * 2 + (this.c.termEnds.length * 5 + 1) * 4;
  }

  term(i: number): string {
    return this.c.terms.slice(i === 0 ? 0 : this.c.termEnds[i - 1], this.c.termEnds[i]);
  }

  docCount(i: number): number {
    return this.c.docCounts[i];
  }

  postingStart(i: number): number {
    return i === 0 ? 0 : this.c.postingEnds[i - 1];
  }

  postingEnd(i: number): number {
    return this.c.postingEnds[i];
  }

  sessionStart(i: number): number {
    return i === 0 ? 0 : this.c.sessionEnds[i - 1];
  }

  sessionEnd(i: number): number {
    return this.c.sessionEnds[i];
  }

  firstBlock(i: number): number {
    return this.c.termBlocks[i];
  }

  endBlock(i: number): number {
    return this.c.termBlocks[i + 1];
  }

  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.termCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Terms per dictionary block: one positioned read of about 2 KB per lookup. */
export const termsPerBlock = 64;
const blockShift = 6;

/** One open file read by positioned reads; a segment's postings and dictionary share it. */
export class PositionedFile {
  private closed = false;

  constructor(
    private readonly fd: number,
    readonly path: string,
  ) {}

  /** `length` bytes at `position`; `aligned` gives the bytes an ArrayBuffer of their own (typed-array views). */
  read(position: number, length: number, aligned = false): Uint8Array {
    return this.readInto(position, aligned ? Buffer.allocUnsafeSlow(length) : Buffer.allocUnsafe(length));
  }

  /** Fills `target` with the bytes at `position` and returns it. */
  readInto(position: number, target: Uint8Array): Uint8Array {
    if (this.closed) throw new Error(`search segment ${this.path} is closed`);
    let done = 0;
    while (done < target.length) {
      const n = fs.readSync(this.fd, target, done, target.length - done, position + done);
      if (n === 0) throw new Error(`search segment ${this.path} is truncated`);
      done += n;
    }
    return target;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

/** A block of the on-disk dictionary, decoded. Bounds arrays have one entry more than terms. */
interface DictBlock {
  terms: string[];
  docCounts: Uint32Array;
  postingBounds: Uint32Array;
  sessionBounds: Uint32Array;
  blockBounds: Uint32Array;
}

/** Where the on-disk dictionary's parts are in its file, from the segment's header. */
export interface DictionaryLayout {
  termCount: number;
  /** File offset of the block index; the blocks follow it. */
  indexAt: number;
  indexBytes: number;
  blocksBytes: number;
}

/** Decoded blocks kept per segment: a query touches one or two per term. */
const cachedBlocks = 8;

export class FileDictionary implements TermDictionary {
  private readonly cache = new Map<number, DictBlock>();
  /** Offset of each block from the start of the blocks, and the end. */
  private readonly offsets: Float64Array;
  private readonly firstTerms: string[];
  private readonly blocksAt: number;
  private readonly indexMemoryBytes: number;

  constructor(
    private readonly file: PositionedFile,
    private readonly layout: DictionaryLayout,
  ) {
    const blocks = Math.ceil(layout.termCount / termsPerBlock);
    const index = file.read(layout.indexAt, layout.indexBytes, true);
    this.offsets = new Float64Array(index.buffer, index.byteOffset, blocks + 1).slice();
    const ends = new Uint32Array(index.buffer, index.byteOffset + (blocks + 1) * 8, blocks);
    const textAt = (blocks + 1) * 8 + blocks * 4;
    const text = Buffer.from(index.buffer, index.byteOffset + textAt, layout.indexBytes - textAt);
    this.firstTerms = new Array<string>(blocks);
    for (let b = 0; b < blocks; b++) this.firstTerms[b] = text.toString('utf8', b === 0 ? 0 : ends[b - 1], ends[b]);
    this.blocksAt = layout.indexAt + layout.indexBytes;
    // Counted once: the index status reports it after every change.
    this.indexMemoryBytes = this.offsets.byteLength + this.firstTerms.reduce((n, t) => n + 16 + t.length * 2, 0);
  }

  get termCount(): number {
    return this.layout.termCount;
  }

  get byteSize(): number {
    return this.layout.indexBytes + this.layout.blocksBytes;
  }

  get memoryBytes(): number {
    return this.indexMemoryBytes;
  }

  private block(b: number): DictBlock {
    const hit = this.cache.get(b);
    if (hit) return hit;
    const start = this.offsets[b];
    const bytes = this.file.read(this.blocksAt + start, this.offsets[b + 1] - start, true);
    const n = Math.min(termsPerBlock, this.layout.termCount - b * termsPerBlock);
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, 5 * n + 3);
    const docCounts = words.subarray(0, n);
    const postingBounds = words.subarray(n, 2 * n + 1);
    const sessionBounds = words.subarray(2 * n + 1, 3 * n + 2);
    const blockBounds = words.subarray(3 * n + 2, 4 * n + 3);
    const termEnds = words.subarray(4 * n + 3, 5 * n + 3);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + words.byteLength, bytes.length - words.byteLength);
    const terms = new Array<string>(n);
    for (let k = 0; k < n; k++) terms[k] = text.toString('utf8', k === 0 ? 0 : termEnds[k - 1], termEnds[k]);
    const block = { terms, docCounts, postingBounds, sessionBounds, blockBounds };
    if (this.cache.size >= cachedBlocks) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(b, block);
    return block;
  }

  term(i: number): string {
    return this.block(i >>> blockShift).terms[i & (termsPerBlock - 1)];
  }

  docCount(i: number): number {
    return this.block(i >>> blockShift).docCounts[i & (termsPerBlock - 1)];
  }

  postingStart(i: number): number {
    return this.block(i >>> blockShift).postingBounds[i & (termsPerBlock - 1)];
  }

  postingEnd(i: number): number {
    return this.block(i >>> blockShift).postingBounds[(i & (termsPerBlock - 1)) + 1];
  }

  sessionStart(i: number): number {
    return this.block(i >>> blockShift).sessionBounds[i & (termsPerBlock - 1)];
  }

  sessionEnd(i: number): number {
    return this.block(i >>> blockShift).sessionBounds[(i & (termsPerBlock - 1)) + 1];
  }

  firstBlock(i: number): number {
    return this.block(i >>> blockShift).blockBounds[i & (termsPerBlock - 1)];
  }

  endBlock(i: number): number {
    return this.block(i >>> blockShift).blockBounds[(i & (termsPerBlock - 1)) + 1];
  }

  lowerBound(key: string): number {
    // The last block whose first term is ≤ key holds the answer, or it is the next block's first term.
    let lo = 0;
    let hi = this.firstTerms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.firstTerms[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return 0;
    const b = lo - 1;
    const terms = this.block(b).terms;
    let k = 0;
    while (k < terms.length && terms[k] < key) k++;
    return b * termsPerBlock + k;
  }
}

/**
 * Encodes any dictionary in the on-disk form: a block index (per block its offset and first
 * term) and the blocks, each `docCounts[n]`, then posting, session and block bounds `[n + 1]`,
 * then term ends `[n]` as u32 (native byte order, which the segment header records), then
 * the terms as UTF-8.
 */
export function encodeDictionary(dictionary: TermDictionary): { index: Uint8Array; blocks: Uint8Array } {
  const count = dictionary.termCount;
  const blockCount = Math.ceil(count / termsPerBlock);
  const offsets = new Float64Array(blockCount + 1);
  const firstTermEnds = new Uint32Array(blockCount);
  const firstTerms: Buffer[] = [];
  let firstTermBytes = 0;
  const out = new GrowableArray(u8, Math.max(1024, count * 24));
  for (let b = 0; b < blockCount; b++) {
    offsets[b] = out.length;
    const from = b * termsPerBlock;
    const n = Math.min(termsPerBlock, count - from);
    const words = new Uint32Array(5 * n + 3);
    const texts: Buffer[] = [];
    let textBytes = 0;
    for (let k = 0; k < n; k++) {
      const i = from + k;
      words[k] = dictionary.docCount(i);
      words[n + k] = dictionary.postingStart(i);
      words[2 * n + 1 + k] = dictionary.sessionStart(i);
      words[3 * n + 2 + k] = dictionary.firstBlock(i);
      const text = Buffer.from(dictionary.term(i), 'utf8');
      texts.push(text);
      words[4 * n + 3 + k] = textBytes += text.length;
    }
    words[2 * n] = dictionary.postingEnd(from + n - 1);
    words[3 * n + 1] = dictionary.sessionEnd(from + n - 1);
    words[4 * n + 2] = dictionary.endBlock(from + n - 1);
    out.pushAll(new Uint8Array(words.buffer));
    for (const text of texts) out.pushAll(text);
    firstTerms.push(texts[0]);
    firstTermEnds[b] = firstTermBytes += texts[0].length;
  }
  offsets[blockCount] = out.length;
  const index = new Uint8Array(offsets.byteLength + firstTermEnds.byteLength + firstTermBytes);
  index.set(new Uint8Array(offsets.buffer), 0);
  index.set(new Uint8Array(firstTermEnds.buffer), offsets.byteLength);
  let at = offsets.byteLength + firstTermEnds.byteLength;
  for (const text of firstTerms) {
    index.set(text, at);
    at += text.length;
  }
  return { index, blocks: out.view() };
}
