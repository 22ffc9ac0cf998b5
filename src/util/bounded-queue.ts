/**
 * Runs at most `concurrency` jobs at once with at most `maxWaiting` more queued; past that, `run`
 * rejects at once with QueueFullError so callers answer 429 instead of piling up memory. A waiter
 * whose signal aborts (its client went away) leaves the queue and never runs.
 */
export class QueueFullError extends Error {
  constructor() {
    super('queue full');
  }
}

export class QueueAbortedError extends Error {
  constructor() {
    super('left the queue: its signal aborted');
  }
}

export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new QueueAbortedError();
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new QueueFullError();
      await this.wait(signal);
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next job so `running` never dips and lets a newcomer jump the queue.
      if (next) next();
      else this.running--;
    }
  }

  /** Resolves when a finishing job hands over its slot; rejects if `signal` aborts first. */
  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        const at = this.waiting.indexOf(take);
        // Not found: the slot was handed over already, so the job runs (and frees it) as usual.
        if (at === -1) return;
        this.waiting.splice(at, 1);
        reject(new QueueAbortedError());
      };
      const take = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      this.waiting.push(take);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }
}
