/**
 * Writes that happen after the request that asked for them has been answered: one at a time (the
 * file system shares libuv's thread pool with sharp), in a queue bounded by count and bytes. A full
 * queue drops the new write: what is written here is a copy of something that can be made again.
 * Until its write is finished an entry can still be read back (`peek`), so a repeat request does
 * not miss the copy just because it has not reached the disk yet.
 */
export interface WriteBehindLimits {
  maxItems: number;
  maxBytes: number;
}

interface Entry<T> {
  group: string;
  value: T;
  bytes: number;
}

export class WriteBehind<T> {
  private readonly queued = new Map<string, Entry<T>>();
  private queuedBytes = 0;
  private current: { key: string; entry: Entry<T>; done: Promise<void> } | undefined;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: (() => void) | undefined;

  constructor(
    /** Performs one write; a rejection only loses that copy. */
    private readonly write: (key: string, group: string, value: T) => Promise<void>,
    private readonly limits: WriteBehindLimits,
    /** Called for each write dropped because the queue was full. */
    private readonly onDrop: () => void = () => undefined,
  ) {}

  get size(): number {
    return this.queued.size;
  }

  /** Queues a write of `value` under `key`; false when it was dropped (queue full). */
  offer(key: string, group: string, value: T, bytes: number): boolean {
    if (this.queued.has(key) || this.current?.key === key) return true;
    if (this.queued.size >= this.limits.maxItems || this.queuedBytes + bytes > this.limits.maxBytes) {
      this.onDrop();
      return false;
    }
    this.queued.set(key, { group, value, bytes });
    this.queuedBytes += bytes;
    if (!this.current) this.pump();
    return true;
  }

  /** The value of a write not finished yet. */
  peek(key: string): T | undefined {
    return this.queued.get(key)?.value ?? (this.current?.key === key ? this.current.entry.value : undefined);
  }

  /**
   * Drops the queued writes whose group matches, and waits for a matching write under way, so what
   * the caller deletes next cannot be written again behind it (a purge).
   */
  async forget(matches: (group: string) => boolean): Promise<void> {
    for (const [key, entry] of this.queued) if (matches(entry.group)) this.remove(key, entry);
    const running = this.current;
    if (running && matches(running.entry.group)) await running.done;
  }

  /** Resolves once every write queued so far has finished (shutdown, tests). */
  drained(): Promise<void> {
    return this.idle;
  }

  private remove(key: string, entry: Entry<T>): void {
    this.queued.delete(key);
    this.queuedBytes -= entry.bytes;
  }

  private pump(): void {
    const next = this.queued.entries().next();
    if (next.done) {
      this.current = undefined;
      this.markIdle?.();
      this.markIdle = undefined;
      return;
    }
    if (!this.markIdle) this.idle = new Promise((resolve) => (this.markIdle = resolve));
    const [key, entry] = next.value;
    this.remove(key, entry);
    const done = this.write(key, entry.group, entry.value).then(
      () => undefined,
      () => undefined,
    );
    this.current = { key, entry, done };
    void done.then(() => this.pump());
  }
}
