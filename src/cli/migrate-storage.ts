/**
 * `pictor migrate-storage --to-database postgres://… --to-blobs s3://…`: copies the installation
 * that DATABASE_URL / BLOB_STORE_URL (or PICTOR_DATA_DIR) name into other stores, typically an
 * embedded one into PostgreSQL + S3. Safe to interrupt and run again; the source is opened
 * read-only. See docs/deployment.md for the moving-up procedure.
 */
import type { Config } from '../config.js';
import { openBlobStore } from '../storage/blobs/open-blob-store.js';
import { copyInstallation, type Stores } from '../storage/copy-installation.js';
import { openDatabase } from '../storage/database.js';
import { UsageError } from './usage-error.js';
import { ProgressBar } from './progress-bar.js';

export interface MigrateStorageOptions {
  toDatabase: string | undefined;
  toBlobs: string | undefined;
}

export async function migrateStorageCommand(config: Config, options: MigrateStorageOptions): Promise<void> {
  const { toDatabase, toBlobs } = options;
  if (!toDatabase || !/^(sqlite:|postgres(ql)?:\/\/)/.test(toDatabase)) throw new UsageError('--to-database must be a postgres:// (or sqlite:) URL');
  if (!toBlobs || !/^(file:|s3:\/\/)/.test(toBlobs)) throw new UsageError('--to-blobs must be an s3:// (or file:) URL');
  if (toDatabase === config.databaseUrl || toBlobs === config.blobStoreUrl) throw new UsageError('the target must differ from the source (DATABASE_URL, BLOB_STORE_URL)');

  const source: Partial<Stores> = {};
  const target: Partial<Stores> = {};
  try {
    source.database = await openDatabase(config.databaseUrl, { readOnly: true });
    source.blobs = await openBlobStore(config.blobStoreUrl);
    target.database = await openDatabase(toDatabase, { poolSize: 4 });
    target.blobs = await openBlobStore(toBlobs);
    const bar = new ProgressBar(process.stderr, 'images');
    const result = await copyInstallation(source as Stores, target as Stores, {
      tableCopied: (table, rows) => bar.note(`${table}: ${rows} rows`),
      imagesStarting: (total) => bar.start(total),
      imageDone: (bytes) => bar.advance(bytes),
    });
    bar.finish();
    const { images } = result;
    console.log(
      `Copied ${images.copied} images (${(images.bytes / 1e6).toFixed(1)} MB, every blob read back and its SHA-256 checked); ` +
        `${images.alreadyThere} were already there from an earlier run. The source was not changed.`,
    );
  } finally {
    for (const store of [target.blobs, target.database, source.blobs, source.database]) await store?.close().catch(() => undefined);
  }
}
