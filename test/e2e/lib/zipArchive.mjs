// Reads a zip (a .vsix) through its central directory: names, sizes, Unix modes, and the
// contents of single entries. Enough for checking packages without an unzip binary.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const endOfCentralDirectory = 0x06054b50;
const centralFileHeader = 0x02014b50;
const localFileHeader = 0x04034b50;

/** @returns {{ name: string, size: number, mode: number, read: () => Buffer }[]} */
export function readZip(file) {
  const zip = readFileSync(file);
  // The end record sits in the last 22 bytes plus at most a 64 KB comment.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === endOfCentralDirectory) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${file}: not a zip (no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== centralFileHeader) throw new Error(`${file}: broken central directory at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const externalAttributes = zip.readUInt32LE(at + 38);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({
      name,
      size,
      mode: externalAttributes >>> 16,
      read() {
        if (zip.readUInt32LE(localOffset) !== localFileHeader) throw new Error(`${file}: ${name}: no local header`);
        const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
        const data = zip.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${file}: ${name}: compression method ${method} not supported`);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The machine a native binary was built for, from its header: ELF, Mach-O (thin 64-bit) or PE.
 * @returns {string} e.g. 'linux-x64', 'darwin-arm64', 'win32-x64', or 'unknown …'
 */
export function binaryTarget(bytes) {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const machine = bytes.readUInt16LE(18);
    return { 0x3e: 'linux-x64', 0xb7: 'linux-arm64', 0x28: 'linux-arm' }[machine] ?? `unknown ELF machine 0x${machine.toString(16)}`;
  }
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = bytes.readUInt32LE(4);
    return { 0x01000007: 'darwin-x64', 0x0100000c: 'darwin-arm64' }[cpu] ?? `unknown Mach-O cpu 0x${cpu.toString(16)}`;
  }
  if (bytes.length >= 64 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const pe = bytes.readUInt32LE(0x3c);
    if (bytes.length >= pe + 6 && bytes.readUInt32LE(pe) === 0x00004550) {
      const machine = bytes.readUInt16LE(pe + 4);
      return { 0x8664: 'win32-x64', 0xaa64: 'win32-arm64', 0x14c: 'win32-ia32' }[machine] ?? `unknown PE machine 0x${machine.toString(16)}`;
    }
  }
  return 'unknown format';
}
