import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SearchSessionMeta } from './types';

/**
 * The manifest of the search index on disk: `search-index.bin`, laid out as
 *   8-byte magic, u32 format version, u32 header length, header JSON, then raw typed-array
 *   blocks in the order the header lists them.
 * It holds the sessions and the per-document columns, and names the segment files
 * (segmentFile.ts) that hold the postings. Each block is read straight into its own typed
 * array. The file is written to a temp file, flushed and renamed: renaming it is what
 * commits a save, so the segments it names are always whole.
 */

export const searchIndexFileName = 'search-index.bin';
const magic = Buffer.from('PSMSRCH\n', 'latin1');
/**
 * 3: segments of format 4 (block norms). 4: segments of format 5 (postings first). An older
 * index is rebuilt whole rather than re-read session by session.
 */
export const searchIndexFormatVersion = 4;

export interface IndexFileData {
  /** Null marks a removed session whose documents are still in the postings. */
  sessions: (SearchSessionMeta | null)[];
  docs: {
    session: Uint32Array;
    role: Uint8Array;
    flags: Uint8Array;
    time: Float64Array;
    length: Uint32Array;
    sourceOffset: Float64Array;
    sourceLength: Uint32Array;
    text: Int32Array;
  };
  entryIds: { bytes: Uint8Array; ends: Uint32Array };
  texts: { bytes: Uint8Array; ends: Uint32Array };
  segments: SegmentRef[];
}

/** A segment file (name within the index folder) and the doc ids it covers. */
export interface SegmentRef {
  file: string;
  minDoc: number;
  maxDoc: number;
}

type BlockKind = 'u8' | 'u32' | 'i32' | 'f64';
type Block = Uint8Array | Uint32Array | Int32Array | Float64Array;

interface Header {
  endianness: 'LE' | 'BE';
  sessions: (SearchSessionMeta | null)[];
  blocks: { kind: BlockKind; count: number }[];
  segments: SegmentRef[];
}

function kindOf(block: Block): BlockKind {
  if (block instanceof Uint8Array) return 'u8';
  if (block instanceof Uint32Array) return 'u32';
  if (block instanceof Int32Array) return 'i32';
  return 'f64';
}

function allocate(kind: BlockKind, count: number): Block {
  switch (kind) {
    case 'u8':
      return new Uint8Array(count);
    case 'u32':
      return new Uint32Array(count);
    case 'i32':
      return new Int32Array(count);
    case 'f64':
      return new Float64Array(count);
  }
}

function blocksOf(data: IndexFileData): Block[] {
  const d = data.docs;
  const blocks: Block[] = [d.session, d.role, d.flags, d.time, d.length, d.sourceOffset, d.sourceLength, d.text];
  blocks.push(data.entryIds.bytes, data.entryIds.ends, data.texts.bytes, data.texts.ends);
  return blocks;
}

export async function writeIndexFile(dir: string, data: IndexFileData): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const blocks = blocksOf(data);
  const header: Header = {
    endianness: os.endianness(),
    sessions: data.sessions,
    blocks: blocks.map((b) => ({ kind: kindOf(b), count: b.length })),
    segments: data.segments,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(16);
  magic.copy(prefix, 0);
  prefix.writeUInt32LE(searchIndexFormatVersion, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);

  const file = path.join(dir, searchIndexFileName);
  const temp = path.join(dir, `.${searchIndexFileName}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.promises.open(temp, 'wx', 0o644);
  try {
    try {
      await handle.write(prefix);
      await handle.write(headerBytes);
      // Block by block: a single concatenated buffer would double the index in memory.
      for (const block of blocks) {
        if (block.byteLength > 0) await handle.write(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}

async function readExactly(handle: fs.promises.FileHandle, target: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error('search index file is truncated');
    done += bytesRead;
  }
}

/**
 * Reads the index file; undefined when it is missing, from another format version or
 * damaged. A damaged derived file is no error worth reporting: it is rebuilt from the sessions.
 */
export async function readIndexFile(dir: string): Promise<IndexFileData | undefined> {
  const file = path.join(dir, searchIndexFileName);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(16);
    if (size < 16) return undefined;
    await readExactly(handle, prefix, 0);
    if (!prefix.subarray(0, 8).equals(magic) || prefix.readUInt32LE(8) !== searchIndexFormatVersion) return undefined;
    const headerLength = prefix.readUInt32LE(12);
    if (16 + headerLength > size) return undefined;
    const headerBytes = Buffer.alloc(headerLength);
    await readExactly(handle, headerBytes, 16);
    const header = JSON.parse(headerBytes.toString('utf8')) as Header;
    if (header.endianness !== os.endianness()) return undefined;
    const expected = 16 + headerLength + header.blocks.reduce((n, b) => n + b.count * bytesPer(b.kind), 0);
    if (expected !== size || header.blocks.length !== 12 || !Array.isArray(header.segments)) return undefined;
    let position = 16 + headerLength;
    const blocks: Block[] = [];
    for (const { kind, count } of header.blocks) {
      const block = allocate(kind, count);
      const bytes = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
      await readExactly(handle, bytes, position);
      position += bytes.length;
      blocks.push(block);
    }
    const take = <B extends Block>(i: number): B => blocks[i] as B;
    return {
      sessions: header.sessions,
      docs: {
        session: take(0),
        role: take(1),
        flags: take(2),
        time: take(3),
        length: take(4),
        sourceOffset: take(5),
        sourceLength: take(6),
        text: take(7),
      },
      entryIds: { bytes: take(8), ends: take(9) },
      texts: { bytes: take(10), ends: take(11) },
      segments: header.segments,
    };
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

function bytesPer(kind: BlockKind): number {
  return kind === 'u8' ? 1 : kind === 'f64' ? 8 : 4;
}
