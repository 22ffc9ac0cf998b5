/**
 * The publishing half of DeliveryMetadata's caching: before a purge goes out, its account's
 * delivery version is bumped in the database. A node that hears the purge late, or never, still
 * sees on its next request (which reads the account fresh) that what it cached is out of date.
 */
import type { AccountRepository } from '../accounts/model.js';
import type { PurgeBus, PurgeEvent, PurgeHandler } from './purge-bus.js';

export class DeliveryVersionBump implements PurgeBus {
  constructor(
    private readonly bus: PurgeBus,
    private readonly accounts: Pick<AccountRepository, 'bumpDeliveryVersion'>,
  ) {}

  get synchronous(): boolean {
    return this.bus.synchronous;
  }

  /** Throws if the bump fails: the change has committed, but other nodes could not know it yet. */
  async publish(event: PurgeEvent): Promise<void> {
    await bumpThenPublish(this.accounts, event, (e) => this.bus.publish(e));
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

/** The bump first, then the message: the order that makes a late or lost message harmless. */
export async function bumpThenPublish(
  accounts: Pick<AccountRepository, 'bumpDeliveryVersion'>,
  event: PurgeEvent,
  publish: (event: PurgeEvent) => Promise<void>,
): Promise<void> {
  if (event.kind !== 'all') await accounts.bumpDeliveryVersion(event.accountId);
  await publish(event);
}
