/**
 * Images: upload, read, list, update, delete. Guards run cheapest first, nothing is stored until the
 * bytes are proven to be an acceptable image, and the blob is durable before its row exists.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Account } from '../accounts/model.js';
import type { VariantRepository } from '../variants/model.js';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import type { BlobStore } from '../storage/blobs/blob-store.js';
import type { Clock } from '../util/clock.js';
import { BoundedQueue, QueueFullError } from '../util/bounded-queue.js';
import { isGeneratedIdShape, validateCustomId } from './custom-id.js';
import type { ImageChanges } from './image-changes.js';
import { imageView, type ImageView } from './image-view.js';
import { inspectImage, type InspectedImage, type InspectOptions } from './inspect.js';
import { validateMetadata } from './metadata.js';
import { DuplicateImageError, type ImagePatch, type ImageRecord, type UploadedImage, type ImageRepository, type JsonObject, type KeysetQuery, type MetaFilter } from './model.js';

export interface UploadFile {
  bytes: Buffer;
  filename: string | undefined;
  contentType: string | undefined;
}

export interface UploadInput {
  file?: UploadFile;
  url?: string;
  id?: string;
  metadata?: JsonObject;
  requireSignedURLs?: boolean;
  creator?: string;
}

export interface UpdateInput {
  creator?: string;
  metadata?: JsonObject;
  requireSignedURLs?: boolean;
}

export interface FetchedFile {
  bytes: Buffer;
  contentType: string | undefined;
  filename: string;
}

export type SourceFetcher = (url: string) => Promise<FetchedFile>;

export interface ImageServiceDeps {
  images: ImageRepository;
  variants: VariantRepository;
  blobs: BlobStore;
  /** Writes a change with its webhook event and delivery-version bump in one transaction. */
  changes: ImageChanges;
  clock: Clock;
  fetchSource: SourceFetcher;
  /** Base of delivery URLs; read per call because it is known only once the server listens. */
  deliveryBase: () => string;
  imageQuota: number;
  /** Bounds concurrent full decodes of uploads (each may hold up to 100 MP). */
  inspectQueue: BoundedQueue;
  /** How uploads are inspected: the SVG sanitizer and the decode deadline. */
  inspection: InspectOptions;
  /** A deleted image's blob could not be deleted (it stays for the sweeper); for the log. */
  onStrayBlob: (blobKey: string, err: unknown) => void;
}

export class ImageService {
  constructor(private readonly deps: ImageServiceDeps) {}

  async upload(account: Account, input: UploadInput): Promise<ImageView> {
    const { images, blobs } = this.deps;
    if (input.file && input.url) throw errors.badRequest('Send either a file or a url, not both');
    if (!input.file && !input.url) throw errors.badRequest('An upload needs a file (multipart field "file") or a url');
    const fields = this.validateFields(input);
    if (fields.id !== undefined && (await images.find(account.id, fields.id))) throw errors.alreadyExists('Image with this custom ID');
    await this.checkQuota(account);

    const source = input.file ?? (await this.deps.fetchSource(input.url!));
    const inspected = await this.inspect(source.bytes, source.contentType);
    const now = this.deps.clock.now();
    const { blobKey, ...uploaded } = uploadedImage(account.id, inspected, source.filename, now);
    const record: ImageRecord = { ...newDraft(account.id, fields, now), ...uploaded, blobKey, draft: false };

    const viewOf = await this.viewer(account);
    await blobs.put(blobKey, source.bytes, inspected.contentType);
    try {
      return await this.deps.changes.commit(async (change) => {
        await change.images.insert(record);
        const view = viewOf(record);
        await change.events.emit(account.id, 'image.uploaded', { image: view });
        return view;
      });
    } catch (err) {
      // Only a refused insert proves the row does not exist. Any other failure (a connection lost
      // around the commit) may have stored it, so the blob stays; the stray-blob sweeper removes
      // it if no row refers to it.
      if (!(err instanceof DuplicateImageError)) throw err;
      await blobs.delete(blobKey);
      throw errors.alreadyExists('Image with this custom ID');
    }
  }

  async get(account: Account, id: string): Promise<ImageView> {
    return this.view(account, await this.find(account, id));
  }

  async find(account: Account, id: string): Promise<ImageRecord> {
    const record = await this.deps.images.find(account.id, id);
    if (!record) throw errors.imageNotFound();
    return record;
  }

