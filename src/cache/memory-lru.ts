/** In-memory LRU bounded by total bytes; Map insertion order is the recency order. */
import type { Rendition } from './rendition.js';

export class MemoryLru<V = Rendition> {
  private readonly entries = new Map<string, V>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number = (value) => (value as Rendition).body.length,
  ) {}

  get size(): number {
    return this.bytes;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    // One entry may not take more than an eighth of the budget, or a few huge renditions would
    // flush everything else.
    if (this.sizeOf(value) > this.maxBytes / 8) return;
    this.delete(key);
    this.entries.set(key, value);
    this.bytes += this.sizeOf(value);
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= this.sizeOf(entry);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value) {
      this.entries.delete(key);
      this.bytes -= this.sizeOf(value);
    }
  }

  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
