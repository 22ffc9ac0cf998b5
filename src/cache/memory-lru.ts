/**
 * In-memory LRU bounded by total bytes; Map insertion order is the recency order. A hit moves an
 * entry to the young end only when it has drifted into the older half: hot entries then cost a
 * single lookup, and eviction order stays close to true LRU.
 */
import type { Rendition } from './rendition.js';

interface Entry<V> {
  value: V;
  size: number;
  /** Value of `ticks` when the entry was last placed at the young end. */
  placed: number;
}

export class MemoryLru<V = Rendition> {
  private readonly entries = new Map<string, Entry<V>>();
  private bytes = 0;
  private ticks = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number = (value) => (value as Rendition).body.length,
  ) {}

  get size(): number {
    return this.bytes;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry && this.ticks - entry.placed > this.entries.size / 2) {
      this.entries.delete(key);
      entry.placed = ++this.ticks;
      this.entries.set(key, entry);
    }
    return entry?.value;
  }

  set(key: string, value: V): void {
    const size = this.sizeOf(value);
    // One entry may not take more than an eighth of the budget, or a few huge renditions would
    // flush everything else.
    if (size > this.maxBytes / 8) return;
    this.delete(key);
    this.entries.set(key, { value, size, placed: ++this.ticks });
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.size;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.bytes -= entry.size;
    }
  }

  /** A snapshot, so entries can be deleted while walking it. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
