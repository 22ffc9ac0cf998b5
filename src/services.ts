/**
 * Composition root: opens the stores named in the config and wires the domain services.
 * buildApp() takes the result; main.ts and the tests both start here.
 */
import cluster from 'node:cluster';
import path from 'node:path';
import { AccountService } from './accounts/account-service.js';
import { createVision } from './ai/vision.js';
import { BatchTokenService } from './accounts/batch-tokens.js';
import { DeliveryConfigService } from './accounts/delivery-config.js';
import type { SigningKeyRepository } from './signing/model.js';
import type { VariantRepository } from './variants/model.js';
import { ClusterFlights, localFlights } from './cache/cluster-flights.js';
import { DiskCache } from './cache/disk-cache.js';
import { MemoryLru } from './cache/memory-lru.js';
import { openPurgeBus } from './purge/open-purge-bus.js';
import type { PurgeBus } from './purge/purge-bus.js';
import { imageKeyPrefix } from './cache/rendition.js';
import { RenditionCache } from './cache/rendition-cache.js';
import { DeliveryMetadata } from './delivery/delivery-metadata.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { DeliveryVersionBump } from './purge/delivery-version-bump.js';
import { PurgeGenerations } from './purge/purge-generations.js';
import { ClusterMetrics } from './metrics/cluster-metrics.js';
import { createMetrics, type PictorMetrics } from './metrics/pictor-metrics.js';
import { setBackgroundNice } from './util/background-thread-priority.js';
import type { Config } from './config.js';
import { createLogger, type Log } from './logger.js';
import { DirectUploadService } from './images/direct-upload-service.js';
import { ImageService, type SourceFetcher } from './images/image-service.js';
import type { ImageRepository } from './images/model.js';
import { KyselyAccountRepository } from './storage/account-repository.js';
import type { BlobStore } from './storage/blobs/blob-store.js';
import { openBlobStore } from './storage/blobs/open-blob-store.js';
import { type Database, openDatabase } from './storage/database.js';
import { type ChangeRepositories, KyselyChanges } from './storage/change-transactions.js';
import { KyselyImageRepository } from './storage/image-repository.js';
import { KyselySigningKeyRepository } from './storage/signing-key-repository.js';
import { KyselyVariantRepository } from './storage/variant-repository.js';
import { SigningKeyService } from './signing/key-service.js';
import { BoundedQueue } from './util/bounded-queue.js';
import { VariantService } from './variants/variant-service.js';
import { type Clock, systemClock } from './util/clock.js';
import { fetchSource } from './images/fetch-source.js';
import { limits } from './limits.js';
import { createAddressPolicy } from './net/address-policy.js';
import { SvgSanitizer } from './render/svg-sanitizer.js';
import { KyselyBatchTokenRepository } from './storage/batch-token-repository.js';
import { KyselyWebhookRepository } from './storage/webhook-repository.js';
import { ClientSlots } from './util/client-slots.js';
import { RateLimiter } from './util/rate-limiter.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { WebhookOutbox } from './webhooks/outbox.js';
import { WebhookService } from './webhooks/webhook-service.js';
import type { LookupFunction } from 'node:net';
import { createTransformations, type Transformations } from './origins/transformations.js';
import { BindingService } from './binding/binding-service.js';

export interface Services {
  config: Config;
  /** The process's one logger: background work logs here, and the app's request log too. */
  log: Log;
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
  delivery: DeliveryService;
  /** /cdn-cgi/image/ and the zone purge API (src/origins/). */
  transformations: Transformations;
  /** The Images binding's backend (transform, draw, info). */
  binding: BindingService;
  renditionCache: RenditionCache;
  transformQueue: BoundedQueue;
  metrics: PictorMetrics;
  /** The exposition for GET /metrics: this process's, or (cluster workers) the whole machine's; rejects when it cannot be collected. */
  metricsText(scope: 'machine' | 'process'): Promise<string>;
  directUploads: DirectUploadService;
  webhooks: WebhookService;
  webhookDispatcher: WebhookDispatcher;
  batchTokens: BatchTokenService;
  /** Per-credential request limits (undefined = unlimited). */
  rateLimits: { api: RateLimiter | undefined; batch: RateLimiter };
  /** Uploads in flight per client address (undefined = unlimited). */
  uploadSlots: ClientSlots | undefined;
  /** Public base URL of delivery; set once the listening port is known. */
  urls: { delivery: string };
  close(): Promise<void>;
}

export interface ServiceOverrides {
  clock?: Clock;
  fetchSource?: SourceFetcher;
  /** Where the disk rendition cache lives (default `<data dir>/cache`; each worker process has its own). */
  cacheDir?: string;
  /** DNS for remote-source fetches (tests point public names at loopback). */
  originLookup?: LookupFunction;
  /** Wraps the repositories a change writes through in its transaction (tests fail one half-way). */
  wrapChangeRepositories?: (repositories: ChangeRepositories) => ChangeRepositories;
  /** Default: a logger at PICTOR_LOG_LEVEL on stdout. */
  log?: Log;
}

/** The purge bus the settings name (Redis, PostgreSQL LISTEN/NOTIFY, or between this machine's workers). */
export function openConfiguredPurgeBus(config: Pick<Config, 'purgeBusUrl' | 'databaseUrl'>, database: Database, log: Log): Promise<PurgeBus> {
  return openPurgeBus(
    {
      redisUrl: config.purgeBusUrl,
      postgres: database.dialect === 'postgres' ? { connectionString: config.databaseUrl, db: database.db } : undefined,
    },
    (err) => log.warn({ err }, 'purge bus'),
  );
}