  async update(account: Account, id: string, input: UpdateInput): Promise<ImageView> {
    const current = await this.find(account, id);
    const patch: ImagePatch = {};
    if (input.creator !== undefined) patch.creator = validateCreator(input.creator);
    if (input.metadata !== undefined) patch.meta = validateMetadata(input.metadata);
    if (input.requireSignedURLs !== undefined) {
      if (input.requireSignedURLs && !isGeneratedIdShape(id)) throw errors.customIdWithSignedUrls();
      patch.requireSignedURLs = input.requireSignedURLs;
    }
    const accessChanged = patch.requireSignedURLs !== undefined && patch.requireSignedURLs !== current.requireSignedURLs;
    const viewOf = await this.viewer(account);
    return this.deps.changes.commit(async (change) => {
      const updated = await change.images.update(account.id, id, patch, accessChanged);
      if (!updated) throw errors.imageNotFound();
      // Access control changed: every cached copy goes before the API call returns.
      if (accessChanged) await change.purge.publish({ kind: 'image', accountId: account.id, imageId: id });
      const view = viewOf(updated);
      await change.events.emit(account.id, 'image.updated', { image: view });
      return view;
    });
  }

  async delete(account: Account, id: string): Promise<void> {
    // Row first, then the blob: a crash in between leaves a stray blob (swept), never a row without bytes.
    const removed = await this.deps.changes.commit(async (change) => {
      const removed = await change.images.remove(account.id, id);
      if (!removed) throw errors.imageNotFound();
      await change.purge.publish({ kind: 'image', accountId: account.id, imageId: id });
      await change.events.emit(account.id, 'image.deleted', { image: { id } });
      return removed;
    });
    // The image is gone once its row is: a blob store failure now must not answer the client that
    // the delete failed. The blob, referenced by nothing, is left to the stray-blob sweeper.
    if (removed.blobKey) await this.deps.blobs.delete(removed.blobKey).catch((err) => this.deps.onStrayBlob(removed.blobKey!, err));
  }

  async listPage(account: Account, query: { page: number; perPage: number; creator: string | null | undefined }): Promise<ImageView[]> {
    const records = await this.deps.images.listPage(account.id, {
      offset: (query.page - 1) * query.perPage,
      limit: query.perPage,
      creator: query.creator,
    });
    return this.views(account, records);
  }

  async listAfter(
    account: Account,
    query: { continuationToken: string | undefined; perPage: number; order: 'asc' | 'desc'; creator: string | null | undefined; filters: MetaFilter[] },
  ): Promise<{ images: ImageView[]; continuationToken: string | null }> {
    const keyset: KeysetQuery = {
      after: query.continuationToken === undefined ? undefined : parseContinuationToken(query.continuationToken),
      order: query.order,
      limit: query.perPage + 1,
      creator: query.creator,
      filters: query.filters,
    };
    const records = await this.deps.images.listKeyset(account.id, keyset);
    const more = records.length > query.perPage;
    const page = more ? records.slice(0, query.perPage) : records;
    return { images: await this.views(account, page), continuationToken: more ? page[page.length - 1]!.sortKey : null };
  }

  async stats(account: Account): Promise<{ count: { allowed: number; current: number } }> {
    return { count: { allowed: this.deps.imageQuota, current: await this.deps.images.count(account.id) } };
  }

  /** The original bytes and their type. */
  async original(account: Account, id: string): Promise<{ bytes: Buffer; contentType: string; record: ImageRecord }> {
    const record = await this.find(account, id);
    if (record.draft || !record.blobKey) throw errors.imageNotFound();
    const bytes = await this.deps.blobs.get(record.blobKey);
    if (!bytes) throw new Error(`blob ${record.blobKey} of image ${account.id}/${id} is missing`);
    return { bytes, contentType: record.contentType ?? 'application/octet-stream', record };
  }

  /** Proves the bytes are an acceptable image, on the bounded decode queue. */
  async inspect(bytes: Buffer, contentType: string | undefined): Promise<InspectedImage> {
    try {
      return await this.deps.inspectQueue.run(() => inspectImage(bytes, contentType, this.deps.inspection));
    } catch (err) {
      if (err instanceof QueueFullError) throw errors.busy(2);
      throw err;
    }
  }

  /** Checks the non-file fields of an upload (id, metadata, creator, requireSignedURLs). */
  validateFields(input: Omit<UploadInput, 'file' | 'url'>): UploadFields {
    const id = input.id === undefined ? undefined : validateCustomId(input.id);
    if (id !== undefined && input.requireSignedURLs) throw errors.customIdWithSignedUrls();
    return {
      id,
      meta: input.metadata === undefined ? {} : validateMetadata(input.metadata),
      requireSignedURLs: input.requireSignedURLs ?? false,
      creator: input.creator === undefined ? null : validateCreator(input.creator),
    };
  }

