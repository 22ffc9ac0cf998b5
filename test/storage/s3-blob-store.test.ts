/** What only the S3 store does, against a real server: bucket handling, prefix, object metadata. */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { openBlobStore } from '../../src/storage/blobs/open-blob-store.js';
import { newAccountId, newBlobKey } from '../helpers/blob-keys.js';
import { newTestBucketName, removeTestBucket, s3SkipReason, testBlobStoreUrl, testS3Client } from '../helpers/s3-test-bucket.js';

if (s3SkipReason) console.warn(`[s3 blob store] SKIPPED: ${s3SkipReason}`);

describe.skipIf(s3SkipReason !== undefined)('S3BlobStore', () => {
  const bucket = newTestBucketName();
  let client: S3Client;
  let store: BlobStore;
  beforeAll(async () => {
    client = testS3Client();
    store = await openBlobStore(testBlobStoreUrl(bucket, { prefix: 'pictor/blobs' }));
  });
  afterAll(async () => {
    await store?.close();
    client?.destroy();
    await removeTestBucket(bucket);
  });

  it('refuses to start on a missing bucket unless told to create it', async () => {
    const missing = newTestBucketName();
    await expect(openBlobStore(testBlobStoreUrl(missing, { createBucket: 'false' }))).rejects.toThrow(
      `cannot open S3 bucket "${missing}" at ${process.env.TEST_S3_ENDPOINT}: no such bucket; create it, or add createBucket=true`,
    );
  });

  it('opens a bucket that already exists, with createBucket on or off', async () => {
    for (const createBucket of ['true', 'false']) await (await openBlobStore(testBlobStoreUrl(bucket, { createBucket }))).close();
  });

  it('names the status when the credentials are wrong', async () => {
    const url = testBlobStoreUrl(bucket, { secretAccessKey: 'wrong' });
    await expect(openBlobStore(url)).rejects.toThrow(/HTTP 403/);
  });

  it('stores objects under the prefix, with their content type', async () => {
    const key = newBlobKey();
    await store.put(key, Buffer.from('png bytes'), 'image/png');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `pictor/blobs/${key}` }));
    expect(head.ContentType).toBe('image/png');
    expect(head.ContentLength).toBe(9);
  });

  it('lists only blob keys under its prefix, so a sweeper never sees foreign objects', async () => {
    const key = newBlobKey(newAccountId());
    await store.put(key, Buffer.from('mine'), 'image/jpeg');
    for (const foreign of ['other-app/file.txt', 'pictor/blobs/notes.txt', `elsewhere/${newBlobKey()}`]) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: foreign, Body: 'not a blob' }));
    }
    const listed: string[] = [];
    for await (const blob of store.list()) listed.push(blob.key);
    expect(listed).toContain(key);
    expect(listed.every((k) => /^[0-9a-f]{32}\//.test(k))).toBe(true);
    expect(listed.some((k) => k.includes('notes') || k.startsWith('elsewhere'))).toBe(false);
  });
});
