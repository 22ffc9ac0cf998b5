/** Pictor's metrics, exposed at GET /metrics. */
import { Counter, Gauge, Histogram, Registry } from './registry.js';

export interface PictorMetrics {
  registry: Registry;
  requests: Counter;
  cache: Counter;
  transforms: Counter;
  transformSeconds: Histogram;
  purges: Counter;
}

export function createMetrics(queueDepth: () => number, transformsActive: () => number, purgeBusConnected: () => boolean): PictorMetrics {
  const registry = new Registry();
  const metrics: PictorMetrics = {
    registry,
    requests: registry.add(new Counter('pictor_http_requests_total', 'HTTP requests by route and status')),
    cache: registry.add(new Counter('pictor_rendition_cache_total', 'Rendition cache lookups by tier and result (hit/miss)')),
    transforms: registry.add(new Counter('pictor_transforms_total', 'Image transforms run, by output format')),
    transformSeconds: registry.add(
      new Histogram('pictor_transform_seconds', 'Time spent transforming one rendition', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    ),
    purges: registry.add(new Counter('pictor_purge_events_total', 'Purge events applied by this process, by kind (`all`: after a purge listener reconnected)')),
  };
  registry.add(new Gauge('pictor_transform_queue_depth', 'Transforms waiting for a slot', queueDepth));
  registry.add(new Gauge('pictor_transforms_in_flight', 'Transforms running now', transformsActive));
  registry.add(new Gauge('pictor_purge_bus_connected', '1 while purge messages from other processes can arrive', () => +purgeBusConnected()));
  registry.add(new Gauge('process_resident_memory_bytes', 'Resident set size', () => process.memoryUsage.rss()));
  return metrics;
}
