/**
 * Wires remote-source transformations from the narrow pieces they share with hosted images: the
 * rendition cache, its flights and the transform queue, the purge bus, the zone's account.
 */
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import type { Flights } from '../cache/cluster-flights.js';
import type { PurgeBus } from '../purge/purge-bus.js';
import type { RenditionCache } from '../cache/rendition-cache.js';
import type { Config } from '../config.js';
import { connectionHintHeaders, widthHintHeaders } from '../delivery/client-hint-headers.js';
import { fetchFromOrigin } from '../images/fetch-source.js';
import { limits } from '../limits.js';
import type { Vision } from '../ai/vision.js';
import type { PictorMetrics } from '../metrics/pictor-metrics.js';
import type { SvgSanitizer } from '../render/svg-sanitizer.js';
import type { BoundedQueue } from '../util/bounded-queue.js';
import type { Clock } from '../util/clock.js';
import { originFetchFailures } from './origin-errors.js';
import { createOriginMetrics } from './origin-metrics.js';
import { createOriginPolicy } from './origin-policy.js';
import { SourceCache } from './source-cache.js';
import { SourceFiles } from './source-files.js';
import { SourcePurge } from './source-purge.js';
import { TransformService } from './transform-service.js';
import { Zone, type ZoneAccounts } from './zone.js';

export interface Transformations {
  service: TransformService;
  purge: SourcePurge;
  zone: Zone;
}

export interface TransformationDeps {
  config: Config;
  accounts: ZoneAccounts;
  bus: PurgeBus;
  flights: Flights;
  renditionCache: RenditionCache;
  transformQueue: BoundedQueue;
  metrics: PictorMetrics;
  clock: Clock;
  lookup: LookupFunction | undefined;
  vision: Vision | undefined;
  svgSanitizer: SvgSanitizer;
}

export function createTransformations(deps: TransformationDeps): Transformations {
  const { config } = deps;
  const policy = createOriginPolicy({ defaultOrigin: config.transformOrigin, sources: config.transformSources });
  const sources = new SourceCache({
    // The limits of upload by URL: bytes, time, redirects.
    fetch: (url, conditional) =>
      fetchFromOrigin(url, {
        timeoutMs: config.urlUploadTimeoutMs,
        maxRedirects: config.urlUploadMaxRedirects,
        maxBytes: limits.maxFileBytes,
        allow: [...policy.exemptHosts],
        ...(deps.lookup ? { lookup: deps.lookup } : {}),
        failures: originFetchFailures,
        ...(conditional ? { headers: conditional } : {}),
        userAgent: 'Pictor (image transformations)',
      }),
    flights: deps.flights,
    clock: deps.clock,
    metrics: createOriginMetrics(deps.metrics.registry),
    lifetime: { floorSeconds: config.transformSourceTtlMinSeconds, ceilingSeconds: config.transformSourceTtlMaxSeconds },
    errorTtlSeconds: config.transformErrorTtlSeconds,
    maxBytes: config.transformSourceCacheBytes,
    files: config.transformSourceCacheBytes > 0 ? new SourceFiles(path.join(config.dataDir, 'source-cache'), config.transformSourceCacheBytes) : undefined,
    recheckOnZoneChange: !deps.bus.synchronous,
  });
  const zone = new Zone(deps.accounts, deps.bus, { accountId: config.accountId, zoneId: config.zoneId });
  const service = new TransformService({
    policy,
    sources,
    zone,
    cache: deps.renditionCache,
    maker: { queue: deps.transformQueue, metrics: deps.metrics, transformTimeoutMs: config.transformTimeoutMs, vision: deps.vision, svgSanitizer: deps.svgSanitizer },
    hintHeaders: { width: widthHintHeaders, connection: connectionHintHeaders },
  });
  return { service, purge: new SourcePurge(deps.bus, sources, deps.renditionCache), zone };
}
