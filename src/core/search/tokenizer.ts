/**
 * Turns text into index terms. The same function serves indexing, query parsing and snippet
 * highlighting, so the three always agree on what a "word" is.
 *
 * - Case and diacritics are folded (lowercase, NFKD without combining marks, ß → ss).
 * - A run of letters and digits is a word. Runs that look like identifiers are also split
 *   into parts (camelCase, acronym + word, letters/digits), the parts taking consecutive
 *   positions and the whole run sharing the first part's position. Punctuation such as
 *   `_ . / -` only separates, so `snake_case_name` and `path/to/file.ts` become parts at
 *   consecutive positions and a query for them is matched as a phrase of its parts.
 * - CJK (Han, kana, Hangul) has no spaces: every character is a unigram and every adjacent
 *   pair a bigram at the first character's position. A query of two or more CJK characters is
 *   matched as a phrase of bigrams, a single character by its unigram.
 * - Each emoji is a token of its own; modifiers, joiners and other symbols separate.
 */

export enum TokenKind {
  /** A word, an identifier part, a lone CJK character or a CJK bigram: what queries use. */
  Primary = 0,
  /** A whole identifier that was also split into parts. */
  WholeIdentifier = 1,
  /** A CJK character inside a longer CJK run (queries use the bigrams instead). */
  CjkUnigram = 2,
}

/** Receives each token: folded term, position, and the [start, end) range in the original text. */
export type TokenSink = (term: string, position: number, start: number, end: number, kind: TokenKind) => void;

/**
 * A sink that takes ASCII tokens as ranges of the text, without a string per token: `ascii`
 * gets a run of ASCII letters and digits, `text[start, end)`, whose term is that run with A–Z
 * lowered (`hasUpper` says whether there are any) and cut to `maxTermLength`. Every other
 * token goes to `term`. The indexer looks ranges up in place (termTable.ts).
 */
export interface RangeTokenSink {
  ascii(text: string, start: number, end: number, hasUpper: boolean, position: number, kind: TokenKind): void;
  term: TokenSink;
}

/** A TokenSink behind the range interface: the ASCII range becomes its folded term string. */
function rangesAsTerms(sink: TokenSink): RangeTokenSink {
  return {
    ascii: (text, start, end, hasUpper, position, kind) => {
      const raw = text.slice(start, end);
      sink(cutTerm(hasUpper ? raw.toLowerCase() : raw), position, start, end, kind);
    },
    term: sink,
  };
}

/** Longer terms are cut to this many characters, on both the index and the query side. */
export const maxTermLength = 64;
/** Runs longer than this (hashes, base64) are kept whole: their "parts" would be noise. */
const maxSplitRunLength = 40;
const maxParts = 8;

const enum CharClass {
  Separator = 0,
  Word = 1,
  Cjk = 2,
  Emoji = 3,
  /** A combining mark: extends the current word and folds to nothing. */
  Mark = 4,
}

const enum Shape {
  Other = 0,
  Upper = 1,
  Lower = 2,
  Digit = 3,
}

interface CharInfo {
  cls: CharClass;
  folded: string;
  shape: Shape;
}

const letterOrDigit = /^[\p{L}\p{N}]$/u;
const mark = /^\p{M}$/u;
const marks = /\p{M}/gu;
const cjk = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3005\u30fc]$/u;
const pictographic = /^\p{Extended_Pictographic}$/u;
const digitChar = /^\p{N}$/u;

const asciiInfo: CharInfo[] = [];
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (c >= 0x30 && c <= 0x39) asciiInfo.push({ cls: CharClass.Word, folded: ch, shape: Shape.Digit });
  else if (c >= 0x41 && c <= 0x5a) asciiInfo.push({ cls: CharClass.Word, folded: ch.toLowerCase(), shape: Shape.Upper });
  else if (c >= 0x61 && c <= 0x7a) asciiInfo.push({ cls: CharClass.Word, folded: ch, shape: Shape.Lower });
  else asciiInfo.push({ cls: CharClass.Separator, folded: '', shape: Shape.Other });
}
const otherInfo = new Map<number, CharInfo>();

