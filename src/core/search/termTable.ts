import { maxTermLength } from './tokenizer';

/**
 * The distinct terms of the documents being indexed, each with a dense id, in an
 * open-addressing hash table of its own. What a Map<string, number> cannot do is look up a
 * term that is still a range of the document's text: most tokens are ASCII words whose term
 * is already in the table, and a lookup by range hashes and compares their characters in
 * place, where a Map needs a new string per token, its hash computed again, and the garbage
 * collected. A string is made only for a term seen for the first time.
 */
export class TermTable {
  /**
   * Two numbers per slot: the term's hash, then its id + 1 (0: an empty slot). Side by side,
   * so a probe reads one cache line and looks at the term's string only when the hash matches:
   * with hundreds of thousands of terms, the table is far larger than the CPU's caches.
   */
  private slots = new Int32Array(2 << 12);
  private mask = (1 << 12) - 1;
  private hashes = new Int32Array(1 << 11);
  private readonly terms: string[] = [];

  get size(): number {
    return this.terms.length;
  }

  /** The terms by id. */
  get list(): readonly string[] {
    return this.terms;
  }

  /** Empties the table, keeping its arrays for the next segment's terms. */
  clear(): void {
    this.slots.fill(0);
    this.terms.length = 0;
  }

  /** The id of a folded term, added when new. */
  idOf(term: string): number {
    let hash = hashSeed;
    for (let k = 0; k < term.length; k++) hash = Math.imul(hash ^ term.charCodeAt(k), hashPrime);
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[2 * slot + 1];
      if (entry === 0) break;
      if (this.slots[2 * slot] === hash && this.terms[entry - 1] === term) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
    return this.add(term, hash, slot);
  }

  /**
   * The id of the term `text[start, end)` folds to when it holds only ASCII letters and
   * digits: A–Z lowered, cut to `maxTermLength` like every term. Added when new.
   */
  idOfAsciiRange(text: string, start: number, end: number): number {
    const length = Math.min(end - start, maxTermLength);
    let hash = hashSeed;
    for (let k = 0; k < length; k++) hash = Math.imul(hash ^ lowerAscii(text.charCodeAt(start + k)), hashPrime);
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[2 * slot + 1];
      if (entry === 0) break;
      if (this.slots[2 * slot] === hash && sameAsciiFolded(this.terms[entry - 1], text, start, length)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
    return this.add(foldAsciiRange(text, start, length), hash, slot);
  }

  private add(term: string, hash: number, slot: number): number {
    const id = this.terms.length;
    this.terms.push(term);
    if (id >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = hash;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = id + 1;
    // At most half full, so probes stay short.
    if (this.terms.length * 2 > this.mask + 1) this.grow();
    return id;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.terms.length; id++) {
      const hash = this.hashes[id];
      let slot = hash & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** FNV-1a over UTF-16 code units. */
const hashSeed = 0x811c9dc5 | 0;
const hashPrime = 0x01000193;

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Whether the ASCII range `text[start, start + length)` folds (A–Z lowered) to `term`. */
export function sameAsciiFolded(term: string, text: string, start: number, length: number): boolean {
  if (term.length !== length) return false;
  return asciiFoldedStartsWith(text, start, length, term);
}

/** Whether the folded ASCII range `text[start, start + length)` starts with `prefix`. */
export function asciiFoldedStartsWith(text: string, start: number, length: number, prefix: string): boolean {
  if (prefix.length > length) return false;
  for (let k = 0; k < prefix.length; k++) if (prefix.charCodeAt(k) !== lowerAscii(text.charCodeAt(start + k))) return false;
  return true;
}

/** The term an ASCII range folds to, as a fresh flat string: a slice could keep the whole text alive. */
export function foldAsciiRange(text: string, start: number, length: number): string {
  let term = '';
  for (let k = 0; k < length; k++) term += String.fromCharCode(lowerAscii(text.charCodeAt(start + k)));
  return term;
}
