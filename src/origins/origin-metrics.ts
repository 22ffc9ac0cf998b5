/**
 * Remote-source metrics, in the current registry's style; kept apart so they move to prom-client
 * with the rest in one step. Labelled by origin (scheme://host:port), which the allow-list bounds
 * unless PICTOR_TRANSFORM_SOURCES is `*`.
 */
import { Counter, type Registry } from '../metrics/registry.js';

export interface OriginMetrics {
  /** Requests sent to origins, by result: `ok` (a body), `not_modified`, `error`. */
  fetches: Counter;
  /** Conditional requests, by outcome: `unchanged` (304) or `changed` (a new body). */
  revalidations: Counter;
  bytes: Counter;
  /** Failed source fetches by Cloudflare error code. */
  errors: Counter;
}

export function createOriginMetrics(registry: Registry): OriginMetrics {
  return {
    fetches: registry.add(new Counter('pictor_origin_fetches_total', 'Requests to remote-source origins by origin and result (ok, not_modified, error)')),
    revalidations: registry.add(new Counter('pictor_origin_revalidations_total', 'Conditional requests to origins by origin and outcome (unchanged, changed)')),
    bytes: registry.add(new Counter('pictor_origin_bytes_total', 'Source bytes downloaded from origins, by origin')),
    errors: registry.add(new Counter('pictor_origin_errors_total', 'Failed source fetches by origin and Cloudflare error code')),
  };
}
