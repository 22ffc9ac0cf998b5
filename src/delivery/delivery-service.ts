/**
 * Delivery: URL → account, image, variant → access check → rendition (cached, single-flight,
 * on a bounded queue) → response headers. No HTTP types here; routes.ts adapts requests.
 * Guards run cheapest first: account and image lookups, signature, option parsing, then the queue.
 */
import type { Account } from '../accounts/model.js';
import type { Vision } from '../ai/vision.js';
import { imageKeyPrefix, type Rendition } from '../cache/rendition.js';
import type { RenditionCache, RenditionSource } from '../cache/rendition-cache.js';
import { errors } from '../errors.js';
import type { ImageRecord } from '../images/model.js';
import type { PictorMetrics } from '../metrics/pictor-metrics.js';
import type { ClientHints } from '../render/client-hints.js';
import type { SvgSanitizer } from '../render/svg-sanitizer.js';
import { makeRendition, matchesEtag, renditionHeaders, requestKeyParts } from '../renditions/make-rendition.js';
import { verifySignature } from '../signing/signed-url.js';
import type { BlobStore } from '../storage/blobs/blob-store.js';
import type { BoundedQueue } from '../util/bounded-queue.js';
import type { Clock } from '../util/clock.js';
import { SpecMemo } from '../variants/spec-memo.js';
import type { TransformSpec } from '../render/spec.js';
import type { VariantRecord } from '../variants/model.js';
import type { MemoryLru } from '../cache/memory-lru.js';
import { connectionHintHeaders, widthHintHeaders } from './client-hint-headers.js';
import type { DeliveryMetadata } from './delivery-metadata.js';
import type { DeliveryPath } from './delivery-path.js';
import type { PurgeGenerations } from '../purge/purge-generations.js';

export interface DeliveryRequest {
  path: DeliveryPath;
  query: URLSearchParams;
  accept: string | undefined;
  clientHints: ClientHints;
  ifNoneMatch: string | undefined;
  /** Aborts when the client goes away: its transform then leaves the queue instead of running. */
  signal?: AbortSignal | undefined;
}

export interface DeliveryResponse {
  status: 200 | 304;
  /** Shared between answers of one rendition: copy before changing. */
  headers: Readonly<Record<string, string>>;
  body: Buffer | undefined;
  cache: RenditionSource;
}

export interface DeliveryServiceDeps {
  metadata: DeliveryMetadata;
  blobs: BlobStore;
  cache: RenditionCache;
  queue: BoundedQueue;
  /** Time one transform may run once it has a queue slot (PICTOR_TRANSFORM_TIMEOUT_MS). */
  transformTimeoutMs: number;
  generations: PurgeGenerations;
  clock: Clock;
  metrics: PictorMetrics;
  /** Recently used originals, keyed by blob key (a blob never changes under its key). */
  originals: MemoryLru<Buffer> | undefined;
  /** Face detection and segmentation; absent: their fallbacks. */
  vision?: Vision | undefined;
  /** Sanitizes SVGs (shared with upload inspection; owned by the composition root). */
  svgSanitizer: SvgSanitizer;
}

/** What a request resolved to before any pixels are touched. */
interface Resolved {
  account: Account;
  image: ImageRecord;
  spec: TransformSpec;
  variantKey: string;
  browserTtl: number;
  /** Set when the image is private: the signature's expiry (Unix seconds), or null for none. */
  signedUntil?: number | null;
}

const variantName = /^[A-Za-z0-9]+$/;
/** The last path segment carries options (`w=400,fit=cover`) rather than a variant name. */
const isFlexible = (variant: string): boolean => variant.includes('=');
/** Private images need a valid signature, unless the named variant never requires one. */
const needsSignature = (image: ImageRecord, named: VariantRecord | undefined): boolean => image.requireSignedURLs && !named?.neverRequireSignedURLs;
/** An image delivery may serve: uploaded (not a draft) and stored. */
const deliverable = (image: ImageRecord | undefined): image is ImageRecord => image !== undefined && !image.draft && !!image.blobKey;
const STALE_WHILE_REVALIDATE = 7200;
const MAX_ATTEMPTS = 5;

export class DeliveryService {
  private readonly specs = new SpecMemo();
  private readonly headersByRendition = new WeakMap<Rendition, { spec: TransformSpec; cacheControl: string; headers: Readonly<Record<string, string>> }>();

