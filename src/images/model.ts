/** The image record and what the image domain needs from storage. */
import type { ImageFormat } from '../media/image-format.js';

export type JsonObject = { [key: string]: unknown };

export interface ImageRecord {
  accountId: string;
  id: string;
  filename: string;
  creator: string | null;
  meta: JsonObject;
  requireSignedURLs: boolean;
  uploadedMs: number;
  sortKey: string;
  draft: boolean;
  draftExpiresMs: number | null;
  blobKey: string | null;
  contentType: string | null;
  format: ImageFormat | null;
  bytes: number;
  width: number;
  height: number;
  frames: number;
  version: number;
  /** SHA-256 of a draft's one-time upload token; null otherwise. */
  uploadTokenHash: string | null;
}

/** What completing a direct upload fills in on its draft. */
export type UploadedImage = Pick<
  ImageRecord,
  'filename' | 'uploadedMs' | 'sortKey' | 'blobKey' | 'contentType' | 'format' | 'bytes' | 'width' | 'height' | 'frames'
>;

export type ImagePatch = Partial<Pick<ImageRecord, 'creator' | 'meta' | 'requireSignedURLs'>>;

/** One `meta.<path>[<op>]=<value>` filter, already validated. */
export interface MetaFilter {
  path: string[];
  op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';
  /** `any` is the untyped form (`eq`, `in`): matches a string, number or boolean with that text. */
  type: 'any' | 'string' | 'number' | 'boolean';
  values: Array<string | number | boolean>;
}

export interface KeysetQuery {
  /** Exclusive cursor: the sort key of the last image already returned. */
  after: string | undefined;
  order: 'asc' | 'desc';
  limit: number;
  /** undefined = any creator; null = images without a creator. */
  creator: string | null | undefined;
  filters: MetaFilter[];
}

export interface ImageRepository {
  /** Inserts; throws DuplicateImageError when the id exists in the account. */
  insert(record: ImageRecord): Promise<void>;
  find(accountId: string, id: string): Promise<ImageRecord | undefined>;
  /** Applies the patch (bumping `version` when it changes delivery); returns the new record. */
  update(accountId: string, id: string, patch: ImagePatch, bumpVersion: boolean): Promise<ImageRecord | undefined>;
  /** Overwrites every field of an existing row (imports); false when there is none. */
  replace(record: ImageRecord): Promise<boolean>;
  /** Deletes the row and returns what it held. */
  remove(accountId: string, id: string): Promise<ImageRecord | undefined>;
  listPage(accountId: string, query: { offset: number; limit: number; creator: string | null | undefined }): Promise<ImageRecord[]>;
  listKeyset(accountId: string, query: KeysetQuery): Promise<ImageRecord[]>;
  /** Non-draft images of the account. */
  count(accountId: string): Promise<number>;
  findByUploadToken(tokenHash: string): Promise<ImageRecord | undefined>;
  /** Turns the draft holding this token into an image; undefined if the token was used meanwhile. */
  completeDraft(tokenHash: string, uploaded: UploadedImage): Promise<ImageRecord | undefined>;
  /** Deletes drafts whose upload window has closed by `nowMs` (expiry included, as the upload URL counts it); returns them. */
  removeExpiredDrafts(nowMs: number): Promise<ImageRecord[]>;
  /** Which of these blob keys some row still references (for the stray-blob sweeper). */
  referencedBlobKeys(keys: string[]): Promise<Set<string>>;
}

export class DuplicateImageError extends Error {
  constructor() {
    super('duplicate image id');
  }
}
