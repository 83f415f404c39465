import type { QueryClause } from './queryParser';
import { asciiFoldedStartsWith, foldAsciiRange, sameAsciiFolded } from './termTable';
import { TokenKind, maxTermLength, tokenize, type TokenSink } from './tokenizer';

export interface Snippet {
  text: string;
  /** [start, end) ranges within `text`, sorted and not overlapping. */
  highlights: [number, number][];
}

interface Span {
  start: number;
  end: number;
  clause: number;
}

export const snippetWidth = 200;
const ellipsis = '…';

function termMatches(indexed: string, wanted: string, prefix: boolean): boolean {
  return prefix ? indexed.startsWith(wanted) : indexed === wanted;
}

/**
 * Which tokens could match a term of a positive clause; no other token is ever looked at. An
 * ASCII token is judged on its range of the text, so the many that match nothing never
 * become strings.
 */
class TermFilter {
  private readonly exact: string[] = [];
  private readonly prefixes: string[] = [];

  constructor(clauses: readonly QueryClause[]) {
    for (const clause of clauses) {
      if (clause.negated) continue;
      clause.terms.forEach((t, k) => (clause.prefix && k === clause.terms.length - 1 ? this.prefixes : this.exact).push(t.term));
    }
  }

  wants(term: string): boolean {
    return this.exact.includes(term) || this.prefixes.some((p) => term.startsWith(p));
  }

  /** Whether the term `text[start, start + length)` folds to (ASCII, already cut) is wanted. */
  wantsAsciiRange(text: string, start: number, length: number): boolean {
    for (let i = 0; i < this.exact.length; i++) if (sameAsciiFolded(this.exact[i], text, start, length)) return true;
    for (let i = 0; i < this.prefixes.length; i++) if (asciiFoldedStartsWith(text, start, length, this.prefixes[i])) return true;
    return false;
  }
}

/** Where each positive clause of the query occurs in `text`, in original-text offsets. */
export function findMatches(text: string, clauses: readonly QueryClause[]): Span[] {
  const terms: string[] = [];
  const positions: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const kinds: TokenKind[] = [];
  // Only the tokens of query terms are kept: a page of hits tokenises every hit's text.
  const filter = new TermFilter(clauses);
  const keep: TokenSink = (term, position, start, end, kind) => {
    terms.push(term);
    positions.push(position);
    starts.push(start);
    ends.push(end);
    kinds.push(kind);
  };
  tokenize(text, {
    term: (term, position, start, end, kind) => {
      if (filter.wants(term)) keep(term, position, start, end, kind);
    },
    ascii: (source, start, end, _hasUpper, position, kind) => {
      const length = Math.min(end - start, maxTermLength);
      if (filter.wantsAsciiRange(source, start, length)) keep(foldAsciiRange(source, start, length), position, start, end, kind);
    },
  });
  // Tokens by position, for phrase checks.
  const atPosition = new Map<number, number[]>();
  positions.forEach((p, i) => {
    const list = atPosition.get(p);
    if (list) list.push(i);
    else atPosition.set(p, [i]);
  });
  const spans: Span[] = [];
  clauses.forEach((clause, c) => {
    if (clause.negated) return;
    const last = clause.terms.length - 1;
    const first = clause.terms[0];
    for (let i = 0; i < terms.length; i++) {
      if (!termMatches(terms[i], first.term, clause.prefix && last === 0)) continue;
      if (last === 0) {
        spans.push({ start: starts[i], end: ends[i], clause: c });
        continue;
      }
      if (kinds[i] === TokenKind.WholeIdentifier) continue;
      let end = ends[i];
      let ok = true;
      for (let k = 1; k <= last && ok; k++) {
        const want = clause.terms[k];
        const candidates = atPosition.get(positions[i] + want.offset - first.offset) ?? [];
        const hit = candidates.find((t) => kinds[t] !== TokenKind.WholeIdentifier && termMatches(terms[t], want.term, clause.prefix && k === last));
        if (hit === undefined) ok = false;
        else end = Math.max(end, ends[hit]);
      }
      if (ok) spans.push({ start: starts[i], end, clause: c });
    }
  });
  return spans.sort((x, y) => x.start - y.start || y.end - x.end);
}

function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x2028 || code === 0x2029;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The span around which the snippet is centred: the one with most distinct clauses nearby. */
function bestSpan(spans: Span[], width: number): Span {
  let best = spans[0];
  let bestScore = -1;
  for (const span of spans) {
    const seen = new Set<number>();
    for (const other of spans) if (Math.abs(other.start - span.start) <= width / 2) seen.add(other.clause);
    if (seen.size > bestScore) {
      best = span;
      bestScore = seen.size;
    }
  }
  return best;
}

/**
 * About `width` characters of `text` centred on the best match, with whitespace runs collapsed,
 * `…` where text was left out, and every match inside it highlighted.
 */
export function makeSnippet(text: string, clauses: readonly QueryClause[], width = snippetWidth): Snippet {
  const spans = findMatches(text, clauses);
  let from = 0;
  let to = Math.min(text.length, width);
  if (spans.length > 0) {
    const centre = bestSpan(spans, width);
    const middle = Math.floor((centre.start + centre.end) / 2);
    from = Math.max(0, middle - Math.floor(width / 2));
    to = Math.min(text.length, from + width);
    from = Math.max(0, Math.min(from, to - width));
    // Start and end on word boundaries when one is near, without cutting the match off.
    for (let k = from; from > 0 && k < Math.min(centre.start, from + 20); k++) {
      if (isSpace(text.charCodeAt(k))) {
        from = k + 1;
        break;
      }
    }
    for (let k = to; to < text.length && k > Math.max(centre.end, to - 20); k--) {
      if (isSpace(text.charCodeAt(k - 1))) {
        to = k - 1;
        break;
      }
    }
  }
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to--;

  // Build the snippet and a map from original offsets to snippet offsets.
  let out = from > 0 ? ellipsis : '';
  const mapped = new Int32Array(to - from + 1);
  let inSpace = false;
  for (let k = from; k < to; k++) {
    const code = text.charCodeAt(k);
    mapped[k - from] = out.length;
    if (isSpace(code)) {
      if (!inSpace && out.length > 0 && out !== ellipsis) out += ' ';
      inSpace = true;
    } else {
      out += text[k];
      inSpace = false;
    }
  }
  mapped[to - from] = out.length;
  const body = out.replace(/ $/, '');
  out = to < text.length ? body + ellipsis : body;

  const highlights: [number, number][] = [];
  for (const span of spans) {
    if (span.start < from || span.end > to) continue;
    const start = mapped[span.start - from];
    const end = Math.min(mapped[span.end - from], body.length);
    if (end <= start) continue;
    const previous = highlights[highlights.length - 1];
    if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
    else highlights.push([start, end]);
  }
  return { text: out, highlights };
}
