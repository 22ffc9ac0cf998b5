/** The one switch on BLOB_STORE_URL's scheme. */
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './file-blob-store.js';

export async function openBlobStore(url: string): Promise<BlobStore> {
  if (url.startsWith('file:')) return new FileBlobStore(url.slice('file:'.length));
  throw new Error(`unsupported BLOB_STORE_URL scheme: ${url}`);
}
