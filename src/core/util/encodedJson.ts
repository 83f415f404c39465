/**
 * A command result already encoded as JSON (UTF-8), by a worker thread. The server's
 * transports splice these bytes into their reply instead of encoding a value of hundreds
 * of megabytes again on the event loop.
 */
export class EncodedJson<T = unknown> {
  constructor(readonly bytes: Buffer) {}

  /** Anything else that serialises it still gets the right value, only slower. */
  toJSON(): T {
    return JSON.parse(this.bytes.toString('utf8')) as T;
  }
}
