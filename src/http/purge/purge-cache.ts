/**
 * POST /client/v4/zones/:zone_id/purge_cache, as the official SDK's `client.cache.purge()` sends
 * it: exactly one of `files` (URLs, or `{url, headers}` objects), `prefixes` (`host/path`, no
 * scheme), `hosts`, or `purge_everything: true`. Purging a source URL drops every rendition made
 * from it; the call returns once every worker of every node sharing a synchronous bus has applied
 * it (other nodes revalidate on their next request: see src/origins/zone.ts).
 */
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../authenticate.js';
import { ok } from '../envelope.js';
import type { ApiApp } from '../types.js';
import type { SourcePurgeTarget } from '../../purge/purge-bus.js';
import { errors } from '../../errors.js';
import { limits } from '../../limits.js';
import type { Services } from '../../services.js';
import { withoutScheme } from '../../origins/source-cache.js';
import type { RateLimiter } from '../../util/rate-limiter.js';

export type PurgeCacheDeps = Pick<Services, 'accounts' | 'batchTokens' | 'transformations' | 'clock'> & { rateLimits: { api: RateLimiter | undefined } };

const kinds = ['files', 'prefixes', 'hosts', 'tags', 'purge_everything'] as const;

export function purgeCache(app: ApiApp, deps: PurgeCacheDeps): void {
  app.post('/client/v4/zones/:zone_id/purge_cache', async (request) => {
    const accountId = await authorize(request, deps);
    const target = purgeTarget(request.body);
    await deps.transformations.purge.purge(accountId, target);
    return ok({ id: (request.params as { zone_id: string }).zone_id });
  });
}

/** The zone's account, if the credential may write to it; otherwise Cloudflare's answers. */
async function authorize(request: FastifyRequest, deps: PurgeCacheDeps): Promise<string> {
  const principal = await authenticate(deps, request);
  const limiter = deps.rateLimits.api;
  if (limiter) {
    const decision = limiter.take(`${principal.kind}:${principal.id}`, deps.clock.now());
    if (!decision.ok) throw errors.rateLimited(decision.retryAfterSeconds);
  }
  const { zone } = deps.transformations;
  const zoneId = (request.params as { zone_id: string }).zone_id;
  if (zoneId !== (await zone.id())) throw errors.invalidObjectIdentifier(request.url.split('?')[0]!);
  const account = await zone.account();
  if (principal.grants.get(account.id) !== 'write') throw errors.authenticationError();
  return account.id;
}

function purgeTarget(body: unknown): SourcePurgeTarget {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('The body must be a JSON object with files, prefixes, hosts or purge_everything');
  const given = kinds.filter((kind) => (body as Record<string, unknown>)[kind] !== undefined);
  const unknown = Object.keys(body).filter((key) => !(kinds as readonly string[]).includes(key));
  if (unknown.length) throw errors.badRequest(`Unknown purge field ${JSON.stringify(unknown[0])}: use files, prefixes, hosts or purge_everything`);
  if (given.length !== 1) throw errors.badRequest('Send exactly one of files, prefixes, hosts or purge_everything');
  const kind = given[0]!;
  const value = (body as Record<string, unknown>)[kind];
  if (kind === 'purge_everything') {
    if (value !== true) throw errors.badRequest('purge_everything must be true');
    return { everything: true };
  }
  if (kind === 'tags') throw errors.badRequest('Purge by cache tag is not supported: purge by files, prefixes, hosts or purge_everything');
  if (!Array.isArray(value) || value.length === 0) throw errors.badRequest(`${kind} must be a non-empty array`);
  if (value.length > limits.maxPurgeItems) throw errors.badRequest(`${kind} may list at most ${limits.maxPurgeItems} entries per request`);
  if (kind === 'files') return { files: value.map(fileUrl) };
  // `host:` also matches the host on any port (a host name holds no colon).
  if (kind === 'hosts') return { prefixes: value.flatMap((host) => ['/', ':'].map((end) => text(host, 'hosts').toLowerCase() + end)) };
  return { prefixes: value.map(prefix) };
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 4096) throw errors.badRequest(`Each entry of ${field} must be a non-empty string`);
  return value;
}

/** A URL string or `{url, headers}`; headers are accepted and ignored (every rendition of the URL goes). */
function fileUrl(entry: unknown): string {
  const raw = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as { url?: unknown }).url : entry;
  const url = text(raw, 'files');
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw errors.badRequest(`files entries must be absolute http(s) URLs; ${JSON.stringify(url.slice(0, 100))} is not`);
  return new URL(url).href;
}

/** `host/path` (a scheme, if sent, is dropped); the host is lower-cased as URLs store it. */
function prefix(entry: unknown): string {
  const raw = withoutScheme(text(entry, 'prefixes'));
  const slash = raw.indexOf('/');
  return slash === -1 ? `${raw.toLowerCase()}/` : raw.slice(0, slash).toLowerCase() + raw.slice(slash);
}
