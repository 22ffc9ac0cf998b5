/**
 * `pictor import s3 --from s3://bucket?prefix=…&endpoint=… --account <id>`: Cloudflare's Sourcing
 * Kit, self-hosted. Every object under the prefix becomes an image: its id is the object's key
 * below the prefix (`--ids key`, the default) or an id generated from the bucket and key
 * (`--ids generated`; the same key always gets the same id, so a rerun never duplicates). Its
 * upload time is the object's Last-Modified; a changed object (another ETag) is copied again.
 * Objects that are not images are skipped with the reason. The bucket is only read.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { GetObjectCommand, paginateListObjectsV2, type S3Client, type _Object } from '@aws-sdk/client-s3';
import type { Config } from '../../config.js';
import { ImagesError } from '../../errors.js';
import { validateCustomId } from '../../images/custom-id.js';
import { limits } from '../../limits.js';
import { createS3Client } from '../../storage/blobs/s3-blob-store.js';
import { parseS3BlobStoreUrl, type S3BlobStoreSettings } from '../../storage/blobs/s3-blob-store-url.js';
import { ProgressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { adoptAccount } from './account-settings.js';
import { concurrencyOption } from './cloudflare.js';
import { importImages } from './import-images.js';
import { ImportReport } from './import-report.js';
import { withImportTarget } from './import-target.js';
import type { SourceEntry } from './incoming-image.js';
import { ImageWriter } from './image-writer.js';

export interface S3ImportOptions {
  from: string | undefined;
  account: string | undefined;
  ids: string | undefined;
  concurrency: string | undefined;
  dryRun: boolean;
}

type IdMode = 'key' | 'generated';

export async function importS3Command(config: Config, options: S3ImportOptions): Promise<void> {
  if (!options.from) throw new UsageError('--from <s3://bucket?prefix=…> is required');
  let settings: S3BlobStoreSettings;
  try {
    settings = parseS3BlobStoreUrl(options.from);
  } catch (err) {
    throw new UsageError(`--from: ${(err as Error).message.replace(/^BLOB_STORE_URL: /, '')}`);
  }
  const accountId = options.account;
  if (!accountId || !/^[0-9a-f]{32}$/.test(accountId)) throw new UsageError('--account must be the target account id (32 lowercase hex characters)');
  const ids = (options.ids ?? 'key') as IdMode;
  if (ids !== 'key' && ids !== 'generated') throw new UsageError('--ids must be key or generated');
  const concurrency = concurrencyOption(options.concurrency);

  const client = createS3Client(settings);
  const report = new ImportReport();
  try {
    await withImportTarget(
      config,
      async (target) => {
        const account = await adoptAccount(target, { id: accountId, hash: undefined }, { keepHash: true, dryRun: options.dryRun }, report);
        const bar = new ProgressBar(process.stderr, 'objects', { linesEvery: 500 });
        let total = 0;
        for await (const _ of objects(client, settings)) total++;
        bar.start(total);
        await importImages(entries(client, settings, ids), new ImageWriter(account.id, target, options.dryRun), report, {
          concurrency,
          refusedIs: 'skipped',
          onImage: (bytes) => bar.advance(bytes),
        });
        bar.finish();
      },
      { createIfMissing: true },
    );
  } finally {
    client.destroy();
  }
  console.log(report.summary(options.dryRun));
  if (report.failures > 0) process.exitCode = 1;
}

async function* objects(client: S3Client, settings: S3BlobStoreSettings): AsyncGenerator<_Object> {
  for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: settings.bucket, Prefix: settings.prefix || undefined })) {
    yield* page.Contents ?? [];
  }
}

async function* entries(client: S3Client, settings: S3BlobStoreSettings, ids: IdMode): AsyncGenerator<SourceEntry> {
  for await (const object of objects(client, settings)) {
    const key = object.Key!;
    const name = key.slice(settings.prefix.length);
    if (key.endsWith('/')) {
      yield { kind: 'skip', id: key, reason: 'a folder marker' };
      continue;
    }
    if ((object.Size ?? 0) > limits.maxFileBytes) {
      yield { kind: 'skip', id: key, reason: `${object.Size} bytes, over the ${limits.maxFileBytes}-byte limit of an image` };
      continue;
    }
    let id: string;
    try {
      id = ids === 'generated' ? generatedId(settings.bucket, key) : validateCustomId(name);
    } catch (err) {
      if (!(err instanceof ImagesError)) throw err;
      yield { kind: 'skip', id: key, reason: `${err.message} (--ids generated gives such objects generated ids)` };
      continue;
    }
    yield {
      kind: 'image',
      image: {
        id,
        label: key,
        filename: path.posix.basename(key),
        creator: null,
        meta: {},
        requireSignedURLs: false,
        uploadedMs: object.LastModified?.getTime() ?? NaN,
        versionTag: `etag ${object.ETag} ${object.Size}`,
        bytes: () => readObject(client, settings.bucket, key),
      },
    };
  }
}

/** UUID-shaped and ending in 00 like Cloudflare's generated ids; the same object always gets the same one. */
function generatedId(bucket: string, key: string): string {
  const h = createHash('sha256').update(`s3://${bucket}/${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 30)}00`;
}

async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.Body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limits.maxFileBytes) throw new Error(`the object grew over the ${limits.maxFileBytes}-byte limit while being read`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks, size);
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
}
