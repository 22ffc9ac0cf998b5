/**
 * Throwaway buckets on the real S3 server named by TEST_S3_ENDPOINT (scripts/run-tests.js keeps it
 * only when the server answers). Each suite makes its own bucket with a random name and removes
 * everything in it at the end: the server may be shared and is never assumed empty.
 */
import { randomBytes } from 'node:crypto';
import { DeleteBucketCommand, DeleteObjectsCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';

// The SDK's one-time "Node 22 needed after January 2027" notice (see docs/storage.md) would
// otherwise repeat in every test worker's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const endpoint = process.env.TEST_S3_ENDPOINT || undefined;
const accessKeyId = process.env.TEST_S3_ACCESS_KEY || 'testkey';
const secretAccessKey = process.env.TEST_S3_SECRET_KEY || 'testsecret';

/** Why S3 suites cannot run here, or undefined when they can. */
export const s3SkipReason = endpoint
  ? undefined
  : 'TEST_S3_ENDPOINT is not set (start a server with scripts/ceph-up.sh DIR and export TEST_S3_ENDPOINT=http://127.0.0.1:7480)';

export const newTestBucketName = (): string => `pictor-test-${randomBytes(6).toString('hex')}`;

/** A BLOB_STORE_URL for `bucket` on the test server; `extra` adds or overrides query parameters. */
export function testBlobStoreUrl(bucket: string, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ endpoint: endpoint!, accessKeyId, secretAccessKey, createBucket: 'true', ...extra });
  return `s3://${bucket}?${params}`;
}

/** A raw client, for checking what the store wrote and for cleaning up. */
export function testS3Client(): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Deletes every object in `bucket`, then the bucket; a bucket that was never made is fine. */
export async function removeTestBucket(bucket: string): Promise<void> {
  const client = testS3Client();
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
      const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      // DeleteObjects requires a Content-MD5 or checksum; WHEN_REQUIRED still sends one for it.
      if (objects.length) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if ((err as Error).name !== 'NoSuchBucket') throw err;
  } finally {
    client.destroy();
  }
}
