/**
 * Blobs as objects in an S3-compatible bucket (AWS S3, Ceph RGW, MinIO, Swift s3api, …); the URL
 * format is in s3-blob-store-url.ts. A PutObject is atomic (readers see the old object or the new
 * one, never part of one), so there is no temp-file step and nothing for a temp sweeper to do.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertBlobKey, blobKeyPattern, type BlobInfo, type BlobStore } from './blob-store.js';
import type { S3BlobStoreSettings } from './s3-blob-store-url.js';

export class S3BlobStore implements BlobStore {
  private constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  /** Connects and checks the bucket (creating it if the settings say so), so bad settings fail at start. */
  static async open(settings: S3BlobStoreSettings): Promise<S3BlobStore> {
    const client = createS3Client(settings);
    const store = new S3BlobStore(client, settings.bucket, settings.prefix);
    try {
      await store.ensureBucket(settings.createBucket);
    } catch (err) {
      client.destroy();
      const where = settings.endpoint ?? 'AWS S3';
      throw new Error(`cannot open S3 bucket "${settings.bucket}" at ${where}: ${explainS3Error(err)}`, { cause: err });
    }
    return store;
  }

  private async ensureBucket(create: boolean): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (httpStatus(err) !== 404) throw err;
    }
    if (!create) throw new Error('no such bucket; create it, or add createBucket=true to BLOB_STORE_URL');
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      // Another node may have created it between our HEAD and CREATE.
      if ((err as Error).name !== 'BucketAlreadyOwnedByYou') throw err;
    }
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.prefix + key;
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: data,
        ContentLength: data.length,
        ContentType: contentType,
        // The server rejects the upload (BadDigest) if the bytes arrive damaged. RGW Pacific
        // verifies Content-MD5 but silently ignores x-amz-checksum-sha256, hence MD5.
        ContentMD5: createHash('md5').update(data).digest('base64'),
      }),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    const body = await this.body(key);
    if (body === undefined) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  stream(key: string): Promise<Readable | undefined> {
    return this.body(key);
  }

  private async body(key: string): Promise<Readable | undefined> {
    let response;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (err) {
      if ((err as Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
    // In Node the SDK hands over the HTTP response itself (an IncomingMessage), unbuffered.
    if (!(response.Body instanceof Readable)) throw new Error('S3 GetObject returned no Node stream body');
    return response.Body;
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 whether or not the object existed.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async *list(): AsyncIterable<BlobInfo> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length);
        // Only keys Pictor could have written: the stray-blob sweeper deletes what it is shown,
        // and a shared bucket may hold other data under the same prefix.
        if (key === undefined || !blobKeyPattern.test(key)) continue;
        // An undated object counts as brand new, so a sweeper never judges it old enough to delete.
        yield { key, modifiedMs: object.LastModified?.getTime() ?? Date.now() };
      }
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** The SDK's messages for body-less S3 errors are just "UnknownError"; name and status say more. */
function explainS3Error(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = httpStatus(err);
  if (status === undefined) return err.message;
  return `HTTP ${status} ${err.name}${err.message && err.message !== 'UnknownError' ? `: ${err.message}` : ''}`;
}

/** A client for the bucket the settings name, configured as the blob store uses it (also read by `pictor import s3`). */
export function createS3Client(settings: S3BlobStoreSettings): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    // The SDK's default CRC32 checksums turn streamed bodies into aws-chunked uploads with a
    // trailer, which Ceph RGW and Swift reject; put() sends Content-MD5 instead, which they verify.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Fail fast on an unreachable endpoint, and give up a server that goes silent: socketTimeout
    // is idle time, so a large body on a slow link is fine. (requestTimeout is total time and,
    // without throwOnRequestTimeout, only logs a warning: a stalled server would hang forever.)
    requestHandler: { connectionTimeout: 5_000, socketTimeout: settings.timeoutMs },
  });
}
