/**
 * Growable typed arrays, varints and a string arena: the index keeps per-document data in
 * these instead of JS objects, which cost 50–100 bytes each before their contents.
 */

type NumericArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

export class GrowableArray<A extends NumericArray> {
  private data: A;
  length = 0;

  constructor(private readonly make: (size: number) => A, initial = 256) {
    this.data = make(initial);
  }

  /** Adopts `data` as the first `length` items (used when loading from disk). */
  static from<B extends NumericArray>(make: (size: number) => B, data: B): GrowableArray<B> {
    const array = new GrowableArray(make, 0);
    array.data = data;
    array.length = data.length;
    return array;
  }

  private grow(min: number): void {
    const next = this.make(Math.max(min, Math.ceil(this.data.length * 1.5) + 256));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  push(value: number): number {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length] = value;
    return this.length++;
  }

  get(index: number): number {
    return this.data[index];
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** Appends bytes/values in bulk. */
  pushAll(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) this.grow(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  /** The live items, without copying; invalid after the next push. */
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }

  /** Releases spare capacity (after a bulk build or compaction). */
  trim(): void {
    if (this.data.length === this.length) return;
    const next = this.make(this.length);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

export const u8 = (n: number): Uint8Array => new Uint8Array(n);
export const u32 = (n: number): Uint32Array => new Uint32Array(n);
export const i32 = (n: number): Int32Array => new Int32Array(n);
export const f64 = (n: number): Float64Array => new Float64Array(n);

export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

export function writeVarint(out: GrowableArray<Uint8Array>, value: number): void {
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

/** A cursor over varint-encoded bytes. */
export class VarintReader {
  constructor(public bytes: Uint8Array, public pos = 0) {}

  next(): number {
    const bytes = this.bytes;
    let b = bytes[this.pos++];
    if (b < 0x80) return b;
    let value = b & 0x7f;
    let scale = 128;
    for (;;) {
      b = bytes[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Strings stored as UTF-8 end to end in one byte array; item i is bytes[end(i-1), end(i)). */
export class StringArena {
  readonly bytes: GrowableArray<Uint8Array>;
  readonly ends: GrowableArray<Uint32Array>;

  constructor(bytes?: Uint8Array, ends?: Uint32Array) {
    this.bytes = bytes ? GrowableArray.from(u8, bytes) : new GrowableArray(u8, 4096);
    this.ends = ends ? GrowableArray.from(u32, ends) : new GrowableArray(u32, 256);
  }

  get count(): number {
    return this.ends.length;
  }

  add(value: string): number {
    this.bytes.pushAll(encoder.encode(value));
    return this.ends.push(this.bytes.length);
  }

  /** Appends item `index` of `other` without decoding it. */
  copyFrom(other: StringArena, index: number): number {
    const start = index === 0 ? 0 : other.ends.get(index - 1);
    this.bytes.pushAll(other.bytes.view().subarray(start, other.ends.get(index)));
    return this.ends.push(this.bytes.length);
  }

  get(index: number): string {
    const start = index === 0 ? 0 : this.ends.get(index - 1);
    return decoder.decode(this.bytes.view().subarray(start, this.ends.get(index)));
  }
}
