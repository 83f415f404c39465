/**
 * Failed authentication attempts per peer in a sliding window (security.md, defence 7).
 * Successes are not counted, so a user who mistypes once is not punished later.
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures: number = 10,
    readonly windowMs: number = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  isBlocked(peer: string): boolean {
    return this.recent(peer).length >= this.maxFailures;
  }

  /** Milliseconds until the oldest failure leaves the window. */
  retryAfterMs(peer: string): number {
    const times = this.recent(peer);
    return times.length === 0 ? 0 : Math.max(0, times[0]! + this.windowMs - this.now());
  }

  recordFailure(peer: string): void {
    const times = this.recent(peer);
    times.push(this.now());
    this.failures.set(peer, times);
    if (this.failures.size > 10_000) this.prune();
  }

  private recent(peer: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const times = (this.failures.get(peer) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.failures.delete(peer);
    else this.failures.set(peer, times);
    return times;
  }

  private prune(): void {
    for (const peer of [...this.failures.keys()]) this.recent(peer);
  }
}
