import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenKind, queryTerms, tokenize } from '../../../src/core/search/tokenizer';

interface Tok {
  term: string;
  position: number;
  text: string;
  kind: TokenKind;
}

function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  tokenize(text, (term, position, start, end, kind) => out.push({ term, position, text: text.slice(start, end), kind }));
  return out;
}

const primary = (text: string): string[] => tokens(text).filter((t) => t.kind === TokenKind.Primary).map((t) => t.term);

describe('tokenize', () => {
  it('lowercases Latin words and skips punctuation', () => {
    assert.deepEqual(primary('Hello, World! It works.'), ['hello', 'world', 'it', 'works']);
  });

  it('folds diacritics and keeps the original text range', () => {
    const t = tokens('Crème brûlée à Zürich, straße');
    assert.deepEqual(
      t.map((x) => x.term),
      ['creme', 'brulee', 'a', 'zurich', 'strasse'],
    );
    assert.deepEqual(
      t.map((x) => x.text),
      ['Crème', 'brûlée', 'à', 'Zürich', 'straße'],
    );
  });

  it('treats combining marks as part of the letter before them', () => {
    const decomposed = 'cafe\u0301 ok';
    const t = tokens(decomposed);
    assert.equal(t[0].term, 'cafe');
    assert.equal(t[0].text, 'cafe\u0301');
    assert.equal(t[1].term, 'ok');
  });

  it('splits camelCase identifiers and also keeps the whole one', () => {
    const t = tokens('getUserById');
    assert.deepEqual(
      t.map((x) => [x.term, x.position, x.kind]),
      [
        ['getuserbyid', 0, TokenKind.WholeIdentifier],
        ['get', 0, TokenKind.Primary],
        ['user', 1, TokenKind.Primary],
        ['by', 2, TokenKind.Primary],
        ['id', 3, TokenKind.Primary],
      ],
    );
  });

  it('splits acronyms, digits, snake_case and paths into consecutive parts', () => {
    assert.deepEqual(primary('HTTPServer'), ['http', 'server']);
    assert.deepEqual(primary('utf8'), ['utf', '8']);
    assert.deepEqual(primary('snake_case_name'), ['snake', 'case', 'name']);
    assert.deepEqual(primary('src/path/to/file.ts'), ['src', 'path', 'to', 'file', 'ts']);
    assert.deepEqual(
      tokens('a/b.ts').map((x) => x.position),
      [0, 1, 2],
    );
  });

  it('keeps hashes and long random runs whole', () => {
    assert.deepEqual(primary('3f2a9c01ab77'), ['3f2a9c01ab77']);
    const blob = 'aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IHN0cmluZw';
    assert.equal(primary(blob).length, 1);
  });

  it('indexes CJK as unigrams plus overlapping bigrams', () => {
    const t = tokens('東京都');
    assert.deepEqual(
      t.filter((x) => x.kind === TokenKind.Primary).map((x) => [x.term, x.position]),
      [
        ['東京', 0],
        ['京都', 1],
      ],
    );
    assert.deepEqual(
      t.filter((x) => x.kind === TokenKind.CjkUnigram).map((x) => x.term),
      ['東', '京', '都'],
    );
    assert.deepEqual(primary('한국어 テスト'), ['한국', '국어', 'テス', 'スト']);
    assert.deepEqual(primary('字'), ['字']);
  });

  it('separates CJK from Latin text next to it', () => {
    assert.deepEqual(primary('用React写'), ['用', 'react', '写']);
  });

  it('makes each emoji a token and ignores modifiers and joiners', () => {
    const t = tokens('ship it 🚀🎉 👍🏽 done');
    assert.deepEqual(
      t.map((x) => x.term),
      ['ship', 'it', '🚀', '🎉', '👍', 'done'],
    );
    assert.equal(t[2].text, '🚀');
  });

  it('returns the number of positions used', () => {
    assert.equal(
      tokenize('getUserById and 東京', () => undefined),
      4 + 1 + 2,
    );
  });
});

describe('queryTerms', () => {
  it('gives phrase offsets consistent with the index positions', () => {
    assert.deepEqual(queryTerms('getUserById'), [
      { term: 'get', offset: 0 },
      { term: 'user', offset: 1 },
      { term: 'by', offset: 2 },
      { term: 'id', offset: 3 },
    ]);
    assert.deepEqual(queryTerms('東京都'), [
      { term: '東京', offset: 0 },
      { term: '京都', offset: 1 },
    ]);
    assert.deepEqual(queryTerms('Ünïcödé'), [{ term: 'unicode', offset: 0 }]);
  });
});
