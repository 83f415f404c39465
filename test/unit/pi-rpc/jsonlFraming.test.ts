import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { JsonlFramer } from '../../../src/core/pi/rpc/jsonlFraming';
import { classifyRpcLine } from '../../../src/core/pi/rpc/rpcProtocol';

const repoRoot = path.resolve(__dirname, '../../..');
const transcriptDir = path.resolve(repoRoot, '../shared/fixtures/pi-real/rpc-transcripts');
const transcripts = fs.existsSync(transcriptDir) ? fs.readdirSync(transcriptDir).filter((f) => f.endsWith('.txt')).sort() : [];

/** The raw bytes pi printed: the `<` lines of a capture, without their prefix. */
function stdoutLines(file: string): Buffer[] {
  const raw = fs.readFileSync(file);
  const out: Buffer[] = [];
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf(0x0a, start);
    if (end === -1) end = raw.length;
    const line = raw.subarray(start, end);
    const prefix = /^< \d+ms /.exec(line.subarray(0, 32).toString('latin1'));
    if (prefix) out.push(line.subarray(prefix[0].length));
    start = end + 1;
  }
  return out;
}

/** A small deterministic generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function frameInChunks(stream: Buffer, random: () => number, maxChunk: number): string[] {
  const framer = new JsonlFramer();
  const out: string[] = [];
  for (let i = 0; i < stream.length; ) {
    const size = 1 + Math.floor(random() * maxChunk);
    out.push(...framer.push(stream.subarray(i, i + size)));
    i += size;
  }
  out.push(...framer.end());
  return out;
}

describe('JsonlFramer', () => {
  it('splits on LF only, keeps U+2028/U+2029 inside lines, strips CR', () => {
    const framer = new JsonlFramer();
    const text = '{"a":"x\u2028y\u2029z"}\r\n{"b":1}\n{"c"';
    assert.deepEqual(framer.push(text), ['{"a":"x\u2028y\u2029z"}', '{"b":1}']);
    assert.deepEqual(framer.push(':2}\n'), ['{"c":2}']);
    assert.deepEqual(framer.end(), []);
  });

  it('decodes multi-byte characters split across chunks', () => {
    const bytes = Buffer.from('{"t":"中文 😀 \u2028"}\n', 'utf8');
    const framer = new JsonlFramer();
    const out: string[] = [];
    for (const byte of bytes) out.push(...framer.push(Buffer.from([byte])));
    assert.deepEqual(out, ['{"t":"中文 😀 \u2028"}']);
  });

  it('returns an unterminated last line at end of stream and drops over-long lines', () => {
    const framer = new JsonlFramer(10);
    assert.deepEqual(framer.push('{"x":"0123456789"}\nshort\nrest'), ['short']);
    assert.deepEqual(framer.end(), ['rest']);
  });

  for (const name of transcripts) {
    it(`replays ${name} at random chunk boundaries`, () => {
      const lines = stdoutLines(path.join(transcriptDir, name));
      assert.ok(lines.length > 10, 'the capture holds pi output');
      const stream = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
      const expected = lines.map((l) => l.toString('utf8'));
      const random = seeded(name.length * 7919);
      for (const maxChunk of [1, 7, 100, 4096, 65536]) {
        assert.deepEqual(frameInChunks(stream, random, maxChunk), expected, `chunks up to ${maxChunk} bytes`);
      }
      for (const line of expected) assert.notEqual(classifyRpcLine(line).kind, 'junk', 'every line pi printed is JSON');
    });
  }

  it('keeps raw line separators from the captures intact', (t) => {
    const withSeparators = transcripts
      .flatMap((name) => stdoutLines(path.join(transcriptDir, name)))
      .map((l) => l.toString('utf8'))
      .filter((l) => l.includes('\u2028') || l.includes('\u2029'));
    if (withSeparators.length === 0) {
      t.diagnostic('no capture with raw U+2028/U+2029 (fixtures absent); checked by the synthetic case above');
      return;
    }
    const stream = Buffer.from(withSeparators.map((l) => `${l}\n`).join(''), 'utf8');
    const out = frameInChunks(stream, seeded(42), 3);
    assert.deepEqual(out, withSeparators);
    for (const line of out) assert.doesNotThrow(() => JSON.parse(line));
  });
});
