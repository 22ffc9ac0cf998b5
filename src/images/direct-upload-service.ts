/**
 * Direct creator uploads: the API creates a draft with a one-time upload URL; a browser (no
 * credentials) posts the file there before the draft expires. The URL's last segment is a random
 * token stored only as its SHA-256, so an upload URL cannot be derived from an image ID.
 *
 * Failed attempts (wrong field, not an image, over a limit) leave the draft in place so the user
 * can retry until it expires; an expired draft is removed when its URL is used or by the sweep.
 */
import { randomBytes } from 'node:crypto';
import type { Account } from '../accounts/model.js';
import type { AccountService } from '../accounts/account-service.js';
import { hashSecret } from '../accounts/credentials.js';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import type { BlobStore } from '../storage/blobs/blob-store.js';
import type { Clock } from '../util/clock.js';
import type { ImageChanges } from './image-changes.js';
import type { ImageEvents } from './image-events.js';
import { newDraft, uploadedImage, type ImageService, type UploadFile, type UploadInput } from './image-service.js';
import type { ImageView } from './image-view.js';
import { DuplicateImageError, type ImageRecord, type ImageRepository } from './model.js';

export interface DirectUploadInput extends Omit<UploadInput, 'file' | 'url'> {
  /** RFC 3339 date-time; default now + 30 minutes. */
  expiry?: string;
}

export interface DirectUploadDeps {
  images: ImageRepository;
  imageService: ImageService;
  accounts: AccountService;
  blobs: BlobStore;
  /** Completes a draft with its event and delivery-version bump in one transaction. */
  changes: ImageChanges;
  /** For direct_upload.failed, which changes nothing else. */
  events: ImageEvents;
  clock: Clock;
  deliveryBase: () => string;
}

export class DirectUploadService {
  constructor(private readonly deps: DirectUploadDeps) {}

  async create(account: Account, input: DirectUploadInput): Promise<{ id: string; uploadURL: string }> {
    const { imageService, images, clock } = this.deps;
    const fields = imageService.validateFields(input);
    const now = clock.now();
    const expiresMs = parseExpiry(input.expiry, now);
    if (fields.id !== undefined && (await images.find(account.id, fields.id))) throw errors.alreadyExists('Image with this custom ID');
    await imageService.checkQuota(account);
    const token = randomBytes(32).toString('base64url');
    const draft = { ...newDraft(account.id, fields, now), draftExpiresMs: expiresMs, uploadTokenHash: hashSecret(token) };
    try {
      await images.insert(draft);
    } catch (err) {
      if (err instanceof DuplicateImageError) throw errors.alreadyExists('Image with this custom ID');
      throw err;
    }
    return { id: draft.id, uploadURL: `${this.deps.deliveryBase()}/upload/${account.hash}/${token}` };
  }

  /** The draft an upload URL opens, with its account; 404 / 410 when the URL is dead. */
  async openDraft(accountHash: string, token: string): Promise<{ draft: ImageRecord; account: Account }> {
    const { images, clock } = this.deps;
    const draft = await images.findByUploadToken(hashSecret(token));
    const account = draft && (await this.deps.accounts.findAccount(draft.accountId));
    if (!draft || !account || account.hash !== accountHash) throw errors.uploadUrlInvalid();
    if (draft.draftExpiresMs !== null && draft.draftExpiresMs <= clock.now()) {
      await images.removeExpiredDrafts(clock.now());
      throw errors.uploadUrlExpired();
    }
    return { draft, account };
  }

  /**
   * The browser's POST to the upload URL. `readFile` reads the form: it is called once the URL is
   * known to be open, so a dead URL is answered before its body is read.
   */
  async complete(accountHash: string, token: string, readFile: () => Promise<UploadFile | undefined>): Promise<ImageView> {
    const { draft, account } = await this.openDraft(accountHash, token);
    const file = await this.reportingFailure(account.id, draft.id, readFile);
    // The URL may have been used, or have expired, while the body arrived.
    await this.openDraft(accountHash, token);
    const completed = await this.reportingFailure(account.id, draft.id, () => this.storeUpload(account, hashSecret(token), file));
    // Another post to the same URL completed the draft first (a double-submitted form): the upload
    // succeeded, so this post is not reported as a failed upload, only answered as a used URL.
    if (!completed) throw errors.uploadUrlInvalid();
    return completed;
  }

  /** Runs a step of an attempt; its failure is reported as direct_upload.failed (the draft stays open for another try). */
  private async reportingFailure<T>(accountId: string, draftId: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      await this.deps.events.emit(accountId, 'direct_upload.failed', { image: { id: draftId }, error: (err as Error).message });
      throw err;
    }
  }

  /** Stores the file and completes the draft; undefined when another post completed it first. */
  private async storeUpload(account: Account, tokenHash: string, file: UploadFile | undefined): Promise<ImageView | undefined> {
    const { imageService, blobs, clock } = this.deps;
    if (!file) throw errors.badRequest('The upload needs the image in the multipart field "file"');
    const inspected = await imageService.inspect(file.bytes, file.contentType);
    const { blobKey, ...uploaded } = uploadedImage(account.id, inspected, file.filename, clock.now());
    const viewOf = await imageService.viewer(account);
    await blobs.put(blobKey, file.bytes, inspected.contentType);
    const completed = await this.deps.changes.commit(async (change) => {
      const record = await change.images.completeDraft(tokenHash, { ...uploaded, blobKey });
      if (!record) return undefined;
      await change.purge.publish({ kind: 'image', accountId: account.id, imageId: record.id });
      const view = viewOf(record);
      await change.events.emit(account.id, 'direct_upload.completed', { image: view });
      return view;
    });
    if (!completed) await blobs.delete(blobKey);
    return completed;
  }

  /** Removes drafts whose upload window has closed; returns how many. */
  async sweepExpired(): Promise<number> {
    return (await this.deps.images.removeExpiredDrafts(this.deps.clock.now())).length;
  }
}

function parseExpiry(expiry: string | undefined, now: number): number {
  const { min, max, default: fallback } = limits.directUploadExpirySeconds;
  if (expiry === undefined || expiry === '') return now + fallback * 1000;
  const at = Date.parse(expiry);
  if (!/^\d{4}-\d\d-\d\dT/.test(expiry) || Number.isNaN(at)) {
    throw errors.badRequest(`expiry must be an RFC 3339 date-time such as ${new Date(now + fallback * 1000).toISOString()}`, { pointer: '/expiry' });
  }
  // Without an offset Date.parse reads the server's local time: the window would shift with its time zone.
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(expiry)) {
    throw errors.badRequest(`expiry needs a time zone offset ("Z" or "+01:00"), such as ${new Date(now + fallback * 1000).toISOString()}`, { pointer: '/expiry' });
  }
  if (at < now + min * 1000 || at > now + max * 1000) {
    throw errors.badRequest(`expiry must be between 2 minutes and 6 hours from now (${new Date(now + min * 1000).toISOString()} to ${new Date(now + max * 1000).toISOString()})`, { pointer: '/expiry' });
  }
  return at;
}
