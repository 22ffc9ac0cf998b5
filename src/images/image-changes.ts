/**
 * One image change and everything that must commit with it (see src/purge/changes.ts): the image
 * row, its webhook event (a transactional outbox) and the account's delivery-version bump. Waking
 * the webhook dispatcher, like the purge message, happens after commit.
 */
import type { Changes } from '../purge/changes.js';
import type { ImageEvents } from './image-events.js';
import type { ImageRepository } from './model.js';

/** What an image change writes through; everything here commits together or not at all. */
export interface ImageChangeScope {
  images: ImageRepository;
  /** Recorded in the transaction; the dispatcher is woken after commit. */
  events: ImageEvents;
}

export type ImageChanges = Changes<ImageChangeScope>;