function classify(cp: number): CharInfo {
  if (cp < 128) return asciiInfo[cp];
  const cached = otherInfo.get(cp);
  if (cached) return cached;
  const ch = String.fromCodePoint(cp);
  let info: CharInfo;
  if (cjk.test(ch)) {
    // Never NFKD-fold CJK: Hangul syllables would fall apart into jamo.
    info = { cls: CharClass.Cjk, folded: ch, shape: Shape.Other };
  } else if (letterOrDigit.test(ch)) {
    const lower = ch.toLowerCase();
    const folded = lower.normalize('NFKD').replace(marks, '').replace(/ß/g, 'ss');
    const shape = digitChar.test(ch) ? Shape.Digit : lower !== ch ? Shape.Upper : ch.toUpperCase() !== ch ? Shape.Lower : Shape.Other;
    info = { cls: CharClass.Word, folded, shape };
  } else if (mark.test(ch)) {
    info = { cls: CharClass.Mark, folded: '', shape: Shape.Other };
  } else if (pictographic.test(ch)) {
    info = { cls: CharClass.Emoji, folded: ch, shape: Shape.Other };
  } else {
    info = { cls: CharClass.Separator, folded: '', shape: Shape.Other };
  }
  // Bounded: the cache only ever holds code points actually seen, at most ~150k.
  otherInfo.set(cp, info);
  return info;
}

function cutTerm(term: string): string {
  return term.length > maxTermLength ? term.slice(0, maxTermLength) : term;
}

/** Reused buffers for the run being read (one tokenizer call at a time: JS is single-threaded). */
const runFolded: string[] = [];
const runStart: number[] = [];
const runEnd: number[] = [];
const runShape: Shape[] = [];

/**
 * Part boundaries of a word run, as indices into the run. Splits at lower→Upper, at the last
 * capital of an acronym followed by a lowercase letter (HTTPServer → HTTP Server), and between
 * letters and digits when there are at most two such switches (utf8, v2beta1, not hex hashes).
 */
function splitPoints(length: number): number[] {
  const points: number[] = [];
  if (length < 2 || length > maxSplitRunLength) return points;
  let digitSwitches = 0;
  for (let i = 1; i < length; i++) {
    if ((runShape[i] === Shape.Digit) !== (runShape[i - 1] === Shape.Digit)) digitSwitches++;
  }
  const splitDigits = digitSwitches <= 2;
  for (let i = 1; i < length; i++) {
    const prev = runShape[i - 1];
    const cur = runShape[i];
    const next = i + 1 < length ? runShape[i + 1] : Shape.Other;
    if (cur === Shape.Upper && (prev === Shape.Lower || (prev === Shape.Upper && next === Shape.Lower))) points.push(i);
    else if (splitDigits && (cur === Shape.Digit) !== (prev === Shape.Digit) && prev !== Shape.Other && cur !== Shape.Other) points.push(i);
  }
  return points.length + 1 > maxParts ? [] : points;
}

function joinRun(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += runFolded[i];
  return s;
}

/** Emits the current word run; returns the number of positions it used. */
function emitWordRun(length: number, position: number, sink: TokenSink): number {
  const whole = joinRun(0, length);
  if (whole === '') return 0;
  const points = splitPoints(length);
  if (points.length === 0) {
    sink(cutTerm(whole), position, runStart[0], runEnd[length - 1], TokenKind.Primary);
    return 1;
  }
  sink(cutTerm(whole), position, runStart[0], runEnd[length - 1], TokenKind.WholeIdentifier);
  let used = 0;
  let from = 0;
  for (let p = 0; p <= points.length; p++) {
    const to = p < points.length ? points[p] : length;
    const part = joinRun(from, to);
    if (part !== '') {
      sink(cutTerm(part), position + used, runStart[from], runEnd[to - 1], TokenKind.Primary);
      used++;
    }
    from = to;
  }
  return used;
}

function emitCjkRun(length: number, position: number, sink: TokenSink): number {
  if (length === 1) {
    sink(runFolded[0], position, runStart[0], runEnd[0], TokenKind.Primary);
    return 1;
  }
  for (let i = 0; i < length; i++) {
    sink(runFolded[i], position + i, runStart[i], runEnd[i], TokenKind.CjkUnigram);
    if (i + 1 < length) sink(runFolded[i] + runFolded[i + 1], position + i, runStart[i], runEnd[i + 1], TokenKind.Primary);
  }
  return length;
}