export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(config.logLevel);
  const database = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize, queryTimeoutMs: config.databaseQueryTimeoutMs });
  const blobs = await openBlobStore(config.blobStoreUrl);
  const accountRepository = new KyselyAccountRepository(database.db);
  const bus = await openConfiguredPurgeBus(config, database, log);
  const imageRepository = new KyselyImageRepository(database);
  const variantRepository = new KyselyVariantRepository(database.db);
  const signingKeyRepository = new KyselySigningKeyRepository(database.db);
  const urls = { delivery: config.deliveryUrl ?? `http://${config.host}:${config.port}` };
  const accounts = new AccountService(accountRepository, clock);
  const webhookRepository = new KyselyWebhookRepository(database.db);
  const webhookPolicy = createAddressPolicy(config.webhookAllow);
  const webhookDispatcher = new WebhookDispatcher(
    webhookRepository,
    clock,
    {
      timeoutMs: config.webhookTimeoutMs,
      retryBaseMs: config.webhookRetryBaseMs,
      maxAttempts: config.webhookMaxAttempts,
      pollMs: limits.webhookPollMs,
      policy: webhookPolicy,
    },
    (err) => log.error({ err }, 'webhook dispatcher failed'),
  );
  const svgSanitizer = new SvgSanitizer();
  const events = new WebhookOutbox(webhookRepository, clock, () => webhookDispatcher.poke());
  const changes = new KyselyChanges({ database, bus, clock, poke: () => webhookDispatcher.poke(), wrap: overrides.wrapChangeRepositories });
  const purge = new DeliveryVersionBump(bus, changes);
  const images = new ImageService({
    images: imageRepository,
    variants: variantRepository,
    blobs,
    changes,
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
    inspectQueue: new BoundedQueue(limits.inspect.concurrency, limits.inspect.queued),
    inspection: { svgSanitizer, decodeTimeoutMs: config.transformTimeoutMs },
    onStrayBlob: (blobKey, err) => log.warn({ blobKey, err }, 'could not delete the blob of a deleted image; the stray-blob sweep will'),
  });
  const directUploads = new DirectUploadService({
    images: imageRepository,
    imageService: images,
    accounts,
    blobs,
    changes,
    events,
    clock,
    deliveryBase: () => urls.delivery,
  });
  const variants = new VariantService(variantRepository, changes, clock);
  const keys = new SigningKeyService(signingKeyRepository, changes, clock);
  const deliveryConfig = new DeliveryConfigService(changes);
  setBackgroundNice(config.transformThreadNice);
  const transformQueue = new BoundedQueue(config.transformConcurrency, config.transformQueueLimit);
  const metrics = createMetrics({ queueDepth: () => transformQueue.queued, transformsActive: () => transformQueue.active, purgeBusConnected: () => purge.connected() });
  // One per process: its IPC listener answers both renditions' and remote sources' flights.
  const flights = cluster.isWorker ? new ClusterFlights() : localFlights;
  const renditionCache = new RenditionCache(
    config.cacheMemoryBytes > 0 ? new MemoryLru(config.cacheMemoryBytes) : undefined,
    config.cacheDiskBytes > 0
      ? await DiskCache.open(overrides.cacheDir ?? path.join(config.dataDir, 'cache'), config.cacheDiskBytes, { onDroppedWrite: () => metrics.cacheWritesDropped.inc() })
      : undefined,
    metrics.cache,
    flights,
  );
  purge.subscribe((event) => {
    metrics.purges.inc({ kind: event.kind });
    if (event.kind === 'image') void renditionCache.purgeImage(imageKeyPrefix(event.accountId, event.imageId));
    else if (event.kind === 'all') void renditionCache.clear();
  });
  const vision = createVision({
    faceDetection: config.faceDetection,
    segmentation: config.segmentation,
    segmentationModel: config.segmentationModel,
  });
  const delivery = new DeliveryService({
    metadata: new DeliveryMetadata({ accounts, images: imageRepository, variants: variantRepository, keys: signingKeyRepository, bus: purge }),
    blobs,
    cache: renditionCache,
    queue: transformQueue,
    transformTimeoutMs: config.transformTimeoutMs,
    generations: new PurgeGenerations(purge),
    clock,
    metrics,
    originals: config.originalsCacheBytes > 0 ? new MemoryLru<Buffer>(config.originalsCacheBytes, (b) => b.length) : undefined,
    vision,
    svgSanitizer,
  });
  const transformations = createTransformations({ config, accounts, bus: purge, flights, renditionCache, transformQueue, metrics, clock, lookup: overrides.originLookup, vision, svgSanitizer });
  const binding = new BindingService({ queue: transformQueue, metrics, transformTimeoutMs: config.transformTimeoutMs, vision, svgSanitizer });
  const clusterMetrics = cluster.isWorker ? new ClusterMetrics(metrics.registry) : undefined;
  return {
    metricsText: (scope) => (scope === 'machine' && clusterMetrics ? clusterMetrics.machine() : metrics.registry.metrics()),
    config,
    log,
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
    delivery,
    transformations,
    binding,
    renditionCache,
    transformQueue,
    metrics,
    directUploads,
    webhooks: new WebhookService(webhookRepository, clock, webhookPolicy),
    webhookDispatcher,
    batchTokens: new BatchTokenService(new KyselyBatchTokenRepository(database.db), clock),
    rateLimits: {
      api: config.apiRateLimit > 0 ? new RateLimiter(config.apiRateLimit, limits.rateLimitWindowMs.api) : undefined,
      batch: new RateLimiter(config.batchRateLimit, limits.rateLimitWindowMs.batch),
    },
    uploadSlots: config.uploadsPerClient > 0 ? new ClientSlots(config.uploadsPerClient) : undefined,
    urls,
    async close() {
      await webhookDispatcher.stop();
      await vision.close();
      await purge.close();
      await blobs.close();
      await database.close();
      await svgSanitizer.close();
    },
  };
}
