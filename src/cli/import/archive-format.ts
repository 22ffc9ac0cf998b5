/**
 * The portable archive of one account, written by `pictor export` and read by `pictor import dir`
 * (documented in docs/deployment.md, "Backups"):
 *
 *   pictor-archive.json      format, version, the account (id, hash, settings), variants, signing
 *                            keys, and the image count, bytes and SHA-256 of the manifest.
 *                            Written last: an archive without it is incomplete.
 *   images.jsonl             one JSON object per line and image (ArchivedImage).
 *   originals/<xx>/<sha256>  each original, named by the SHA-256 of its bytes.
 *
 * Plain files, so any tool can read them and any copy tool (rsync, aws s3 sync) can move them.
 */
import path from 'node:path';
import type { JsonObject } from '../../images/model.js';
import type { ImageFormat } from '../../media/image-format.js';
import type { VariantOptions } from '../../variants/model.js';

export const ARCHIVE_FORMAT = 'pictor-archive';
export const ARCHIVE_VERSION = 1;
export const HEADER_FILE = 'pictor-archive.json';
export const MANIFEST_FILE = 'images.jsonl';

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  exportedAt: string;
  account: { id: string; hash: string; name: string; flexibleVariants: boolean; browserTtl: number };
  variants: Array<{ id: string; options: VariantOptions; neverRequireSignedURLs: boolean }>;
  signingKeys: Array<{ name: string; value: string }>;
  images: { count: number; bytes: number; manifestSha256: string };
}

/** One line of images.jsonl: every field of the image as the API shows it, plus what its bytes are. */
export interface ArchivedImage {
  id: string;
  filename: string;
  creator: string | null;
  meta: JsonObject;
  requireSignedURLs: boolean;
  uploaded: string;
  contentType: string;
  format: ImageFormat;
  width: number;
  height: number;
  frames: number;
  bytes: number;
  sha256: string;
  /** Relative to the archive's directory. */
  file: string;
}

export const originalFile = (sha256: string): string => `originals/${sha256.slice(0, 2)}/${sha256}`;

/** A manifest's file path, refusing anything that would leave the archive (the manifest may be hostile). */
export function fileInArchive(dir: string, file: string): string {
  if (!/^originals\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(file)) throw new Error(`"${file}" is not an originals/<xx>/<sha256> path`);
  return path.join(dir, file);
}