/** ASCII code → 0 separator, 1 lowercase, 2 uppercase, 3 digit (the fast path's table). */
const asciiKind = new Uint8Array(128);
for (let c = 0; c < 128; c++) asciiKind[c] = c >= 0x61 && c <= 0x7a ? 1 : c >= 0x41 && c <= 0x5a ? 2 : c >= 0x30 && c <= 0x39 ? 3 : 0;
const asciiShape: readonly Shape[] = [Shape.Other, Shape.Lower, Shape.Upper, Shape.Digit];

/**
 * Emits a word run of ASCII letters and digits text[start, end) as ranges of the text. Most
 * of what sessions hold is ASCII, and this skips the per-character folding and string
 * concatenation of the general path; the result is the same by construction (ASCII folds to
 * lowercase one character for one).
 */
function emitAsciiRun(text: string, start: number, end: number, hasUpper: boolean, hasDigit: boolean, position: number, out: RangeTokenSink): number {
  const length = end - start;
  let points: number[] = noPoints;
  if ((hasUpper || hasDigit) && length >= 2 && length <= maxSplitRunLength) {
    for (let k = 0; k < length; k++) runShape[k] = asciiShape[asciiKind[text.charCodeAt(start + k)]];
    points = splitPoints(length);
  }
  if (points.length === 0) {
    out.ascii(text, start, end, hasUpper, position, TokenKind.Primary);
    return 1;
  }
  out.ascii(text, start, end, hasUpper, position, TokenKind.WholeIdentifier);
  let from = 0;
  for (let p = 0; p <= points.length; p++) {
    const to = p < points.length ? points[p] : length;
    out.ascii(text, start + from, start + to, hasUpper, position + p, TokenKind.Primary);
    from = to;
  }
  return points.length + 1;
}

const noPoints: number[] = [];

/** Tokenizes `text`, positions starting at `firstPosition`; returns the number of positions used. */
export function tokenize(text: string, to: TokenSink | RangeTokenSink, firstPosition = 0): number {
  const out = typeof to === 'function' ? rangesAsTerms(to) : to;
  const sink = out.term;
  let position = firstPosition;
  let runKind: CharClass = CharClass.Separator;
  let runLength = 0;
  const flush = (): void => {
    if (runLength === 0) return;
    position += runKind === CharClass.Cjk ? emitCjkRun(runLength, position, sink) : emitWordRun(runLength, position, sink);
    runLength = 0;
    runKind = CharClass.Separator;
  };
  const length = text.length;
  for (let i = 0; i < length; ) {
    const c = text.charCodeAt(i);
    if (c < 128 && runLength === 0) {
      if (asciiKind[c] === 0) {
        i++;
        continue;
      }
      // A run that is ASCII up to a separator (or the end) takes the fast path; one that
      // runs into a non-ASCII letter or a combining mark is read again by the general path.
      let j = i;
      let hasUpper = false;
      let hasDigit = false;
      while (j < length) {
        const d = text.charCodeAt(j);
        if (d >= 128) break;
        const kind = asciiKind[d];
        if (kind === 0) break;
        if (kind === 2) hasUpper = true;
        else if (kind === 3) hasDigit = true;
        j++;
      }
      if (j === length || text.charCodeAt(j) < 128) {
        position += emitAsciiRun(text, i, j, hasUpper, hasDigit, position, out);
        i = j;
        continue;
      }
    }
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const info = classify(cp);
    if (info.cls === CharClass.Mark) {
      // A combining mark belongs to the character before it (e + ́ = é).
      if (runLength > 0) runEnd[runLength - 1] = i + width;
    } else if (info.cls === CharClass.Word || info.cls === CharClass.Cjk) {
      if (runKind !== info.cls) flush();
      runKind = info.cls;
      runFolded[runLength] = info.folded;
      runStart[runLength] = i;
      runEnd[runLength] = i + width;
      runShape[runLength] = info.shape;
      runLength++;
    } else {
      flush();
      if (info.cls === CharClass.Emoji) sink(info.folded, position++, i, i + width, TokenKind.Primary);
    }
    i += width;
  }
  flush();
  return position - firstPosition;
}

/** A term with its position relative to the first term of the same query word or phrase. */
export interface QueryTerm {
  term: string;
  offset: number;
}

/** The primary terms of a piece of query text, with relative positions for phrase matching. */
export function queryTerms(text: string): QueryTerm[] {
  const out: QueryTerm[] = [];
  tokenize(text, (term, position, _start, _end, kind) => {
    if (kind === TokenKind.Primary) out.push({ term, offset: position });
  });
  return out;
}
