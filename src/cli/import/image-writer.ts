/**
 * Writes one incoming image into the target account through the same crash-safe order as an
 * upload: the blob first (read back and checksummed), then the row. The bytes are inspected as
 * an upload's would be (a source is not trusted), but the source's id, upload time and fields
 * are kept.
 *
 * Resuming needs no journal: an imported image's blob key is derived from (account, id, version
 * tag), so the row itself records which source version it holds. An image whose row already has
 * that key is unchanged (at most its fields are updated); a run killed between blob and row
 * writes the same key again on the next run, so no blob is left without a row.
 */
import { createHash } from 'node:crypto';
import type { Changes } from '../../purge/changes.js';
import { errors, ImagesError } from '../../errors.js';
import { isGeneratedIdShape, validateCustomId } from '../../images/custom-id.js';
import { cleanFilename } from '../../images/image-service.js';
import type { InspectedImage } from '../../images/inspect.js';
import { validateMetadata } from '../../images/metadata.js';
import { DuplicateImageError, type ImageRecord, type ImageRepository } from '../../images/model.js';
import { limits } from '../../limits.js';
import type { BlobStore } from '../../storage/blobs/blob-store.js';
import type { IncomingImage } from './incoming-image.js';

export interface ImageWriterDeps {
  images: Pick<ImageRepository, 'find' | 'insert'>;
  blobs: Pick<BlobStore, 'put' | 'get' | 'delete'>;
  /** A replaced or removed row commits with its delivery-version bump. */
  changes: Changes<{ images: Pick<ImageRepository, 'replace' | 'remove'> }>;
  inspect(bytes: Buffer): Promise<InspectedImage>;
}

/** copied: bytes written; updated: fields only; unchanged: nothing to do; gone: deleted at the source meanwhile. */
export type WriteOutcome = { kind: 'copied'; bytes: number } | { kind: 'updated' } | { kind: 'unchanged' } | { kind: 'gone' };

/** The source's bytes are not an image Pictor accepts (a skip for a bucket, a failure for an account). */
export class RefusedImageError extends Error {}

export class ImageWriter {
  constructor(
    private readonly accountId: string,
    private readonly deps: ImageWriterDeps,
    private readonly dryRun: boolean,
  ) {}

  async write(image: IncomingImage): Promise<WriteOutcome> {
    const { images, blobs } = this.deps;
    const fields = checkedFields(image);
    const existing = await images.find(this.accountId, image.id);
    const blobKey = importedBlobKey(this.accountId, image.id, image.versionTag);
    if (existing && !existing.draft && existing.blobKey === blobKey) {
      if (sameFields(existing, fields)) return { kind: 'unchanged' };
      if (!this.dryRun) await this.replace(existing, { ...existing, ...fields, version: existing.version + 1 });
      return { kind: 'updated' };
    }
    if (this.dryRun) return { kind: 'copied', bytes: 0 };

    const bytes = await image.bytes();
    if (!bytes) {
      // Deleted at the source since it was listed: the target ends as the source has it.
      if (existing) await this.remove(existing);
      return { kind: 'gone' };
    }
    const inspected = await this.deps.inspect(bytes).catch((err: unknown) => {
      throw err instanceof ImagesError ? new RefusedImageError(err.message) : err;
    });
    await blobs.put(blobKey, bytes, inspected.contentType);
    const stored = await blobs.get(blobKey);
    if (!stored || sha256(stored) !== sha256(bytes)) throw new Error(`blob ${blobKey} reads back differently from what was written`);

    const record: ImageRecord = {
      accountId: this.accountId,
      ...fields,
      sortKey: importedSortKey(image.id, fields.uploadedMs),
      draft: false,
      draftExpiresMs: null,
      blobKey,
      ...inspected,
      version: 1,
      uploadTokenHash: null,
    };
    if (existing) {
      await this.replace(existing, { ...record, version: existing.version + 1 });
      return { kind: 'copied', bytes: bytes.length };
    }
    try {
      await images.insert(record);
    } catch (err) {
      // Uploaded through the API meanwhile: the source's version wins, as on a rerun.
      if (!(err instanceof DuplicateImageError)) throw err;
      const current = await images.find(this.accountId, image.id);
      if (!current) throw err;
      await this.replace(current, { ...record, version: current.version + 1 });
    }
    return { kind: 'copied', bytes: bytes.length };
  }

  /** The new row with its purge, then the old blob (if another): delivery never sees a row without bytes. */
  private async replace(existing: ImageRecord, record: ImageRecord): Promise<void> {
    await this.deps.changes.commit(async ({ images, purge }) => {
      if (!(await images.replace(record))) throw new Error(`image ${record.id} disappeared from the target during the import`);
      await purge.publish({ kind: 'image', accountId: this.accountId, imageId: record.id });
    });
    if (existing.blobKey && existing.blobKey !== record.blobKey) await this.deps.blobs.delete(existing.blobKey);
  }

  private async remove(existing: ImageRecord): Promise<void> {
    if (this.dryRun) return;
    const removed = await this.deps.changes.commit(async ({ images, purge }) => {
      const row = await images.remove(this.accountId, existing.id);
      await purge.publish({ kind: 'image', accountId: this.accountId, imageId: existing.id });
      return row;
    });
    if (removed?.blobKey) await this.deps.blobs.delete(removed.blobKey);
  }
}

type ImportedFields = Pick<ImageRecord, 'id' | 'filename' | 'creator' | 'meta' | 'requireSignedURLs' | 'uploadedMs'>;

/** The same checks as an upload's, except that generated-shape ids are the source's to keep. */
function checkedFields(image: IncomingImage): ImportedFields {
  const id = isGeneratedIdShape(image.id) ? image.id : validateCustomId(image.id);
  if (image.creator !== null && [...image.creator].length > limits.maxCreatorLength) throw errors.badRequest(`creator is longer than ${limits.maxCreatorLength} characters`);
  if (!Number.isFinite(image.uploadedMs)) throw errors.badRequest('the source gave no valid upload time');
  return {
    id,
    filename: cleanFilename(image.filename),
    creator: image.creator === '' ? null : image.creator,
    meta: validateMetadata(image.meta),
    requireSignedURLs: image.requireSignedURLs,
    uploadedMs: image.uploadedMs,
  };
}

function sameFields(record: ImageRecord, fields: ImportedFields): boolean {
  return (
    record.filename === fields.filename &&
    record.creator === fields.creator &&
    record.requireSignedURLs === fields.requireSignedURLs &&
    record.uploadedMs === fields.uploadedMs &&
    JSON.stringify(record.meta) === JSON.stringify(fields.meta)
  );
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** `<account>/<xx>/<uuid-shaped digest>`: the blob key shape, derived from what identifies the bytes. */
export function importedBlobKey(accountId: string, imageId: string, versionTag: string): string {
  const h = sha256(`${accountId}\u0000${imageId}\u0000${versionTag}`);
  return `${accountId}/${h.slice(0, 2)}/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Ordered by upload time like an upload's; the suffix comes from the id, so a rerun writes the same key. */
export const importedSortKey = (imageId: string, uploadedMs: number): string => String(uploadedMs).padStart(13, '0') + sha256(imageId).slice(0, 8);
