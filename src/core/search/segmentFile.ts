import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileSource, Segment, type PostingBlocks, type SegmentOutput, type SegmentParts } from './segment';
import { FileDictionary, PositionedFile, encodeDictionary } from './termDictionary';

/*
 * One segment per file, written once and never changed: `search-seg-<id>.bin`, laid out as
 *   8-byte magic, u32 format version, 4 bytes reserved; the posting bytes (read on demand);
 *   the posting block tables (loaded into typed arrays); the dictionary's block index (loaded)
 *   and its blocks (read on demand); the header JSON; u32 header length and an 8-byte end mark.
 * The postings come first so that a build or merge streams them straight into the file
 * (SegmentFileWriter) and never holds a whole segment in memory; what describes them follows.
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
 * 5: the postings first and the header last, so they are written as they are made.
 */
const formatVersion = 5;
export const segmentFilePrefix = 'search-seg-';
const prefixBytes = 16;
/** The u32 header length and the end mark. */
const trailerBytes = 4 + endMark.length;

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
 * Writes one new segment file in `dir` as its postings are made: a SegmentOutput for a build
 * or merge (segment.ts). Synchronous: it runs inside the search worker, between documents.
 */
export class SegmentFileWriter implements SegmentOutput {
  private readonly file: string;
  private readonly temp: string;
  private fd: number | undefined;
  private sourceBytes = 0;

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    const name = `${segmentFilePrefix}${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.bin`;
    this.file = path.resolve(dir, name);
    this.temp = path.resolve(dir, `.${name}.tmp`);
    this.fd = fs.openSync(this.temp, 'wx', 0o644);
    const prefix = Buffer.alloc(prefixBytes);
    magic.copy(prefix, 0);
    prefix.writeUInt32LE(formatVersion, 8);
    this.append(prefix);
  }

  write(bytes: Uint8Array): void {
    this.append(bytes);
    this.sourceBytes += bytes.length;
  }

  finish(parts: SegmentParts): Segment {
    try {
      const dictionary = encodeDictionary(parts.dictionary);
      const header: SegmentHeader = {
        endianness: os.endianness(),
        minDoc: parts.minDoc,
        maxDoc: parts.maxDoc,
        referenceLength: parts.referenceLength,
        postingBytes: parts.postingBytes,
        sourceBytes: this.sourceBytes,
        termCount: parts.dictionary.termCount,
        blockCount: parts.blocks.blockLastDoc.length,
        dictionaryIndexBytes: dictionary.index.length,
        dictionaryBytes: dictionary.blocks.length,
      };
      for (const key of blockKeys) {
        const table = parts.blocks[key];
        this.append(new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
      }
      this.append(dictionary.index);
      this.append(dictionary.blocks);
      const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
      this.append(headerBytes);
      const trailer = Buffer.alloc(trailerBytes);
      trailer.writeUInt32LE(headerBytes.length, 0);
      endMark.copy(trailer, 4);
      this.append(trailer);
      const fd = this.fd as number;
      fs.fsyncSync(fd);
      this.fd = undefined;
      fs.closeSync(fd);
      fs.renameSync(this.temp, this.file);
      const reader = new PositionedFile(fs.openSync(this.file, 'r'), this.file);
      return fromFile(reader, header, sectionsOf(header), parts.blocks, this.file);
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  abort(): void {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      fs.closeSync(fd);
    }
    fs.rmSync(this.temp, { force: true });
  }

  private append(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error('search segment file is already closed');
    writeAll(this.fd, bytes);
  }
}

/**
 * Writes `segment` (in memory, or a file elsewhere) to a new file in `dir` and returns the
 * same segment reading its postings from that file.
 */
export function writeSegmentFile(dir: string, segment: Segment): Segment {
  const writer = new SegmentFileWriter(dir);
  try {
    // In slices: a file-backed source (a segment copied from another folder) is never read whole.
    const chunk = 8 * 1024 * 1024;
    for (let at = 0; at < segment.source.byteLength; at += chunk) writer.write(segment.source.read(at, Math.min(segment.source.byteLength, at + chunk)));
  } catch (err) {
    writer.abort();
    throw err;
  }
  return writer.finish(segment.parts);
}

/** File offsets of a segment file's sections. */
function sectionsOf(header: SegmentHeader) {
  const sourceAt = prefixBytes;
  const blocksAt = sourceAt + header.sourceBytes;
  const indexAt = blocksAt + blockKeys.length * header.blockCount * 4;
  const headerAt = indexAt + header.dictionaryIndexBytes + header.dictionaryBytes;
  return { sourceAt, blocksAt, indexAt, headerAt };
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
    if (size < prefixBytes + trailerBytes) throw new Error('search segment file is truncated');
    const prefix = Buffer.alloc(prefixBytes);
    readExactly(fd, prefix, 0);
    if (!prefix.subarray(0, 8).equals(magic) || prefix.readUInt32LE(8) !== formatVersion) throw new Error('not a search segment of this version');
    const trailer = Buffer.alloc(trailerBytes);
    readExactly(fd, trailer, size - trailerBytes);
    if (!trailer.subarray(4).equals(endMark)) throw new Error('search segment file is incomplete');
    const headerLength = trailer.readUInt32LE(0);
    const headerAt = size - trailerBytes - headerLength;
    if (headerAt < prefixBytes) throw new Error('search segment file is truncated');
    const headerBytes = Buffer.alloc(headerLength);
    readExactly(fd, headerBytes, headerAt);
    const header = JSON.parse(headerBytes.toString('utf8')) as SegmentHeader;
    if (header.endianness !== os.endianness()) throw new Error('search segment written on another byte order');
    if (!(header.referenceLength >= 1)) throw new Error('search segment header has no reference length');
    const layout = sectionsOf(header);
    if (layout.headerAt !== headerAt) throw new Error('search segment file has the wrong size');
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
