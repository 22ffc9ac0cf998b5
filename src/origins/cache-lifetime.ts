/**
 * How long a fetched source may be used before it is revalidated: the origin's Cache-Control
 * (s-maxage, then max-age) or Expires, held between a floor and a ceiling. As Cloudflare does for
 * resized images, the floor does not apply when the origin asks for revalidation (no-cache,
 * must-revalidate, no-store): those are checked with the origin every time.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface LifetimeBounds {
  floorSeconds: number;
  ceilingSeconds: number;
}

export interface Lifetime {
  seconds: number;
  /** The origin wants every use checked with it (no floor applied). */
  mustRevalidate: boolean;
}

export function sourceLifetime(headers: IncomingHttpHeaders, nowMs: number, bounds: LifetimeBounds): Lifetime {
  const directives = parseCacheControl(headers['cache-control']);
  const mustRevalidate = directives.has('no-cache') || directives.has('no-store') || directives.has('must-revalidate') || directives.has('proxy-revalidate');
  const declared = seconds(directives.get('s-maxage')) ?? seconds(directives.get('max-age')) ?? expiresIn(headers.expires, headers.date, nowMs);
  if (directives.has('no-cache') || directives.has('no-store')) return { seconds: 0, mustRevalidate };
  if (mustRevalidate) return { seconds: Math.min(declared ?? 0, bounds.ceilingSeconds), mustRevalidate };
  return { seconds: Math.min(Math.max(declared ?? bounds.floorSeconds, bounds.floorSeconds), bounds.ceilingSeconds), mustRevalidate };
}

function parseCacheControl(header: string | undefined): Map<string, string | undefined> {
  const directives = new Map<string, string | undefined>();
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.split('=', 2).map((s) => s.trim());
    if (name) directives.set(name.toLowerCase(), value?.replace(/^"|"$/g, ''));
  }
  return directives;
}

function seconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

function expiresIn(expires: string | undefined, date: string | undefined, nowMs: number): number | undefined {
  if (expires === undefined) return undefined;
  const at = Date.parse(expires);
  // An invalid Expires ("0", "-1") means already expired.
  if (Number.isNaN(at)) return 0;
  const reference = date !== undefined && !Number.isNaN(Date.parse(date)) ? Date.parse(date) : nowMs;
  return Math.max(0, Math.floor((at - reference) / 1000));
}
