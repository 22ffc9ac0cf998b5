/**
 * A cluster worker's requests to the primary over the IPC channel node:cluster opened: each
 * carries an id, its answer comes back as a message with that id, and a request the primary does
 * not answer in time (a primary that died) resolves with a fallback instead of hanging. The owner
 * routes answers here from its own `process.on('message')` listener, since each kind of message
 * has its own shape.
 */
export class PrimaryRequests<A> {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: A) => void>();

  /**
   * Sends `message(id)` to the primary and resolves with its answer, or with `fallback()` after
   * `timeoutMs`; at once with `fallback()` when this process has no primary to ask.
   */
  async ask(message: (id: number) => object, timeoutMs: number, fallback: () => A): Promise<A> {
    if (!process.send || !process.connected) return fallback();
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<A>((resolve) => this.waiting.set(id, resolve));
    const timedOut = new Promise<A>((resolve) => {
      timer = setTimeout(() => resolve(fallback()), timeoutMs).unref();
    });
    process.send(message(id));
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }

  /** The primary answered request `id`. */
  settle(id: number, answer: A): void {
    this.waiting.get(id)?.(answer);
    this.waiting.delete(id);
  }

  /** Resolves every request still waiting with `answer` (the owner is closing). */
  settleAll(answer: A): void {
    for (const resolve of this.waiting.values()) resolve(answer);
    this.waiting.clear();
  }
}
