/** The one switch on BLOB_STORE_URL's scheme. */
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './file-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';
import { parseS3BlobStoreUrl } from './s3-blob-store-url.js';

export async function openBlobStore(url: string): Promise<BlobStore> {
  if (url.startsWith('file:')) return new FileBlobStore(url.slice('file:'.length));
  if (url.startsWith('s3://')) return S3BlobStore.open(parseS3BlobStoreUrl(url));
  throw new Error(`unsupported BLOB_STORE_URL scheme: ${url.split(':')[0]}: (expected file: or s3://)`);
}
