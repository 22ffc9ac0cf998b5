/**
 * One image change and everything that must commit with it, as one database transaction: the image
 * row, its webhook event (a transactional outbox) and the account's delivery-version bump. A crash
 * or a lost database between them can then lose no event and leave no node serving a cached copy
 * of what changed. Messages to other processes (the purge, waking the webhook dispatcher) go out
 * after commit: a missed purge is harmless because the bumped version is part of every cache key.
 */
import type { AccountRepository } from '../accounts/model.js';
import type { PurgeBus } from '../purge/purge-bus.js';
import type { WebhookRepository } from '../webhooks/model.js';
import type { ImageEvents } from './image-events.js';
import type { ImageRepository } from './model.js';

/** What a change writes through; everything here commits together or not at all. */
export interface ImageChangeScope {
  images: ImageRepository;
  /** Recorded in the transaction; the dispatcher is woken after commit. */
  events: ImageEvents;
  /** Bumps the account's delivery version in the transaction; the message goes out after commit. */
  purge: Pick<PurgeBus, 'publish'>;
}

export interface ImageChanges {
  /** Runs `change` in one transaction; resolves once it has committed and its purges are published. */
  commit<T>(change: (scope: ImageChangeScope) => Promise<T>): Promise<T>;
}

/** The repositories of one transaction, as the store hands them out. */
export interface ChangeRepositories {
  images: ImageRepository;
  webhooks: WebhookRepository;
  accounts: Pick<AccountRepository, 'bumpDeliveryVersion'>;
}
