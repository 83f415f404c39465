import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maxQueryLength, parseQuery, SearchQueryError } from '../../../src/core/search/queryParser';

describe('parseQuery', () => {
  it('reads words, phrases, prefixes and exclusions', () => {
    const { clauses } = parseQuery('auth* "Exact Phrase" -foo -"bad thing" -wip* bug');
    assert.deepEqual(
      clauses.map((c) => [c.kind, c.negated, c.prefix, c.terms.map((t) => t.term).join(' ')]),
      [
        ['prefix', false, true, 'auth'],
        ['phrase', false, false, 'exact phrase'],
        ['word', true, false, 'foo'],
        ['phrase', true, false, 'bad thing'],
        ['prefix', true, true, 'wip'],
        ['word', false, false, 'bug'],
      ],
    );
  });

  it('turns split identifiers into phrases of their parts', () => {
    const [clause] = parseQuery('snake_case_name').clauses;
    assert.equal(clause.kind, 'phrase');
    assert.deepEqual(
      clause.terms.map((t) => t.term),
      ['snake', 'case', 'name'],
    );
  });

  it('accepts an unclosed quote as a phrase to the end', () => {
    const [clause] = parseQuery('"open ended').clauses;
    assert.equal(clause.kind, 'phrase');
    assert.equal(clause.text, 'open ended');
  });

  it('keeps a hyphen inside a word as part of the word', () => {
    const [clause] = parseQuery('well-known').clauses;
    assert.equal(clause.negated, false);
    assert.deepEqual(
      clause.terms.map((t) => t.term),
      ['well', 'known'],
    );
  });

  it('gives no clauses for a blank query', () => {
    assert.deepEqual(parseQuery('').clauses, []);
    assert.deepEqual(parseQuery('  \t\n ').clauses, []);
  });

  for (const query of ['-foo', '"" *', '*', '-"x y"', '- -', '!!! ???']) {
    it(`refuses a query without words to find: ${JSON.stringify(query)}`, () => {
      assert.throws(
        () => parseQuery(query),
        (err: unknown) => err instanceof SearchQueryError && err.code === 'query_without_words' && err.message.length > 10,
      );
    });
  }

  it('refuses an over-long query and says the limit', () => {
    assert.throws(
      () => parseQuery('word '.repeat(2048)),
      (err: unknown) => err instanceof SearchQueryError && err.code === 'query_too_long' && err.message.includes(String(maxQueryLength)),
    );
  });

  it('refuses a query with too many terms', () => {
    assert.throws(
      () => parseQuery(Array.from({ length: 40 }, (_, i) => `w${i}x`).join(' ')),
      (err: unknown) => err instanceof SearchQueryError && err.code === 'query_too_complex',
    );
  });
});
