import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TermTable } from '../../../src/core/search/termTable';
import { maxTermLength, tokenize, TokenKind, type RangeTokenSink } from '../../../src/core/search/tokenizer';

describe('TermTable', () => {
  it('gives a term one id whether it comes as a string or as a range of ASCII text', () => {
    const table = new TermTable();
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}x${(i * 7919) % 1000}`);
    const ids = words.map((w) => table.idOf(w));
    assert.deepEqual(ids, words.map((_, i) => i), 'dense ids in order of first sight, across growth');
    const text = ` ${words.map((w) => w.toUpperCase()).join(' ')} `;
    let at = 1;
    for (const [i, w] of words.entries()) {
      assert.equal(table.idOfAsciiRange(text, at, at + w.length), i, w);
      at += w.length + 1;
    }
    assert.equal(table.size, words.length, 'no term was added twice');
    assert.deepEqual(table.list.slice(0, 3), words.slice(0, 3));
  });

  it('cuts a long range like any term, and makes new terms as strings of their own', () => {
    const table = new TermTable();
    const long = 'Ab'.repeat(50);
    const id = table.idOfAsciiRange(`(${long})`, 1, 1 + long.length);
    assert.equal(table.list[id], long.toLowerCase().slice(0, maxTermLength));
    assert.equal(table.idOf(long.toLowerCase().slice(0, maxTermLength)), id);
    assert.equal(table.idOfAsciiRange(long, 0, maxTermLength + 3), id, 'anything past the cut is not part of the term');
  });

  it('starts again empty after clear', () => {
    const table = new TermTable();
    for (let i = 0; i < 5000; i++) table.idOf(`t${i}`);
    table.clear();
    assert.equal(table.size, 0);
    assert.equal(table.idOf('t4999'), 0);
    assert.equal(table.idOfAsciiRange('T1', 0, 2), 1);
  });

  it('reaches the same terms as the string tokenizer on mixed text', () => {
    const text = 'HTTPServer parses utf8 and v2beta1 in snake_case_name, path/to/file.ts; naïve Café 数据库 😀 ' + 'x'.repeat(80) + ' getHTTPResponseCode';
    const viaStrings: string[] = [];
    tokenize(text, (term, position, _s, _e, kind) => viaStrings.push(`${term}@${position}:${kind}`));
    const table = new TermTable();
    const viaRanges: string[] = [];
    const sink: RangeTokenSink = {
      ascii: (t, start, end, _upper, position, kind) => viaRanges.push(`${table.list[table.idOfAsciiRange(t, start, end)]}@${position}:${kind}`),
      term: (term, position, _s, _e, kind) => viaRanges.push(`${table.list[table.idOf(term)]}@${position}:${kind}`),
    };
    tokenize(text, sink);
    assert.deepEqual(viaRanges, viaStrings);
    assert.ok(viaStrings.includes(`httpserver@0:${TokenKind.WholeIdentifier}`));
  });
});
