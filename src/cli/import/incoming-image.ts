/** What every import source (an Images API, an S3 bucket, an archive) hands to the image writer. */
import type { JsonObject } from '../../images/model.js';

export interface IncomingImage {
  id: string;
  /** What the report calls it, when not its id (an object's key). */
  label?: string;
  filename: string;
  creator: string | null;
  meta: JsonObject;
  requireSignedURLs: boolean;
  uploadedMs: number;
  /**
   * Names these bytes at the source (the upload time, an ETag, a SHA-256): the same tag means the
   * same bytes, so an image already imported under it is not downloaded again.
   */
  versionTag: string;
  /** The original bytes; undefined when the image has gone from the source since it was listed. */
  bytes(): Promise<Buffer | undefined>;
}

/** One item of a source's listing: an image, something not copied on purpose, or something unreadable. */
export type SourceEntry = { kind: 'image'; image: IncomingImage } | { kind: 'skip' | 'fail'; id: string; reason: string };
