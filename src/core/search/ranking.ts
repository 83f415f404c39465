/**
 * Ranking: BM25 weights, the order of hits, and the top-k collector with the per-session cap.
 *
 * Hits are ordered by score rounded to 0.001 (closer scores tie), then the newer message,
 * then the higher doc id. Rounding is monotonic, so "the rounded best possible score is below
 * the k-th kept hit's rounded score" proves a document or block cannot enter the page.
 */

const bm25K1 = 1.2;
const bm25B = 0.75;

/** The mean document length BM25 normalises by; at least 1, so an empty index divides safely. */
export function averageDocLength(tokens: number, docs: number): number {
  return Math.max(1, tokens / Math.max(1, docs));
}

/**
 * The part of a posting's weight that does not depend on the term: the weight is
 * `idf (k1 + 1) / (1 + norm)` with `norm = (k1 (1 − b) + k1 b · length / averageLength) / tf`. A posting block keeps the least
 * norm of its documents at the segment's reference length, which bounds every one of them
 * whatever the index's average is when the query runs (see `Bm25.blockBound`).
 */
export function postingNorm(tf: number, length: number, averageLength: number): number {
  return (bm25K1 * (1 - bm25B) + (bm25K1 * bm25B * length) / averageLength) / tf;
}

/** Scores documents for one term or clause of a query. */
export class Bm25 {
  constructor(
    /** Documents matching the term (all segments). */
    private readonly idf: number,
    private readonly averageLength: number,
  ) {}

  static idf(liveDocs: number, frequency: number): number {
    const df = Math.min(frequency, liveDocs);
    return Math.log(1 + (liveDocs - df + 0.5) / (df + 0.5));
  }

  weight(tf: number, length: number): number {
    return (this.idf * tf * (bm25K1 + 1)) / (tf + bm25K1 * (1 - bm25B + (bm25B * length) / this.averageLength));
  }

  /**
   * The highest weight any posting of a block can have, from the least `postingNorm` of its
   * documents at `referenceLength`. A norm is `u + v / average` with u, v ≥ 0: at an average
   * no longer than the reference it can only be larger, and at a longer one it shrinks by at
   * most the ratio of the two. So `minNorm · min(1, reference / average)` is below every
   * document's norm now, and the bound is exact when the average has not moved.
   */
  blockBound(minNorm: number, referenceLength: number): number {
    const scale = Math.min(1, referenceLength / this.averageLength);
    return (this.idf * (bm25K1 + 1)) / (1 + minNorm * scale);
  }
}

export function scoreKey(score: number): number {
  return Math.round(score * 1000);
}

/** Per-document columns the order needs. */
export interface RankColumns {
  time: Float64Array;
  session: Uint32Array;
}

/**
 * Keeps the best `k` hits under a per-session cap while documents are offered in any order.
 * Hits rank by score (rounded, `scoreKey`), then the newer first, then the higher doc id.
 * Offers are buffered and pruned from time to time: each session keeps its best `cap`, then
 * the best `k` overall stay. After a prune the k-th kept hit is a lower bound of the final
 * k-th hit (every session's kept list only improves as more documents come), so anything
 * ranking below it is refused at once, and whole blocks whose bound rounds below its score
 * are skipped by the caller. A tie on the score is settled by time and id here too: where
 * many documents score the same (one templated message in thousands of sessions), only
 * the newer ones are kept for the next prune.
 */
export class TopCollector {
  private docs: number[] = [];
  private scores: number[] = [];
  private thresholdKey = -Infinity;
  /** The k-th kept hit's time and doc: what a document scoring the same must beat. */
  private thresholdTime = -Infinity;
  private thresholdDoc = -1;
  private readonly pruneAt: number;
  private readonly capCounts: Uint16Array | undefined;

  constructor(
    private readonly k: number,
    /** Hits per session at most; 0 = unlimited. */
    private readonly cap: number,
    private readonly columns: RankColumns,
    sessionCount: number,
  ) {
    this.pruneAt = 2 * k + 256;
    this.capCounts = cap > 0 ? new Uint16Array(sessionCount) : undefined;
  }

  /** Whether a document scoring at most `bound` could still enter the page. */
  couldEnter(bound: number): boolean {
    return scoreKey(bound) >= this.thresholdKey;
  }

  /** Whether documents scoring at most `bound` could enter the page only by tying with its last hit. */
  onlyTies(bound: number): boolean {
    return scoreKey(bound) === this.thresholdKey;
  }

  /**
   * Whether a document that ties the page's last hit on the score ranks above it (as `prune`
   * sorts), given its time (as `rankTime`) and doc id; or, for a block of such documents,
   * whether any can, given the latest of their times and the highest of their ids.
   */
  couldWinTie(time: number, doc: number): boolean {
    return time > this.thresholdTime || (time === this.thresholdTime && doc > this.thresholdDoc);
  }

  offer(doc: number, score: number): void {
    const key = scoreKey(score);
    if (key < this.thresholdKey) return;
    if (key === this.thresholdKey && !this.couldWinTie(rankTime(this.columns.time[doc]), doc)) return;
    this.docs.push(doc);
    this.scores.push(score);
    if (this.docs.length >= this.pruneAt) this.prune();
  }

  /** The kept documents and scores, best first. */
  result(): { docs: number[]; scores: number[] } {
    this.prune();
    return { docs: this.docs, scores: this.scores };
  }

  private prune(): void {
    const { docs, scores } = this;
    const { time } = this.columns;
    const keys = scores.map(scoreKey);
    const order = docs.map((_, i) => i);
    order.sort((a, b) => keys[b] - keys[a] || compareNumbers(rankTime(time[docs[b]]), rankTime(time[docs[a]])) || docs[b] - docs[a]);
    const keptDocs: number[] = [];
    const keptScores: number[] = [];
    const counts = this.capCounts;
    const session = this.columns.session;
    for (const i of order) {
      if (keptDocs.length === this.k) break;
      if (counts) {
        const s = session[docs[i]];
        if (counts[s] === this.cap) continue;
        counts[s]++;
      }
      keptDocs.push(docs[i]);
      keptScores.push(scores[i]);
    }
    if (counts) for (const doc of keptDocs) counts[session[doc]] = 0;
    this.docs = keptDocs;
    this.scores = keptScores;
    if (keptDocs.length === this.k) {
      const last = keptDocs[this.k - 1];
      this.thresholdKey = scoreKey(keptScores[this.k - 1]);
      this.thresholdTime = rankTime(time[last]);
      this.thresholdDoc = last;
    }
  }
}

/** A document without a time (NaN) ranks as the oldest, so that hits have one order whatever the input's. */
export function rankTime(time: number): number {
  return Number.isNaN(time) ? -Infinity : time;
}

/** a − b as a sign, defined for infinities too. */
function compareNumbers(a: number, b: number): number {
  return a > b ? 1 : a < b ? -1 : 0;
}

/**
 * Counts hits per session for `total`: the number of hits in all pages under the cap is the
 * sum over sessions of min(cap, matching documents).
 */
export class SessionCounter {
  private readonly counts: Uint32Array;
  private readonly touched: number[] = [];

  constructor(sessionCount: number) {
    this.counts = new Uint32Array(sessionCount);
  }

  add(session: number, documents: number): void {
    if (this.counts[session] === 0) this.touched.push(session);
    this.counts[session] += documents;
  }

  total(cap: number): number {
    let total = 0;
    for (const s of this.touched) total += cap > 0 ? Math.min(cap, this.counts[s]) : this.counts[s];
    return total;
  }
}

export function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