  constructor(private readonly deps: DeliveryServiceDeps) {}

  async deliver(request: DeliveryRequest): Promise<DeliveryResponse> {
    const { generations } = this.deps;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const totalBefore = generations.total;
      const account = await this.account(request.path.hash);
      // From here on the request reads only this account and image, so only purges of those count.
      const generation = () => generations.of(account.id, request.path.imageId);
      const before = generation();
      // A purge that landed during the account lookup may have been about this account: look again.
      if (generations.total !== totalBefore) continue;
      try {
        const response = await this.deliverImage(request, account);
        if (generation() === before) return response;
      } catch (err) {
        // A failure caused by a change that landed meanwhile (the blob of an image deleted under us)
        // is judged again on the new state: that request deserves a 404, not a 500.
        if (generation() === before) throw err;
      }
    }
    throw errors.busy(1);
  }

  private async account(hash: string): Promise<Account> {
    const account = await this.deps.metadata.account(hash);
    if (!account) throw errors.deliveryAccountUnknown();
    return account;
  }

  private async deliverImage(request: DeliveryRequest, account: Account): Promise<DeliveryResponse> {
    const image = await this.deps.metadata.image(account, request.path.imageId);
    if (!deliverable(image)) throw errors.deliveryImageNotFound();
    const resolved = await this.resolve(request, account, image);
    const { rendition, source } = await this.rendition(resolved, request);
    return this.respond(resolved, request, rendition, source);
  }

  private async resolve(request: DeliveryRequest, account: Account, image: ImageRecord): Promise<Resolved> {
    const { variant } = request.path;
    let named: VariantRecord | undefined;
    if (!isFlexible(variant)) {
      if (!variantName.test(variant)) throw errors.deliveryUrlInvalid('the last segment must be a variant name or name=value options');
      named = await this.deps.metadata.variant(account, variant);
      if (!named) throw errors.deliveryVariantNotFound(variant);
    }
    const resolved = this.resolveSpec(request, account, image, named);
    if (needsSignature(image, named)) {
      if (!named) throw errors.accessDenied('flexible variants cannot be used with images that require signed URLs');
      const keys = (await this.deps.metadata.signingKeys(account)) ?? [];
      const check = verifySignature([request.path.requestPath, request.path.canonicalPath], request.query, keys, Math.floor(this.deps.clock.now() / 1000));
      if (!check.ok) throw errors.accessDenied(check.reason);
      resolved.signedUntil = check.expiresAt ?? null;
    }
    return resolved;
  }

  /** The spec and cache identity of a request: a named variant's (given) or its flexible options'. */
  private resolveSpec(request: DeliveryRequest, account: Account, image: ImageRecord, named: VariantRecord | undefined): Resolved {
    if (named) {
      return {
        account,
        image,
        spec: this.specs.variant(named),
        variantKey: `v:${named.id}.${named.createdMs}.${named.version}`,
        browserTtl: named.options.browser_ttl ?? account.browserTtl,
      };
    }
    if (!account.flexibleVariants) throw errors.flexibleVariantsDisabled();
    const { spec, canonical } = this.specs.options(request.path.variant);
    return { account, image, spec, variantKey: `o:${canonical}`, browserTtl: account.browserTtl };
  }

  /**
   * The answer when everything it needs is already in this process's memory (metadata and the
   * rendition): the fast path for cached hits. Undefined sends the request down deliver(), which
   * also makes every error answer; signed images always go there.
   * - Where accounts are cached (purges reach this process before a change's API call returns):
   *   answered at once, without I/O or waiting, so no purge can land between its lookups.
   * - Where purges cross processes, the account must be read fresh: when the request would be a
   *   memory hit with the account as last read, a promise of the answer made with a fresh read
   *   (undefined when that read changed the outcome); otherwise undefined at once.
   */
  answerFromMemory(request: DeliveryRequest): DeliveryResponse | Promise<DeliveryResponse | undefined> | undefined {
    const { metadata } = this.deps;
    const { hash } = request.path;
    const cached = metadata.peekAccount(hash);
    if (cached) return this.memoryAnswer(request, cached);
    const lastRead = metadata.lastReadAccount(hash);
    if (!lastRead || !this.memoryAnswer(request, lastRead)) return undefined;
    return metadata.account(hash).then((fresh) => fresh && this.memoryAnswer(request, fresh));
  }

  private memoryAnswer(request: DeliveryRequest, account: Account): DeliveryResponse | undefined {
    const { metadata, cache } = this.deps;
    const image = metadata.peekImage(account, request.path.imageId);
    if (!deliverable(image)) return undefined;
    const flexible = isFlexible(request.path.variant);
    const named = flexible ? undefined : metadata.peekVariant(account, request.path.variant);
    if ((!flexible && !named) || needsSignature(image, named)) return undefined;
    let resolved: Resolved;
    try {
      resolved = this.resolveSpec(request, account, image, named);
    } catch {
      return undefined;
    }
    const rendition = cache.peekMemory(this.cacheKey(resolved, request).key);
    return rendition && this.respond(resolved, request, rendition, 'memory');
  }

  /** Everything the output depends on, so one key never stands for two different renditions. */
  private cacheKey({ account, image, spec, variantKey }: Resolved, request: DeliveryRequest): { prefix: string; key: string } {
    const prefix = imageKeyPrefix(account.id, image.id);
    // An SVG is delivered sanitized whatever the variant, options, Accept or hints: one rendition,
    // so the stored original is sanitized once per version (then served from memory or disk).
    if (image.format === 'svg') return { prefix, key: `${prefix}${image.sortKey}.${image.version}|svg` };
    const parts = [`${image.sortKey}.${image.version}`, variantKey, ...requestKeyParts(spec, request)];
    return { prefix, key: prefix + parts.join('|') };
  }

  private async rendition(resolved: Resolved, request: DeliveryRequest) {
    const { prefix, key } = this.cacheKey(resolved, request);
    const { image, spec } = resolved;
    // Read the original only once a queue slot is ours: waiting requests hold no image bytes.
    return this.deps.cache.getOrCreate(
      prefix,
      key,
      (signal) => makeRendition(this.deps, async () => ({ bytes: await this.original(image), format: image.format! }), spec, request, signal),
      // Read lazily: routes make the client-gone signal on first use, which a memory hit never is.
      () => request.signal,
    );
  }

  /**
   * Popular originals stay in memory: several renditions of one image then cost no disk reads,
   * whose thread-pool turns would otherwise queue behind running transforms.
   */
  private async original(image: ImageRecord): Promise<Buffer> {
    const key = image.blobKey!;
    const cached = this.deps.originals?.get(key);
    if (cached) return cached;
    const bytes = await this.deps.blobs.get(key);
    if (!bytes) throw new Error(`blob ${key} of image ${image.accountId}/${image.id} is missing`);
    this.deps.originals?.set(key, bytes);
    return bytes;
  }

  private respond(resolved: Resolved, request: DeliveryRequest, rendition: Rendition, source: RenditionSource): DeliveryResponse {
    const headers = this.headers(rendition, resolved.spec, this.cacheControl(resolved));
    const notModified = matchesEtag(request.ifNoneMatch, rendition.etag);
    return { status: notModified ? 304 : 200, headers, body: notModified ? undefined : rendition.body, cache: source };
  }

  /**
   * A rendition's response headers, made once per rendition and kept with it while the spec and
   * cache policy stay the same (hits repeat them; the object is shared, so read-only).
   */
  private headers(rendition: Rendition, spec: TransformSpec, cacheControl: string): Readonly<Record<string, string>> {
    const kept = this.headersByRendition.get(rendition);
    if (kept && kept.spec === spec && kept.cacheControl === cacheControl) return kept.headers;
    const headers = renditionHeaders(rendition, spec, { width: widthHintHeaders, connection: connectionHintHeaders });
    headers['cache-control'] = cacheControl;
    this.headersByRendition.set(rendition, { spec, cacheControl, headers });
    return headers;
  }

  private cacheControl({ browserTtl, signedUntil }: Resolved): string {
    if (signedUntil === undefined) return `public, max-age=${browserTtl}, stale-while-revalidate=${STALE_WHILE_REVALIDATE}`;
    // Private images: cacheable by the browser only, and never past the signature's expiry.
    const left = signedUntil === null ? browserTtl : Math.max(0, signedUntil - Math.floor(this.deps.clock.now() / 1000));
    return `private, max-age=${Math.min(browserTtl, left)}`;
  }
}
