/**
 * /cdn-cgi/image/<options>/<source>: options through the shared option table, the source through
 * the origin policy and the source cache, the rendition through the same cache, single flight,
 * queue and renderer as hosted images (src/renditions/). No HTTP types here; the route adapts.
 */
import type { RenditionCache, RenditionSource } from '../cache/rendition-cache.js';
import type { Rendition } from '../cache/rendition.js';
import { ImagesError } from '../errors.js';
import type { ClientHints } from '../render/client-hints.js';
import { makeRendition, matchesEtag, renditionHeaders, requestKeyParts, type HintHeaderNames, type RenditionMaker } from '../renditions/make-rendition.js';
import { SpecMemo } from '../variants/spec-memo.js';
import type { TransformSpec } from '../render/spec.js';
import { originErrors } from './origin-errors.js';
import type { OriginPolicy } from './origin-policy.js';
import { SourceChangedError, type Source, type SourceCache } from './source-cache.js';
import type { Zone } from './zone.js';

export interface TransformRequest {
  /** The raw path after `/cdn-cgi/image/`: `<options>/<source>`. */
  path: string;
  /** The raw query string (part of the source URL), without `?`. */
  query: string;
  accept: string | undefined;
  clientHints: ClientHints;
  ifNoneMatch: string | undefined;
}

export interface TransformResponse {
  status: 200 | 302 | 304;
  headers: Record<string, string>;
  body: Buffer | undefined;
  cache: RenditionSource | undefined;
}

export interface TransformServiceDeps {
  policy: OriginPolicy;
  sources: SourceCache;
  zone: Zone;
  cache: RenditionCache;
  maker: RenditionMaker;
  hintHeaders: HintHeaderNames;
}

/** Renditions of one source share a prefix, so purging the source drops them together. */
export const sourceKeyPrefix = (accountId: string, url: string): string => `t:${accountId}/${encodeURIComponent(url)}`;

export class TransformService {
  private readonly specs = new SpecMemo('transform');

  constructor(private readonly deps: TransformServiceDeps) {}

  get enabled(): boolean {
    return this.deps.policy.enabled;
  }

  async transform(request: TransformRequest): Promise<TransformResponse> {
    try {
      return await this.transformOnce(request);
    } catch (error) {
      // The source's file had gone and its origin changed it meanwhile: again, on the new version.
      if (error instanceof SourceChangedError) return this.transformOnce(request);
      throw error;
    }
  }

  private async transformOnce(request: TransformRequest): Promise<TransformResponse> {
    const { policy } = this.deps;
    if (!policy.enabled) throw originErrors.transformsDisabled();
    const slash = request.path.indexOf('/');
    if (slash <= 0 || slash === request.path.length - 1) {
      throw originErrors.transformUrlInvalid('expected /cdn-cgi/image/<options>/<source>');
    }
    const { spec, canonical, onError } = this.specs.options(request.path.slice(0, slash));
    const url = policy.resolve(request.path.slice(slash + 1) + (request.query ? `?${request.query}` : ''));
    // Unlike hosted images, a transformation negotiates only when asked (format=auto): without a
    // format option the output is a standard format close to the source's, whatever Accept says.
    const renderRequest = spec.format === undefined ? { ...request, accept: undefined } : request;
    try {
      const account = await this.deps.zone.account();
      const source = await this.deps.sources.get(url.href, account.deliveryVersion);
      const prefix = sourceKeyPrefix(account.id, url.href);
      // An SVG is served sanitized whatever the options (as for hosted images): one rendition.
      const parts = source.format === 'svg' ? [source.version, 'svg'] : [source.version, canonical, ...requestKeyParts(spec, renderRequest)];
      const { rendition, source: tier } = await this.deps.cache.getOrCreate(`${prefix}/`, `${prefix}/${parts.join('|')}`, () =>
        makeRendition(this.deps.maker, async () => ({ bytes: await this.deps.sources.bytes(source), format: source.format }), spec, renderRequest),
      );
      return this.respond(spec, source, spec.format === undefined ? { ...rendition, varyAccept: false } : rendition, tier, request);
    } catch (error) {
      if (onError === 'redirect' && error instanceof ImagesError && policy.mayRedirectTo(url)) return redirect(url, error);
      throw error;
    }
  }

  private respond(spec: TransformSpec, source: Source, rendition: Rendition, tier: RenditionSource, request: TransformRequest): TransformResponse {
    const headers = renditionHeaders(rendition, spec, this.deps.hintHeaders);
    // Cloudflare's shape, `cf-<rendition>:<origin ETag>`: the source's ETag shows whether it is current.
    const originTag = source.etag?.replace(/^W\//, '').replace(/^"|"$/g, '');
    const etag = originTag ? `"cf-${rendition.etag.slice(1, -1)}:${originTag}"` : rendition.etag;
    headers.etag = etag;
    headers['cache-control'] = source.mustRevalidate ? `public, max-age=${source.ttlSeconds}, must-revalidate` : `public, max-age=${source.ttlSeconds}`;
    headers['cf-resized'] = 'internal=ok';
    const notModified = matchesEtag(request.ifNoneMatch, etag);
    return { status: notModified ? 304 : 200, headers, body: notModified ? undefined : rendition.body, cache: tier };
  }
}

function redirect(url: URL, error: ImagesError): TransformResponse {
  return {
    status: 302,
    headers: { location: url.href, 'cf-resized': `err=${error.code}`, 'cache-control': 'no-store', 'access-control-allow-origin': '*' },
    body: undefined,
    cache: undefined,
  };
}
