import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findMatches, makeSnippet } from '../../../src/core/search/snippet';
import { parseQuery } from '../../../src/core/search/queryParser';
import { tokenize } from '../../../src/core/search/tokenizer';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Case, camelCase, digits, a token past the term cut, non-ASCII letters and CJK.
const vocabulary = ['Theme', 'THEME', 'theme', 'themes', 'getThemeName', 'v2theme', 'the', 'them', `${'x'.repeat(70)}theme`, 'naïve', 'Naive', '汇总数据', 'snake_case_theme', 'path/to/theme.ts', 'über', '—', '🙂'];
const queries = ['theme', 'them*', 'x'.repeat(64), 'x'.repeat(66), 'THE', 'naive', 'naïve', '汇总', 'get theme', '"get theme"', 'case theme', 'x*', '-the theme', 'über', 'v2'];

/** Every token of `text` whose term is `term` (or starts with it), through the string sink. */
function tokensOf(text: string, term: string, prefix: boolean): string[] {
  const out: string[] = [];
  tokenize(text, (t, _position, start, end) => {
    if (prefix ? t.startsWith(term) : t === term) out.push(`${start}-${end}`);
  });
  return out;
}

describe('snippet matches', () => {
  it('find the tokens the string tokenizer gives for every single-term clause', () => {
    const next = random(11);
    for (let round = 0; round < 300; round++) {
      const words = Array.from({ length: 1 + Math.floor(next() * 40) }, () => vocabulary[Math.floor(next() * vocabulary.length)]);
      const text = words.join(next() < 0.5 ? ' ' : ', ');
      for (const query of queries) {
        const clauses = parseQuery(query).clauses;
        const spans = findMatches(text, clauses);
        clauses.forEach((clause, c) => {
          if (clause.negated || clause.terms.length !== 1) return;
          const found = spans.filter((s) => s.clause === c).map((s) => `${s.start}-${s.end}`).sort();
          assert.deepEqual(found, tokensOf(text, clause.terms[0].term, clause.prefix).sort(), `${query} in ${JSON.stringify(text)}`);
        });
      }
    }
  });

  it('highlight only what the query asked for, whatever its case', () => {
    const text = 'Set the THEME first; getThemeName() reads the theme. Themes come later.';
    const snippet = makeSnippet(text, parseQuery('theme').clauses);
    const marked = snippet.highlights.map(([s, e]) => snippet.text.slice(s, e));
    assert.deepEqual(marked, ['THEME', 'Theme', 'theme']);
    const prefixed = makeSnippet(text, parseQuery('them*').clauses);
    assert.deepEqual(prefixed.highlights.map(([s, e]) => prefixed.text.slice(s, e)), ['THEME', 'Theme', 'theme', 'Themes']);
  });
});
