import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SegmentBuilder, mergeSegments, type DocFacts, type Segment } from '../../../src/core/search/segment';
import { SegmentFileWriter, openSegmentFile, writeSegmentFile } from '../../../src/core/search/segmentFile';
import { TokenKind } from '../../../src/core/search/tokenizer';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Adds an ASCII term to a builder, every other time as a range of a text (in upper case, as
 * the tokenizer hands over a run it folds) and otherwise as a string: both must reach one id.
 */
let via = 0;
function addTerm(builder: SegmentBuilder, term: string, position: number): void {
  if (via++ % 2 === 0) builder.tokens.term(term, position, 0, term.length, TokenKind.Primary);
  else builder.tokens.ascii(`  ${term.toUpperCase()} `, 2, 2 + term.length, true, position, TokenKind.Primary);
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
      addTerm(builder, `t${Math.floor(next() ** 3 * 500)}`, position);
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

/** Documents `from`..`from + docs - 1`, each many occurrences of a few hundred terms. */
function bigSegment(from: number, docs: number, facts: DocFacts, seed: number, output?: SegmentFileWriter): Segment {
  return bigBuilder(from, docs, facts, seed).build(facts, output);
}

function bigBuilder(from: number, docs: number, facts: DocFacts, seed: number): SegmentBuilder {
  const next = random(seed);
  const builder = new SegmentBuilder();
  for (let doc = from; doc < from + docs; doc++) {
    builder.beginDoc(doc);
    for (let position = 0; position < facts.length[doc]; position++) addTerm(builder, `w${Math.floor(next() ** 2 * 300)}`, position);
  }
  return builder;
}

/** 4,000 documents of 600–1,600 tokens, eight to a session: inputs of several MB each. */
function bigFacts(): DocFacts {
  const docs = 4_000;
  const length = new Uint32Array(docs).map((_, i) => 600 + (i % 1000));
  return { session: new Uint32Array(docs).map((_, i) => i >> 3), length, averageLength: 1100 };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-merge-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('segment merges', () => {
  it('read file-backed inputs larger than their read window as they read in-memory ones', (t) => {
    // A merge reads each file-backed input through one buffer that moves along it; inputs of
    // several MB make it move many times, with lists that straddle its edges.
    const dir = tempDir(t);
    const facts = bigFacts();
    const a = bigSegment(0, 2_000, facts, 3);
    const b = bigSegment(2_000, 2_000, facts, 5);
    assert.ok(a.source.byteLength > 4 * 1024 * 1024, `input of ${a.source.byteLength} bytes outgrows the window`);
    const dropEveryFifth = (doc: number): number => (doc % 5 === 1 ? -1 : doc);
    const inMemory = describeSegment(mergeSegments([a, b], dropEveryFifth, facts));
    const fromFiles = mergeSegments([writeSegmentFile(dir, a), writeSegmentFile(dir, b)], dropEveryFifth, facts);
    assert.deepEqual(describeSegment(fromFiles), inMemory);
  });

  it('streamed into their files as they are made, write what they write in memory', (t) => {
    const dir = tempDir(t);
    const facts = bigFacts();
    const a = bigSegment(0, 2_000, facts, 3);
    const b = bigSegment(2_000, 2_000, facts, 5);
    const streamedA = bigSegment(0, 2_000, facts, 3, new SegmentFileWriter(dir));
    const streamedB = bigSegment(2_000, 2_000, facts, 5, new SegmentFileWriter(dir));
    assert.ok(streamedA.file && streamedB.file, 'the streamed builds are files');
    assert.deepEqual(describeSegment(streamedA), describeSegment(a));
    assert.deepEqual(describeSegment(streamedB), describeSegment(b));
    // A merge that drops documents (removed sessions), and a rewrite that renumbers them
    // (compaction): postings copied as they are, and postings written anew.
    const dropEveryFifth = (doc: number): number => (doc % 5 === 1 ? -1 : doc);
    const merged = mergeSegments([streamedA, streamedB], dropEveryFifth, facts, new SegmentFileWriter(dir));
    assert.deepEqual(describeSegment(merged), describeSegment(mergeSegments([a, b], dropEveryFifth, facts)));
    const renumber = (doc: number): number => (doc % 3 === 0 ? -1 : doc - Math.floor(doc / 3) - 1);
    const rewritten = mergeSegments([merged], renumber, facts, new SegmentFileWriter(dir));
    assert.deepEqual(describeSegment(rewritten), describeSegment(mergeSegments([mergeSegments([a, b], dropEveryFifth, facts)], renumber, facts)));
    // Opened again from its file, as a restart does.
    const reopened = openSegmentFile(rewritten.file as string);
    assert.deepEqual(describeSegment(reopened), describeSegment(rewritten));
    assert.equal(reopened.minDoc, rewritten.minDoc);
    assert.equal(reopened.maxDoc, rewritten.maxDoc);
    for (const s of [streamedA, streamedB, merged, rewritten, reopened]) s.source.close();
  });

  it('leave no file behind when they fail part-way', (t) => {
    const inputs = tempDir(t);
    const out = tempDir(t);
    const facts = bigFacts();
    const a = bigSegment(0, 2_000, facts, 3, new SegmentFileWriter(inputs));
    const b = bigSegment(2_000, 2_000, facts, 5, new SegmentFileWriter(inputs));
    let seen = 0;
    const failing = (doc: number): number => {
      if (++seen === 500_000) throw new Error('the disk went away');
      return doc;
    };
    let written = 0;
    const output = new SegmentFileWriter(out);
    const write = output.write.bind(output);
    output.write = (bytes) => {
      written += bytes.length;
      write(bytes);
    };
    assert.throws(() => mergeSegments([a, b], failing, facts, output), /the disk went away/);
    assert.ok(written > 0, 'the merge failed part-way, after writing some of its output');
    assert.deepEqual(fs.readdirSync(out), []);
    a.source.close();
    b.source.close();
  });

  it('of several inputs at once write what merging them two at a time writes', () => {
    const facts = bigFacts();
    const parts = [0, 1, 2, 3].map((k) => bigSegment(k * 1_000, 1_000, facts, 7 + k));
    const dropSome = (doc: number): number => (doc % 7 === 3 ? -1 : doc);
    let pairwise = parts[0];
    for (const next of parts.slice(1)) pairwise = mergeSegments([pairwise, next], dropSome, facts);
    assert.deepEqual(describeSegment(mergeSegments(parts, dropSome, facts)), describeSegment(pairwise));
  });

  it('that fail part-way keep what was pending for the next build', (t) => {
    const dir = tempDir(t);
    const facts = bigFacts();
    const builder = bigBuilder(0, 2_000, facts, 3);
    let writes = 0;
    const output = new SegmentFileWriter(dir);
    const write = output.write.bind(output);
    output.write = (bytes) => {
      // The disk fills up once part of the segment is written.
      if (++writes === 3) throw new Error('ENOSPC: no space left on device');
      write(bytes);
    };
    assert.throws(() => builder.build(facts, output), /no space left/);
    assert.deepEqual(fs.readdirSync(dir), [], 'no file left behind');
    assert.deepEqual(describeSegment(builder.build(facts)), describeSegment(bigSegment(0, 2_000, facts, 3)));
  });
});
