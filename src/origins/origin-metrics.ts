/**
 * Remote-source metrics, labelled by origin (scheme://host:port), which the allow-list bounds unless
 * PICTOR_TRANSFORM_SOURCES is `*`.
 */
import { Counter, type Registry } from 'prom-client';

export interface OriginMetrics {
  /** Requests sent to origins, by result: `ok` (a body), `not_modified`, `error`. */
  fetches: Counter<'origin' | 'result'>;
  /** Conditional requests, by outcome: `unchanged` (304) or `changed` (a new body). */
  revalidations: Counter<'origin' | 'outcome'>;
  bytes: Counter<'origin'>;
  /** Failed source fetches by Cloudflare error code. */
  errors: Counter<'origin' | 'code'>;
}

export function createOriginMetrics(registry: Registry): OriginMetrics {
  const registers = [registry];
  return {
    fetches: new Counter({ name: 'pictor_origin_fetches_total', help: 'Requests to remote-source origins by origin and result (ok, not_modified, error)', labelNames: ['origin', 'result'] as const, registers }),
    revalidations: new Counter({ name: 'pictor_origin_revalidations_total', help: 'Conditional requests to origins by origin and outcome (unchanged, changed)', labelNames: ['origin', 'outcome'] as const, registers }),
    bytes: new Counter({ name: 'pictor_origin_bytes_total', help: 'Source bytes downloaded from origins, by origin', labelNames: ['origin'] as const, registers }),
    errors: new Counter({ name: 'pictor_origin_errors_total', help: 'Failed source fetches by origin and Cloudflare error code', labelNames: ['origin', 'code'] as const, registers }),
  };
}
