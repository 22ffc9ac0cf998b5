/**
 * Client-side rate limit for a remote API: at most `limit` requests in any window of `windowMs`
 * (Cloudflare's API allows 1200 per 5 minutes per user), as the server counts them.
 *
 * The server counts arrivals, and a request arrives somewhere between the moment the client
 * starts it and the moment its answer comes back; the gap varies (a busy event loop, a new
 * connection). Counting start times alone therefore lets the server see more than `limit` in a
 * window. So a request holds its slot while in flight and for `windowMs` after its answer: for
 * any `limit + 1` requests, the last to start began at least `windowMs` after another one was
 * answered, hence arrived at least `windowMs` after it. Memory is `limit` slots. A 429's
 * Retry-After pauses every caller, not only the one refused.
 */
export class RequestWindow {
  /** The end of each request still counted: when it was answered, or Infinity while in flight. */
  private readonly slots = new Set<{ endMs: number }>();
  private pausedUntilMs = 0;
  /** Callers queue here so they start in order. */
  private turn: Promise<void> = Promise.resolve();
  /** Wakes the caller waiting for an in-flight request to be answered. */
  private wake: () => void = () => undefined;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when one more request may start, and counts it; call `answered` when its answer (or failure) arrives. */
  acquire(): Promise<{ answered: () => void }> {
    const mine = this.turn.then(() => this.waitForSlot());
    this.turn = mine.then(
      () => undefined,
      () => undefined,
    );
    return mine;
  }

  /** The server asked for a pause (429 Retry-After): nothing starts before then. */
  pauseFor(ms: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, this.now() + ms);
  }

  private async waitForSlot(): Promise<{ answered: () => void }> {
    for (;;) {
      const now = this.now();
      let earliestEnd = Infinity;
      for (const slot of this.slots) {
        if (slot.endMs <= now - this.windowMs) this.slots.delete(slot);
        else earliestEnd = Math.min(earliestEnd, slot.endMs);
      }
      const full = this.slots.size >= this.limit;
      const waitMs = Math.max(this.pausedUntilMs - now, full ? earliestEnd + this.windowMs - now : 0);
      if (waitMs <= 0) return { answered: this.take() };
      // Every slot in flight: only an answer can free one.
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(waitMs) ? setTimeout(resolve, waitMs) : undefined;
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private take(): () => void {
    const slot = { endMs: Infinity };
    this.slots.add(slot);
    return () => {
      if (slot.endMs !== Infinity) return;
      slot.endMs = this.now();
      this.wake();
    };
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
