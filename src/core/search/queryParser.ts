import { queryTerms, type QueryTerm } from './tokenizer';

/**
 * Query syntax: words are ANDed; `"exact phrase"`; `auth*` matches words starting with
 * `auth`; `-word` / `-"phrase"` / `-auth*` exclude. Case and diacritics never matter. A word
 * that the tokenizer splits (getUserById, snake_case, path/to/file.ts, CJK) is matched as the
 * phrase of its parts.
 */

/** Longer queries are refused: nobody types them, and each term costs a postings scan. */
export const maxQueryLength = 1000;
export const maxQueryTerms = 32;

export type SearchQueryErrorCode = 'query_too_long' | 'query_without_words' | 'query_too_complex';

/** A query the engine refuses, with a message meant for the person who typed it. */
export class SearchQueryError extends Error {
  constructor(readonly code: SearchQueryErrorCode, message: string) {
    super(message);
    this.name = 'SearchQueryError';
  }
}

export interface QueryClause {
  kind: 'word' | 'phrase' | 'prefix';
  /** The clause as typed, without quotes, `-` or `*`. */
  text: string;
  negated: boolean;
  /** Folded terms; `offset` is the position relative to the first term. */
  terms: QueryTerm[];
  /** The last term matches any indexed term that starts with it. */
  prefix: boolean;
}

export interface ParsedQuery {
  clauses: QueryClause[];
}

interface RawClause {
  text: string;
  quoted: boolean;
  negated: boolean;
  prefix: boolean;
}

function splitRaw(query: string): RawClause[] {
  const raw: RawClause[] = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    while (i < n && /\s/.test(query[i])) i++;
    if (i >= n) break;
    let negated = false;
    if (query[i] === '-' && i + 1 < n && !/\s/.test(query[i + 1])) {
      negated = true;
      i++;
    }
    if (query[i] === '"') {
      const close = query.indexOf('"', i + 1);
      const end = close === -1 ? n : close;
      let text = query.slice(i + 1, end).trim();
      let prefix = false;
      let after = close === -1 ? n : close + 1;
      // `"foo bar"*` and `"foo bar*"` both make the last word a prefix.
      if (query[after] === '*') {
        prefix = true;
        after++;
      }
      if (text.endsWith('*')) {
        prefix = true;
        text = text.replace(/\*+$/, '');
      }
      raw.push({ text, quoted: true, negated, prefix });
      i = after;
      continue;
    }
    let j = i;
    while (j < n && !/\s/.test(query[j]) && query[j] !== '"') j++;
    let text = query.slice(i, j);
    const prefix = text.endsWith('*');
    if (prefix) text = text.replace(/\*+$/, '');
    raw.push({ text, quoted: false, negated, prefix });
    i = j;
  }
  return raw;
}

/**
 * Parses a query. A blank query gives no clauses (an empty result, not an error); a query of
 * operators only (`-foo`, `"" *`, `*`) and an over-long one throw SearchQueryError.
 */
export function parseQuery(query: string): ParsedQuery {
  if (query.length > maxQueryLength) {
    throw new SearchQueryError('query_too_long', `The search query is ${query.length} characters long; the limit is ${maxQueryLength}.`);
  }
  if (query.trim() === '') return { clauses: [] };
  const clauses: QueryClause[] = [];
  let termCount = 0;
  for (const raw of splitRaw(query)) {
    const terms = queryTerms(raw.text);
    if (terms.length === 0) continue;
    termCount += terms.length;
    const kind = raw.quoted || terms.length > 1 ? 'phrase' : raw.prefix ? 'prefix' : 'word';
    clauses.push({ kind, text: raw.text, negated: raw.negated, terms, prefix: raw.prefix });
  }
  if (termCount > maxQueryTerms) {
    throw new SearchQueryError('query_too_complex', `The search query has ${termCount} search terms; the limit is ${maxQueryTerms}.`);
  }
  if (!clauses.some((c) => !c.negated)) {
    throw new SearchQueryError(
      'query_without_words',
      clauses.length > 0
        ? 'The search query only excludes words; add at least one word to find.'
        : 'The search query has no words to search for (only operators or punctuation).',
    );
  }
  return { clauses };
}
