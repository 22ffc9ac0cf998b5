/**
 * Memory LRU in front of the disk cache, with single flight: concurrent misses for one key share
 * one producer call (across worker processes too), so N cold requests for a rendition run exactly
 * one transform.
 */
import { type Flights, localFlights } from './cluster-flights.js';
import type { DiskCache } from './disk-cache.js';
import type { MemoryLru } from './memory-lru.js';
import type { Rendition } from './rendition.js';
import { SharedAbort } from '../util/shared-abort.js';

export type RenditionSource = 'memory' | 'disk' | 'render';

/** Lookup counters by tier and result (the metrics' children, made once). */
export type CacheLookups = Record<'memory' | 'disk', Record<'hit' | 'miss', { inc(): void }>>;

/** Makes a rendition; `signal` aborts when no request wants it any more (their clients went away). */
export type Produce = (signal: AbortSignal | undefined) => Promise<Rendition>;

interface Flight {
  work: Promise<{ rendition: Rendition; source: RenditionSource }>;
  interest: SharedAbort;
}

export class RenditionCache {
  private readonly inFlight = new Map<string, Flight>();

  constructor(
    private readonly memory: MemoryLru | undefined,
    private readonly disk: DiskCache | undefined,
    private readonly lookups: CacheLookups,
    /** Single flight across processes (cluster workers); within one, `inFlight` does it. */
    private readonly flights: Flights = localFlights,
  ) {}

  /**
   * `prefix` groups the key with the other renditions of its image (see imageKeyPrefix).
   * `requestSignal` is the request's (or makes it): the shared transform is given up only once
   * every request waiting for it has.
   */
  async getOrCreate(
    prefix: string,
    key: string,
    produce: Produce,
    requestSignal?: AbortSignal | (() => AbortSignal | undefined),
  ): Promise<{ rendition: Rendition; source: RenditionSource }> {
    const hot = this.peekMemory(key);
    if (hot) return { rendition: hot, source: 'memory' };
    // Asked for only past a memory hit: a request's signal costs an AbortController per request.
    const signal = typeof requestSignal === 'function' ? requestSignal() : requestSignal;
    // With caching switched off every request renders: "cache off" must mean exactly that.
    if (!this.memory && !this.disk) return { rendition: await produce(signal), source: 'render' };
    const pending = this.inFlight.get(key);
    // A flight everyone left is being given up: start a fresh one rather than share its failure.
    if (pending && !pending.interest.signal.aborted) {
      pending.interest.join(signal);
      return { rendition: (await pending.work).rendition, source: 'render' };
    }

    const interest = new SharedAbort();
    interest.join(signal);
    // The map holds the very promise awaited below (not a derived one), so a failed transform with
    // no followers is still a handled rejection and cannot take the process down.
    const flight = { work: this.load(prefix, key, () => produce(interest.signal)), interest };
    this.inFlight.set(key, flight);
    try {
      return await flight.work;
    } finally {
      if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
    }
  }

  /** The rendition if the memory tier holds it (counted as a memory hit); no I/O, no waiting. */
  peekMemory(key: string): Rendition | undefined {
    const hot = this.memory?.get(key);
    if (hot) this.lookups.memory.hit.inc();
    return hot;
  }

  private async load(prefix: string, key: string, produce: () => Promise<Rendition>): Promise<{ rendition: Rendition; source: RenditionSource }> {
    if (this.memory) this.lookups.memory.miss.inc();
    const warm = await this.disk?.get(prefix, key);
    if (warm) {
      this.lookups.disk.hit.inc();
      this.memory?.set(key, warm);
      return { rendition: warm, source: 'disk' };
    }
    if (this.disk) this.lookups.disk.miss.inc();
    const rendition = await this.flights.run(key, produce);
    this.memory?.set(key, rendition);
    // The disk copy is written behind the answer, and is an optimisation: a full disk or a full
    // write queue must not fail nor slow the request.
    this.disk?.store(prefix, key, rendition);
    return { rendition, source: 'render' };
  }

  async purgeImage(prefix: string): Promise<void> {
    this.memory?.deletePrefix(prefix);
    await this.disk?.deletePrefix(prefix);
  }

  async clear(): Promise<void> {
    this.memory?.clear();
    await this.disk?.clear();
  }
}
