/**
 * Token buckets per key: `capacity` requests at once, refilled evenly over `windowMs`. Buckets
 * that have refilled completely are forgotten, so memory follows the active keys only.
 */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  private lastSweepMs = 0;

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
  ) {
    this.refillPerMs = capacity / windowMs;
  }

  take(key: string, nowMs: number): RateDecision {
    this.sweep(nowMs);
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (nowMs - bucket.updatedMs) * this.refillPerMs);
    bucket.updatedMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000)) };
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < this.windowMs) return;
    this.lastSweepMs = nowMs;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (nowMs - bucket.updatedMs) * this.refillPerMs >= this.capacity) this.buckets.delete(key);
    }
  }
}
