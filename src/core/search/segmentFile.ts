import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileSource, Segment, type PostingBlocks } from './segment';
import { FileDictionary, PositionedFile, encodeDictionary } from './termDictionary';

/*
 * One segment per file, written once and never changed: `search-seg-<id>.bin`, laid out as
 *   8-byte magic, u32 format version, u32 header length, header JSON, the posting block tables
 *   (loaded into typed arrays), the dictionary's block index (loaded), the dictionary's blocks
 *   and the posting bytes (both left on disk, read on demand), and an 8-byte end mark.
 * A file is written under a temp name, flushed and renamed, so a named segment is whole; the
 * end mark and the sizes in the header catch one damaged afterwards. Which segments make up
 * the index is said by the manifest (indexFile.ts) alone: a segment file it does not name is
 * left over from an interrupted run and is deleted when the index is next loaded.
 */

const magic = Buffer.from('PSMSEG2\n', 'latin1');
const endMark = Buffer.from('PSMSEGOK', 'latin1');
/**
 * 3: the dictionary moved to disk, in blocks of 64 terms behind an in-memory index.
 * 4: posting blocks keep their least BM25 norm instead of their highest tf and shortest
 *    document (bounds tight enough to skip blocks of common words).
 */
const formatVersion = 4;
export const segmentFilePrefix = 'search-seg-';

/** The block tables in file order, 4 bytes per block each. */
const blockKeys = ['blockLastDoc', 'blockEnd', 'blockMinNorm'] as const satisfies readonly (keyof PostingBlocks)[];

interface SegmentHeader {
  endianness: 'LE' | 'BE';
  minDoc: number;
  maxDoc: number;
  referenceLength: number;
  postingBytes: number;
  /** Posting bytes including the session postings. */
  sourceBytes: number;
  termCount: number;
  /** Posting blocks (entries of each block table). */
  blockCount: number;
  dictionaryIndexBytes: number;
  dictionaryBytes: number;
}

export function isSegmentFileName(name: string): boolean {
  return name.startsWith(segmentFilePrefix) && name.endsWith('.bin');
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Writes `segment` to a new file in `dir` and returns the same segment reading its postings
 * from that file (the in-memory bytes can then be dropped). Synchronous: it runs inside the
 * search worker, between documents.
 */
export function writeSegmentFile(dir: string, segment: Segment): Segment {
  fs.mkdirSync(dir, { recursive: true });
  const name = `${segmentFilePrefix}${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.bin`;
  const file = path.resolve(dir, name);
  const temp = path.resolve(dir, `.${name}.tmp`);
  const dictionary = encodeDictionary(segment.dictionary);
  const header: SegmentHeader = {
    endianness: os.endianness(),
    minDoc: segment.minDoc,
    maxDoc: segment.maxDoc,
    referenceLength: segment.referenceLength,
    postingBytes: segment.postingBytes,
    sourceBytes: segment.source.byteLength,
    termCount: segment.termCount,
    blockCount: segment.blockLastDoc.length,
    dictionaryIndexBytes: dictionary.index.length,
    dictionaryBytes: dictionary.blocks.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(16);
  magic.copy(prefix, 0);
  prefix.writeUInt32LE(formatVersion, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  const layout = sectionsOf(headerBytes.length, header);
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    try {
      writeAll(fd, prefix);
      writeAll(fd, headerBytes);
      for (const key of blockKeys) {
        const table = segment[key];
        writeAll(fd, new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
      }
      writeAll(fd, dictionary.index);
      writeAll(fd, dictionary.blocks);
      // In slices: a file-backed source (a segment copied from another folder) is never read whole.
      const chunk = 8 * 1024 * 1024;
      for (let at = 0; at < segment.source.byteLength; at += chunk) writeAll(fd, segment.source.read(at, Math.min(segment.source.byteLength, at + chunk)));
      writeAll(fd, endMark);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  const reader = new PositionedFile(fs.openSync(file, 'r'), file);
  const blocks: PostingBlocks = { blockLastDoc: segment.blockLastDoc, blockEnd: segment.blockEnd, blockMinNorm: segment.blockMinNorm };
  return fromFile(reader, header, layout, blocks, file);
}

/** File offsets of a segment file's sections. */
function sectionsOf(headerLength: number, header: SegmentHeader) {
  const blocksAt = 16 + headerLength;
  const indexAt = blocksAt + blockKeys.length * header.blockCount * 4;
  const sourceAt = indexAt + header.dictionaryIndexBytes + header.dictionaryBytes;
  return { blocksAt, indexAt, sourceAt, end: sourceAt + header.sourceBytes + endMark.length };
}

function fromFile(reader: PositionedFile, header: SegmentHeader, layout: ReturnType<typeof sectionsOf>, blocks: PostingBlocks, file: string): Segment {
  const dictionary = new FileDictionary(reader, {
    termCount: header.termCount,
    indexAt: layout.indexAt,
    indexBytes: header.dictionaryIndexBytes,
    blocksBytes: header.dictionaryBytes,
  });
  return new Segment(
    { dictionary, blocks, minDoc: header.minDoc, maxDoc: header.maxDoc, referenceLength: header.referenceLength, postingBytes: header.postingBytes },
    new FileSource(reader, layout.sourceAt, header.sourceBytes),
    file,
  );
}

function readExactly(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const n = fs.readSync(fd, target, done, target.length - done, position + done);
    if (n === 0) throw new Error('search segment file is truncated');
    done += n;
  }
}

/**
 * Opens a segment file: tables into memory, postings left on disk. Throws when the file is
 * missing, of another format or damaged.
 */
export function openSegmentFile(file: string): Segment {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size < 16 + endMark.length) throw new Error('search segment file is truncated');
    const prefix = Buffer.alloc(16);
    readExactly(fd, prefix, 0);
    if (!prefix.subarray(0, 8).equals(magic) || prefix.readUInt32LE(8) !== formatVersion) throw new Error('not a search segment of this version');
    const headerLength = prefix.readUInt32LE(12);
    if (16 + headerLength > size) throw new Error('search segment file is truncated');
    const headerBytes = Buffer.alloc(headerLength);
    readExactly(fd, headerBytes, 16);
    const header = JSON.parse(headerBytes.toString('utf8')) as SegmentHeader;
    if (header.endianness !== os.endianness()) throw new Error('search segment written on another byte order');
    if (!(header.referenceLength >= 1)) throw new Error('search segment header has no reference length');
    const layout = sectionsOf(headerLength, header);
    if (layout.end !== size) throw new Error('search segment file has the wrong size');
    const mark = Buffer.alloc(endMark.length);
    readExactly(fd, mark, size - endMark.length);
    if (!mark.equals(endMark)) throw new Error('search segment file is incomplete');
    let at = layout.blocksAt;
    const next = <T extends Uint32Array | Float32Array>(table: T): T => {
      readExactly(fd, new Uint8Array(table.buffer), at);
      at += table.byteLength;
      return table;
    };
    // In blockKeys order.
    const tables: PostingBlocks = {
      blockLastDoc: next(new Uint32Array(header.blockCount)),
      blockEnd: next(new Uint32Array(header.blockCount)),
      blockMinNorm: next(new Float32Array(header.blockCount)),
    };
    return fromFile(new PositionedFile(fd, file), header, layout, tables, file);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}