  /**
   * Counting an account's images costs a scan that grows with the account, so far below the quota a
   * count up to a few seconds old is trusted (and advanced per upload); near it, every upload counts.
   */
  async checkQuota(account: Account): Promise<void> {
    const quota = this.deps.imageQuota;
    const now = this.deps.clock.now();
    const known = this.counts.get(account.id);
    if (known && now - known.at < QUOTA_COUNT_TTL_MS && known.count < quota - QUOTA_EXACT_MARGIN) {
      known.count++;
      return;
    }
    const count = await this.deps.images.count(account.id);
    this.counts.set(account.id, { count: count + 1, at: now });
    if (count >= quota) throw errors.quotaExceeded(quota);
  }

  private readonly counts = new Map<string, { count: number; at: number }>();

  private async views(account: Account, records: ImageRecord[]): Promise<ImageView[]> {
    return records.map(await this.viewer(account));
  }

  async view(account: Account, record: ImageRecord): Promise<ImageView> {
    return (await this.viewer(account))(record);
  }

  /** Reads what a view needs up front, so a change can build its view inside its transaction. */
  async viewer(account: Account): Promise<(record: ImageRecord) => ImageView> {
    const names = await this.variantNames(account);
    const base = this.deps.deliveryBase();
    return (record) => imageView(record, base, account.hash, names);
  }

  private async variantNames(account: Account): Promise<string[]> {
    return (await this.deps.variants.list(account.id)).map((v) => v.id);
  }
}

const QUOTA_COUNT_TTL_MS = 5000;
const QUOTA_EXACT_MARGIN = 1000;

/** Cloudflare-looking generated ids: a UUID ending in "00". Custom ids can never be UUID-shaped. */
export const newImageId = (): string => randomUUID().slice(0, -2) + '00';

/** 13-digit upload time + 8 hex: unique, ordered by time, short enough to be the continuation token. */
export const newSortKey = (nowMs: number): string => String(nowMs).padStart(13, '0') + randomBytes(4).toString('hex');

const sortKeyPattern = /^\d{13}[0-9a-f]{8}$/;

function parseContinuationToken(token: string): string {
  if (!sortKeyPattern.test(token)) throw errors.badRequest('Invalid continuation_token: pass the value returned by the previous page', { pointer: '/continuation_token' });
  return token;
}

export interface UploadFields {
  id: string | undefined;
  meta: JsonObject;
  requireSignedURLs: boolean;
  creator: string | null;
}

/** A record with no bytes yet: a direct-upload draft, or the start of an ordinary upload. */
export function newDraft(accountId: string, fields: UploadFields, now: number): ImageRecord {
  return {
    accountId,
    id: fields.id ?? newImageId(),
    filename: '',
    creator: fields.creator,
    meta: fields.meta,
    requireSignedURLs: fields.requireSignedURLs,
    uploadedMs: now,
    sortKey: newSortKey(now),
    draft: true,
    draftExpiresMs: null,
    blobKey: null,
    contentType: null,
    format: null,
    bytes: 0,
    width: 0,
    height: 0,
    frames: 0,
    version: 1,
    uploadTokenHash: null,
  };
}

/** The fields an accepted file fills in, stored under a fresh blob key. */
export function uploadedImage(accountId: string, inspected: InspectedImage, filename: string | undefined, now: number): UploadedImage & { blobKey: string } {
  return {
    filename: cleanFilename(filename),
    uploadedMs: now,
    sortKey: newSortKey(now),
    blobKey: newBlobKey(accountId),
    contentType: inspected.contentType,
    format: inspected.format,
    bytes: inspected.bytes,
    width: inspected.width,
    height: inspected.height,
    frames: inspected.frames,
  };
}

export const newBlobKey = (accountId: string): string => {
  const uuid = randomUUID();
  return `${accountId}/${uuid.slice(0, 2)}/${uuid}`;
};

function validateCreator(creator: string): string | null {
  if ([...creator].length > limits.maxCreatorLength) {
    throw errors.badRequest(`creator is longer than ${limits.maxCreatorLength} characters`, { pointer: '/creator' });
  }
  return creator === '' ? null : creator;
}

export function cleanFilename(name: string | undefined): string {
  // Keep what the client sent (Cloudflare echoes it), minus path parts and control characters.
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return [...(base || 'image')].slice(0, limits.maxFilenameLength).join('');
}

