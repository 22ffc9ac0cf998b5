/**
 * Pictor's metrics on prom-client, exposed at GET /metrics (see metrics-endpoint.ts). Custom metrics
 * are summed across cluster workers by prom-client's aggregator unless their `aggregator` says
 * otherwise; the default process metrics carry their own (event-loop lag averaged, and so on).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheLookups } from '../cache/rendition-cache.js';
import { RequestDurations } from './request-durations.js';

export interface PictorMetrics {
  registry: Registry;
  requests: RequestDurations;
  cache: CacheLookups;
  /** Disk copies of renditions not written because the write-behind queue was full. */
  cacheWritesDropped: Counter;
  transforms: Counter<'format'>;
  transformSeconds: Histogram<'format'>;
  transformWaitSeconds: Histogram;
  purges: Counter<'kind'>;
}

export interface MetricSources {
  queueDepth: () => number;
  transformsActive: () => number;
  purgeBusConnected: () => boolean;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(sources: MetricSources): PictorMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const lookups = new Counter({
    name: 'pictor_rendition_cache_total',
    help: 'Rendition cache lookups by tier and result (hit/miss)',
    labelNames: ['tier', 'result'] as const,
    registers,
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('pictor_transform_queue_depth', 'Transforms waiting for a slot', sources.queueDepth);
  gauge('pictor_transforms_in_flight', 'Transforms running now', sources.transformsActive);
  gauge('pictor_purge_bus_connected', '1 while purge messages from other processes can arrive', () => +sources.purgeBusConnected());
  // 1 in every process, so the machine's view (summed over workers) counts the workers in it.
  gauge('pictor_workers', 'Worker processes that contributed to these metrics', () => 1);
  return {
    registry,
    requests: new RequestDurations(
      new Histogram({
        name: 'pictor_http_request_duration_seconds',
        help: 'HTTP requests by route template, status, cache tier that answered (memory, disk, render; none off delivery) and output format',
        labelNames: ['route', 'status', 'cache', 'format'] as const,
        buckets: SECONDS,
        registers,
      }),
    ),
    cache: {
      memory: { hit: lookups.labels('memory', 'hit'), miss: lookups.labels('memory', 'miss') },
      disk: { hit: lookups.labels('disk', 'hit'), miss: lookups.labels('disk', 'miss') },
    },
    cacheWritesDropped: new Counter({
      name: 'pictor_rendition_cache_writes_dropped_total',
      help: 'Renditions not copied to the disk cache because its write queue was full',
      registers,
    }),
    transforms: new Counter({ name: 'pictor_transforms_total', help: 'Image transforms run, by output format', labelNames: ['format'] as const, registers }),
    transformSeconds: new Histogram({
      name: 'pictor_transform_seconds',
      help: 'Time spent transforming one rendition, by output format',
      labelNames: ['format'] as const,
      buckets: SECONDS,
      registers,
    }),
    transformWaitSeconds: new Histogram({
      name: 'pictor_transform_queue_wait_seconds',
      help: 'Time a transform waited for a slot',
      buckets: SECONDS,
      registers,
    }),
    purges: new Counter({
      name: 'pictor_purge_events_total',
      help: 'Purge events applied by this process, by kind (`all`: after a purge listener reconnected)',
      labelNames: ['kind'] as const,
      registers,
    }),
  };
}

/** Which worker answered `?scope=worker`; left out of the machine's view, where it means nothing. */
export function addWorkerSlot(registry: Registry, slot: number): void {
  new Gauge({
    name: 'pictor_worker_slot',
    help: 'Which worker process answered (0…PICTOR_WORKERS-1)',
    registers: [registry],
    aggregator: 'omit',
    collect() {
      this.set(slot);
    },
  });
}
