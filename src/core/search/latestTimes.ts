import type { GrowableArray } from './compactArrays';
import { rankTime } from './ranking';

const chunkBits = 6;
const chunkSize = 1 << chunkBits;

/**
 * The latest time among the documents of a doc-id range, from the latest of each chunk of
 * 64 documents. A block of postings covers a range of doc ids, so its documents are no newer
 * than the range's latest: where a word's documents all score the same (one templated
 * message in thousands of sessions), the page is decided by time, and a block that holds
 * nothing newer than the page's last hit need not be read.
 *
 * Times are never changed once written, and a compaction makes a new column, so the chunks
 * are kept per column and only extended as documents are added.
 */
export class LatestTimes {
  private static readonly byColumn = new WeakMap<GrowableArray<Float64Array>, LatestTimes>();

  static of(column: GrowableArray<Float64Array>): LatestTimes {
    let latest = LatestTimes.byColumn.get(column);
    if (!latest) {
      latest = new LatestTimes(column);
      LatestTimes.byColumn.set(column, latest);
    }
    latest.extend();
    return latest;
  }

  private chunks = new Float64Array(0);
  private covered = 0;

  /** The column, not a view of it: a view would keep an outgrown array alive. */
  private constructor(private readonly column: GrowableArray<Float64Array>) {}

  private extend(): void {
    const times = this.column.view();
    if (times.length === this.covered) return;
    const chunkCount = (times.length + chunkSize - 1) >> chunkBits;
    if (chunkCount > this.chunks.length) {
      const grown = new Float64Array(Math.max(chunkCount, this.chunks.length * 2));
      grown.set(this.chunks);
      this.chunks = grown;
    }
    // The last chunk may have been partial: it is computed again with its new documents.
    for (let c = this.covered >> chunkBits; c < chunkCount; c++) {
      let latest = -Infinity;
      const end = Math.min(times.length, (c + 1) << chunkBits);
      for (let d = c << chunkBits; d < end; d++) latest = Math.max(latest, rankTime(times[d]));
      this.chunks[c] = latest;
    }
    this.covered = times.length;
  }

  /** The latest rank time (`rankTime`) among documents `from`…`to`, both included. */
  latest(from: number, to: number): number {
    const times = this.column.view();
    const chunks = this.chunks;
    let latest = -Infinity;
    const firstChunk = from >> chunkBits;
    const lastChunk = to >> chunkBits;
    if (firstChunk === lastChunk) {
      for (let d = from; d <= to; d++) latest = Math.max(latest, rankTime(times[d]));
      return latest;
    }
    for (let d = from; d < (firstChunk + 1) << chunkBits; d++) latest = Math.max(latest, rankTime(times[d]));
    for (let c = firstChunk + 1; c < lastChunk; c++) latest = Math.max(latest, chunks[c]);
    for (let d = lastChunk << chunkBits; d <= to; d++) latest = Math.max(latest, rankTime(times[d]));
    return latest;
  }
}
