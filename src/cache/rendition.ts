/** A finished rendition: bytes plus what the response headers need. */
export interface Rendition {
  body: Buffer;
  contentType: string;
  /** Strong ETag, quoted. */
  etag: string;
  width: number;
  height: number;
  /** The format was chosen from the Accept header (respond with `Vary: Accept`). */
  varyAccept: boolean;
}

/** Cache keys start with the image's prefix, so one image's renditions can be dropped together. */
export const imageKeyPrefix = (accountId: string, imageId: string): string => `${accountId}/${encodeURIComponent(imageId)}/`;
