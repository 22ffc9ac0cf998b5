/**
 * The bookkeeping of a cache bounded by bytes: each key's size, least recently used first (Map
 * insertion order), and their total. The owner keeps the bytes themselves (files, for the disk
 * cache and remote sources).
 */
export class SizedIndex {
  private readonly sizes = new Map<string, number>();
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  has(key: string): boolean {
    return this.sizes.has(key);
  }

  keys(): string[] {
    return [...this.sizes.keys()];
  }

  /** Records the key as the most recently used, at this size. */
  touch(key: string, size: number): void {
    this.remove(key);
    this.sizes.set(key, size);
    this.total += size;
  }

  remove(key: string): void {
    const size = this.sizes.get(key);
    if (size === undefined) return;
    this.sizes.delete(key);
    this.total -= size;
  }

  /** Removes the least recently used keys until the total fits in `maxBytes`; returns them. */
  overflow(maxBytes: number): string[] {
    const dropped: string[] = [];
    for (const [key] of this.sizes) {
      if (this.total <= maxBytes) break;
      this.remove(key);
      dropped.push(key);
    }
    return dropped;
  }
}
