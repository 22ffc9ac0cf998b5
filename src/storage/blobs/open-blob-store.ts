/** The one switch on BLOB_STORE_URL's scheme. */
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './file-blob-store.js';
import { parseS3BlobStoreUrl } from './s3-blob-store-url.js';

export async function openBlobStore(url: string): Promise<BlobStore> {
  if (url.startsWith('file:')) return new FileBlobStore(url.slice('file:'.length));
  if (url.startsWith('s3://')) {
    // Loaded on demand: the AWS SDK costs about a second of start-up that embedded installs never need.
    const { S3BlobStore } = await import('./s3-blob-store.js');
    return S3BlobStore.open(parseS3BlobStoreUrl(url));
  }
  throw new Error(`unsupported BLOB_STORE_URL scheme: ${url.split(':')[0]}: (expected file: or s3://)`);
}
