/**
 * Purge generations: every purge bumps a counter for what it touched. A delivery request notes the
 * counters it depends on before it starts and checks them before it answers; if a purge landed in
 * between, the request starts over, so not even a request already in flight serves a stale copy.
 * Counters are striped over a fixed array (bounded memory); a shared stripe only costs a retry.
 */
import type { PurgeBus, PurgeEvent } from './purge-bus.js';

const STRIPES = 4096;

function stripeOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % STRIPES;
}

export class PurgeGenerations {
  private readonly stripes = new Uint32Array(STRIPES);
  private everything = 0;
  /** Every purge of any kind: for requests that do not yet know which account they are for. */
  total = 0;

  constructor(bus: PurgeBus) {
    bus.subscribe((event) => this.bump(event));
  }

  private bump(event: PurgeEvent): void {
    this.total++;
    switch (event.kind) {
      case 'image':
        this.stripes[stripeOf(`i:${event.accountId}/${event.imageId}`)]!++;
        break;
      case 'variant':
      case 'account':
        this.stripes[stripeOf(`a:${event.accountId}`)]!++;
        break;
      case 'all':
        this.everything++;
    }
  }

  /** Grows whenever a purge touches this image, its account, or everything (counters only increase). */
  of(accountId: string, imageId: string): number {
    return this.everything + this.stripes[stripeOf(`a:${accountId}`)]! + this.stripes[stripeOf(`i:${accountId}/${imageId}`)]!;
  }
}
