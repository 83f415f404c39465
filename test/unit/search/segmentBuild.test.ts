import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentBuilder, type Segment } from '../../../src/core/search/segment';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The same documents built by builders that regroup different numbers of occurrences per
 * pass. Terms are Zipf-like: `t0` alone outnumbers the smaller passes, and some documents
 * repeat a position (two tokens at one place), which a posting counts once.
 */
function buildWith(regroup: number | undefined): Segment {
  const next = random(11);
  const builder = new SegmentBuilder(regroup);
  const docs = 300;
  const length = new Uint32Array(docs);
  const session = new Uint32Array(docs);
  let tokens = 0;
  for (let doc = 0; doc < docs; doc++) {
    builder.beginDoc(doc);
    session[doc] = doc % 7;
    const count = Math.floor(next() * 40);
    let position = 0;
    for (let k = 0; k < count; k++) {
      builder.addToken(`t${Math.floor(next() ** 3 * 500)}`, position);
      if (next() > 0.1) position++;
    }
    length[doc] = count;
    tokens += count;
  }
  return builder.build({ session, length, averageLength: Math.max(1, tokens / docs) });
}

function describeSegment(segment: Segment) {
  const terms = Array.from({ length: segment.termCount }, (_, i) => [segment.term(i), segment.docCount(i)] as const);
  return {
    terms,
    bytes: Buffer.from(segment.source.read(0, segment.source.byteLength)).toString('base64'),
    blockLastDoc: [...segment.blockLastDoc],
    blockEnd: [...segment.blockEnd],
    blockMinNorm: [...segment.blockMinNorm],
    postingBytes: segment.postingBytes,
  };
}

describe('segment builds', () => {
  it('write the same segment however many occurrences each regrouping pass takes', () => {
    const whole = describeSegment(buildWith(undefined));
    assert.ok(whole.terms.length > 100 && whole.blockLastDoc.length > 0, 'enough terms, and lists long enough for block tables');
    for (const regroup of [1, 7, 64, 1000]) assert.deepEqual(describeSegment(buildWith(regroup)), whole, `regrouping ${regroup} at a time`);
  });
});
