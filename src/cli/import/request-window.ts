/**
 * Client-side rate limit for a remote API: at most `limit` requests in any window of `windowMs`
 * (Cloudflare's API allows 1200 per 5 minutes per user). A sliding log of the last `limit` start
 * times, rather than a token bucket, so the bound holds over every window, not only on average;
 * memory is `limit` numbers. A 429's Retry-After pauses every caller, not only the one refused.
 */
export class RequestWindow {
  private readonly starts: number[] = [];
  private pausedUntilMs = 0;
  /** Callers queue here so they start in order and the log stays sorted. */
  private turn: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when one more request may start, and counts it. */
  acquire(): Promise<void> {
    const mine = this.turn.then(() => this.waitForSlot());
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  /** The server asked for a pause (429 Retry-After): nothing starts before then. */
  pauseFor(ms: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, this.now() + ms);
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - this.windowMs) this.starts.shift();
      const waitMs = Math.max(this.pausedUntilMs - now, this.starts.length >= this.limit ? this.starts[0]! + this.windowMs - now : 0);
      if (waitMs <= 0) {
        this.starts.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** `--rate-limit 1200/300`: requests per seconds. */
export function parseRateLimit(raw: string): { limit: number; windowMs: number } | undefined {
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(raw);
  if (!m) return undefined;
  const limit = Number(m[1]);
  const windowMs = Number(m[2]) * 1000;
  return limit >= 1 && windowMs >= 1 ? { limit, windowMs } : undefined;
}
