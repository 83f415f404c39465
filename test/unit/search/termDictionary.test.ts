import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FileDictionary, MemoryDictionary, PositionedFile, encodeDictionary, termsPerBlock } from '../../../src/core/search/termDictionary';

/** A dictionary of `count` sorted terms (ASCII, CJK, astral) with made-up but consistent bounds. */
function memoryDictionary(count: number): MemoryDictionary {
  const words = new Set<string>();
  for (let i = 0; words.size < count; i++) {
    const kind = i % 5;
    words.add(kind === 0 ? `w${i.toString(36)}` : kind === 1 ? `数据${i}` : kind === 2 ? `id_${(i * 7919).toString(16)}` : kind === 3 ? `🙂${i}` : `term${i}x`);
  }
  const terms = [...words].sort();
  const termEnds = new Uint32Array(count);
  const docCounts = new Uint32Array(count);
  const postingEnds = new Uint32Array(count);
  const sessionEnds = new Uint32Array(count);
  const termBlocks = new Uint32Array(count + 1);
  let chars = 0;
  let postings = 0;
  let sessions = 0;
  let blocks = 0;
  terms.forEach((t, i) => {
    termEnds[i] = chars += t.length;
    docCounts[i] = 1 + ((i * 31) % 400);
    postingEnds[i] = postings += docCounts[i] * 3;
    sessionEnds[i] = sessions += docCounts[i] > 128 ? 6 : 0;
    termBlocks[i + 1] = blocks += docCounts[i] > 128 ? Math.ceil(docCounts[i] / 128) : 0;
  });
  return new MemoryDictionary({ terms: terms.join(''), termEnds, docCounts, postingEnds, sessionEnds, termBlocks });
}

function onDisk(dictionary: MemoryDictionary): { file: FileDictionary; close: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-dict-'));
  const { index, blocks } = encodeDictionary(dictionary);
  // A few bytes before the dictionary, as in a segment file: offsets are absolute.
  const lead = Buffer.from('0123456');
  const file = path.join(dir, 'dict.bin');
  fs.writeFileSync(file, Buffer.concat([lead, index, blocks]));
  const reader = new PositionedFile(fs.openSync(file, 'r'), file);
  const loaded = new FileDictionary(reader, { termCount: dictionary.termCount, indexAt: lead.length, indexBytes: index.length, blocksBytes: blocks.length });
  return {
    file: loaded,
    close: () => {
      reader.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('term dictionary on disk', () => {
  for (const count of [1, termsPerBlock - 1, termsPerBlock, termsPerBlock + 1, 1000]) {
    it(`reads back every term and number of a ${count}-term dictionary`, () => {
      const memory = memoryDictionary(count);
      const { file, close } = onDisk(memory);
      try {
        assert.equal(file.termCount, count);
        for (let i = 0; i < count; i++) {
          assert.equal(file.term(i), memory.term(i));
          assert.equal(file.docCount(i), memory.docCount(i));
          assert.equal(file.postingStart(i), memory.postingStart(i));
          assert.equal(file.postingEnd(i), memory.postingEnd(i));
          assert.equal(file.sessionStart(i), memory.sessionStart(i));
          assert.equal(file.sessionEnd(i), memory.sessionEnd(i));
          assert.equal(file.firstBlock(i), memory.firstBlock(i));
          assert.equal(file.endBlock(i), memory.endBlock(i));
        }
      } finally {
        close();
      }
    });
  }

  it('finds the same lower bound as the in-memory dictionary for terms, gaps and the ends', () => {
    const memory = memoryDictionary(1000);
    const { file, close } = onDisk(memory);
    try {
      const keys = ['', '\u0000', '\uffff', '🙂', '数', '数据9', 'w', 'term', 'zzz'];
      for (let i = 0; i < memory.termCount; i++) {
        const t = memory.term(i);
        keys.push(t, `${t}\u0000`, t.slice(0, -1));
      }
      for (const key of keys) assert.equal(file.lowerBound(key), memory.lowerBound(key), `lower bound of ${JSON.stringify(key)}`);
    } finally {
      close();
    }
  });

  it('holds only the block index in memory', () => {
    const memory = memoryDictionary(5000);
    const { file, close } = onDisk(memory);
    try {
      assert.ok(file.memoryBytes * 20 < memory.memoryBytes, `${file.memoryBytes} bytes in memory on disk, ${memory.memoryBytes} all in memory`);
    } finally {
      close();
    }
  });
});
