/**
 * Coalesces concurrent reads of one key without ever answering a caller from a read that began
 * before it arrived: a caller joins the read queued behind the running one (which starts when the
 * running one settles), never the running one itself. So each answer is as fresh as a read of its
 * own, yet a crowd of callers costs at most two reads in flight per key instead of one each.
 * This is how delivery reads the account on every request when purges cross processes
 * (DeliveryMetadata): exact, and about one query per round trip instead of one per request.
 */
const ignore = (): void => undefined;

export class FreshReads<V> {
  private readonly running = new Map<string, Promise<V>>();
  private readonly queued = new Map<string, Promise<V>>();

  constructor(private readonly load: (key: string) => Promise<V>) {}

  read(key: string): Promise<V> {
    const queued = this.queued.get(key);
    if (queued) return queued;
    const running = this.running.get(key);
    if (!running) return this.start(key);
    const next = running.then(ignore, ignore).then(() => {
      // From this moment the read is running: later callers must queue behind it.
      this.queued.delete(key);
      return this.start(key);
    });
    this.queued.set(key, next);
    return next;
  }

  private start(key: string): Promise<V> {
    const read = this.load(key);
    this.running.set(key, read);
    read.then(
      () => this.settled(key, read),
      () => this.settled(key, read),
    );
    return read;
  }

  private settled(key: string, read: Promise<V>): void {
    if (this.running.get(key) === read) this.running.delete(key);
  }
}
