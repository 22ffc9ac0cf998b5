/**
 * The local installation an import writes into (or an export reads from), opened from the usual
 * settings whether or not a server runs on it. Only the repositories and stores these commands
 * use are built, not the server's whole set of services. Each write that affects delivery commits
 * with its account's delivery-version bump in one transaction; purges go out on the installation's
 * purge bus (PostgreSQL or Redis), so running servers drop what an import changed; on the embedded
 * stores a running server hears none, which matters only for images changed by a rerun (new
 * images are read from the database on first request).
 */
import os from 'node:os';
import type { AccountRepository } from '../../accounts/model.js';
import type { SigningKeyRepository } from '../../signing/model.js';
import type { VariantRepository } from '../../variants/model.js';
import { openConfiguredPurgeBus } from '../../services.js';
import type { Changes } from '../../purge/changes.js';
import type { Config } from '../../config.js';
import { inspectImage, type InspectedImage } from '../../images/inspect.js';
import type { ImageRepository } from '../../images/model.js';
import { KyselyAccountRepository } from '../../storage/account-repository.js';
import { KyselyChanges } from '../../storage/change-transactions.js';
import type { BlobStore } from '../../storage/blobs/blob-store.js';
import { openBlobStore } from '../../storage/blobs/open-blob-store.js';
import { openDatabase } from '../../storage/database.js';
import { KyselyImageRepository } from '../../storage/image-repository.js';
import { KyselySigningKeyRepository } from '../../storage/signing-key-repository.js';
import { KyselyVariantRepository } from '../../storage/variant-repository.js';
import { BoundedQueue } from '../../util/bounded-queue.js';
import { systemClock } from '../../util/clock.js';
import { refuseMissingDatabase } from '../admin.js';
import { createLogger } from '../../logger.js';
import { SvgSanitizer } from '../../render/svg-sanitizer.js';

export interface ImportTarget {
  accounts: AccountRepository;
  images: ImageRepository;
  variants: VariantRepository;
  keys: SigningKeyRepository;
  blobs: BlobStore;
  /** Writes that purge: each commits with its delivery-version bump. */
  changes: Changes<ImportChangeScope>;
  /** An upload's inspection, at most one decode per core at a time. */
  inspect(bytes: Buffer): Promise<InspectedImage>;
  imageQuota: number;
}

export interface ImportChangeScope {
  accounts: Pick<AccountRepository, 'updateAccount'>;
  images: Pick<ImageRepository, 'replace' | 'remove'>;
  variants: Pick<VariantRepository, 'insert' | 'update'>;
  keys: Pick<SigningKeyRepository, 'list' | 'upsert' | 'remove'>;
}

export async function withImportTarget<T>(config: Config, fn: (target: ImportTarget) => Promise<T>, options: { createIfMissing: boolean }): Promise<T> {
  // Only an import may start an installation; an export from a missing one is a wrong data dir.
  if (!options.createIfMissing) refuseMissingDatabase(config);
  const database = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize, queryTimeoutMs: config.databaseQueryTimeoutMs });
  const closers: Array<() => Promise<void>> = [() => database.close()];
  try {
    const blobs = await openBlobStore(config.blobStoreUrl);
    closers.unshift(() => blobs.close());
    const accounts = new KyselyAccountRepository(database.db);
    const log = createLogger(config.logLevel, process.stderr);
    const bus = await openConfiguredPurgeBus(config, database, log);
    closers.unshift(() => bus.close());
    // An import records no webhook events, so there is no dispatcher to wake.
    const changes = new KyselyChanges({ database, bus, clock: systemClock, poke: () => undefined });
    const svgSanitizer = new SvgSanitizer();
    closers.unshift(() => svgSanitizer.close());
    const decodes = new BoundedQueue(Math.max(1, os.availableParallelism()), Number.MAX_SAFE_INTEGER);
    return await fn({
      accounts,
      images: new KyselyImageRepository(database),
      variants: new KyselyVariantRepository(database.db),
      keys: new KyselySigningKeyRepository(database.db),
      blobs,
      changes,
      inspect: (bytes) => decodes.run(() => inspectImage(bytes, undefined, { svgSanitizer, decodeTimeoutMs: config.transformTimeoutMs })),
      imageQuota: config.imageQuota,
    });
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}
