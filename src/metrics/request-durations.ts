/**
 * The request-duration histogram's hot path. prom-client's `labels()` builds a key string from the
 * label values on every call; here each label set's child is found by nested Map lookups on values
 * the request already holds, so a request that repeats a seen label set allocates nothing.
 */
import type { Histogram } from 'prom-client';

type Labels = 'route' | 'status' | 'cache' | 'format';
type Child = ReturnType<Histogram<Labels>['labels']>;
type Level<K, V> = Map<K, V>;

/** The `X-Pictor-Cache` header a delivery answer carries → the cache tier that answered it. */
const CACHE_TIER: Record<string, string> = { 'hit-memory': 'memory', 'hit-disk': 'disk', miss: 'render' };
/** Output formats by content type; anything else (JSON, error text) is not a rendition. */
const FORMAT: Record<string, string> = {
  'image/avif': 'avif',
  'image/webp': 'webp',
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/svg+xml': 'svg',
};
const NONE = 'none';

/** The map under `key` in `level`, made empty the first time. */
function below<K, L extends Level<unknown, unknown>>(level: Level<K, L>, key: K): L {
  let next = level.get(key);
  if (next === undefined) {
    next = new Map() as L;
    level.set(key, next);
  }
  return next;
}

export class RequestDurations {
  private readonly children: Level<string, Level<number, Level<string, Level<string, Child>>>> = new Map();

  constructor(private readonly histogram: Histogram<Labels>) {}

  /**
   * One finished request: its route template, status, and for a delivery answer the tier that
   * served it (from `X-Pictor-Cache`) and the rendition's content type.
   */
  observe(route: string, status: number, cacheHeader: unknown, contentType: unknown, seconds: number): void {
    const cache = (typeof cacheHeader === 'string' && CACHE_TIER[cacheHeader]) || NONE;
    const format = (cache !== NONE && typeof contentType === 'string' && FORMAT[contentType]) || NONE;
    const byFormat = below(below(below(this.children, route), status), cache);
    let child = byFormat.get(format);
    if (child === undefined) {
      child = this.histogram.labels({ route, status, cache, format });
      byFormat.set(format, child);
    }
    child.observe(seconds);
  }
}
