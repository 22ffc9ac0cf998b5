/**
 * The publishing half of DeliveryMetadata's caching: a purge that is not part of a change (the
 * zone purge API's) still commits as one, bumping its account's delivery version in the database
 * before it goes out (and, on a database bus, sending it in that transaction). A node that hears
 * the purge late, or never, still sees on its next request (which reads the account fresh, unless
 * its bus confirms it up to date) that what it cached is out of date.
 */
import type { Changes, PurgeScope } from './changes.js';
import type { PurgeBus, PurgeEvent, PurgeHandler } from './purge-bus.js';

export class DeliveryVersionBump implements PurgeBus {
  constructor(
    private readonly bus: PurgeBus,
    private readonly changes: Changes<unknown>,
  ) {}

  get synchronous(): boolean {
    return this.bus.synchronous;
  }

  upToDate(): boolean {
    return this.bus.upToDate();
  }

  /** Throws if the bump fails: the change has committed, but other nodes could not know it yet. */
  async publish(event: PurgeEvent): Promise<void> {
    if (event.kind === 'all') return this.bus.publish(event);
    await this.changes.commit(({ purge }: PurgeScope) => purge.publish(event));
  }

  subscribe(handler: PurgeHandler): () => void {
    return this.bus.subscribe(handler);
  }

  connected(): boolean {
    return this.bus.connected();
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
