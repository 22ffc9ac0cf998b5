/**
 * Composition root: opens the stores named in the config and wires the domain services.
 * buildApp() takes the result; main.ts and the tests both start here.
 */
import os from 'node:os';
import { AccountService } from './accounts/account-service.js';
import { DeliveryConfigService } from './accounts/delivery-config.js';
import type { SigningKeyRepository, VariantRepository } from './accounts/model.js';
import { LocalPurgeBus, type PurgeBus } from './cache/purge-bus.js';
import type { Config } from './config.js';
import { ImageService, type SourceFetcher } from './images/image-service.js';
import type { ImageRepository } from './images/model.js';
import { KyselyAccountRepository } from './storage/account-repository.js';
import type { BlobStore } from './storage/blobs/blob-store.js';
import { openBlobStore } from './storage/blobs/open-blob-store.js';
import { type Database, openDatabase } from './storage/database.js';
import { KyselyImageRepository } from './storage/image-repository.js';
import { KyselySigningKeyRepository, KyselyVariantRepository } from './storage/variant-repository.js';
import { SigningKeyService } from './signing/key-service.js';
import { BoundedQueue } from './util/bounded-queue.js';
import { VariantService } from './variants/variant-service.js';
import { type Clock, systemClock } from './util/clock.js';
import { fetchSource } from './images/fetch-source.js';
import { limits } from './limits.js';

export interface Services {
  config: Config;
  clock: Clock;
  database: Database;
  blobs: BlobStore;
  purge: PurgeBus;
  imageRepository: ImageRepository;
  variantRepository: VariantRepository;
  signingKeyRepository: SigningKeyRepository;
  accounts: AccountService;
  images: ImageService;
  variants: VariantService;
  keys: SigningKeyService;
  deliveryConfig: DeliveryConfigService;
  /** Public base URL of delivery; set once the listening port is known. */
  urls: { delivery: string };
  close(): Promise<void>;
}

export interface ServiceOverrides {
  clock?: Clock;
  fetchSource?: SourceFetcher;
}

export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const clock = overrides.clock ?? systemClock;
  const database = await openDatabase(config.databaseUrl);
  const blobs = await openBlobStore(config.blobStoreUrl);
  const purge: PurgeBus = new LocalPurgeBus();
  const imageRepository = new KyselyImageRepository(database);
  const variantRepository = new KyselyVariantRepository(database.db);
  const signingKeyRepository = new KyselySigningKeyRepository(database.db);
  const urls = { delivery: config.deliveryUrl ?? `http://${config.host}:${config.port}` };
  const accounts = new AccountService(new KyselyAccountRepository(database.db), clock);
  const images = new ImageService({
    images: imageRepository,
    variants: variantRepository,
    blobs,
    purge,
    clock,
    fetchSource:
      overrides.fetchSource ??
      ((url) =>
        fetchSource(url, {
          timeoutMs: config.urlUploadTimeoutMs,
          maxRedirects: config.urlUploadMaxRedirects,
          maxBytes: limits.maxFileBytes,
          allow: config.urlUploadAllow,
        })),
    deliveryBase: () => urls.delivery,
    imageQuota: config.imageQuota,
    inspectQueue: new BoundedQueue(Math.max(2, os.availableParallelism()), 64),
  });
  const variants = new VariantService(variantRepository, purge, clock);
  const keys = new SigningKeyService(signingKeyRepository, purge, clock);
  const deliveryConfig = new DeliveryConfigService(accounts, purge);
  return {
    config,
    clock,
    database,
    blobs,
    purge,
    imageRepository,
    variantRepository,
    signingKeyRepository,
    accounts,
    images,
    variants,
    keys,
    deliveryConfig,
    urls,
    async close() {
      await purge.close();
      await blobs.close();
      await database.close();
    },
  };
}
