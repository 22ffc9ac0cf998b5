/**
 * Remote sources, kept for as long as their origin allows and then revalidated with If-None-Match /
 * If-Modified-Since, so an unchanged source is downloaded once. Fetches are single-flight within
 * the process and across cluster workers (the flights renditions use); failures are remembered
 * briefly as values, so a herd on a broken source costs one fetch too. A source's version is a
 * hash of its bytes: renditions keyed by it are never stale, only unused.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Flights } from '../cache/cluster-flights.js';
import { MemoryLru } from '../cache/memory-lru.js';
import type { SourcePurgeTarget } from '../purge/purge-bus.js';
import { ImagesError } from '../errors.js';
import type { OriginResponse } from '../images/fetch-source.js';
import type { ImageFormat } from '../media/image-format.js';
import { sniffFormat } from '../images/sniff.js';
import type { Clock } from '../util/clock.js';
import { sourceLifetime, type LifetimeBounds } from './cache-lifetime.js';
import { originErrors } from './origin-errors.js';
import type { OriginMetrics } from './origin-metrics.js';
import type { SourceFiles } from './source-files.js';

/** One source as last seen at its origin. Plain data: it crosses the cluster IPC channel. */
export interface SourceRecord {
  /** The bytes; empty for a failure, and for a source whose bytes are in SourceFiles (`storedBytes`). */
  body: Buffer;
  /** Set when the bytes are on disk under `version` rather than in `body`: their length. */
  storedBytes?: number;
  url: string;
  /** Hash of the bytes ('' for a failure). */
  version: string;
  format?: ImageFormat;
  etag?: string;
  lastModified?: string;
  /** The origin's caching headers, which a 304 without its own keeps in force. */
  cacheControl?: string;
  expires?: string;
  checkedAt: number;
  freshUntil: number;
  /** Seconds a response built from it may be cached downstream. */
  ttlSeconds: number;
  mustRevalidate: boolean;
  /** The zone version it was checked under (see Zone). */
  zoneVersion: number;
  failure?: { code: number; status: number; message: string };
}

/** A usable source: a version, and its bytes in `body` or on disk (SourceCache.bytes reads either). */
export type Source = SourceRecord & { format: ImageFormat };

/** The source's file was gone and its origin now serves other bytes than the version asked for. */
export class SourceChangedError extends Error {
  constructor(url: string) {
    super(`the source ${url} changed at its origin while a rendition of it was being made`);
  }
}

export type OriginFetch = (url: string, conditionalHeaders: Record<string, string> | undefined) => Promise<OriginResponse>;

export interface SourceCacheDeps {
  fetch: OriginFetch;
  flights: Flights;
  clock: Clock;
  metrics: OriginMetrics;
  lifetime: LifetimeBounds;
  /** How long a failed fetch is answered from memory. */
  errorTtlSeconds: number;
  /** Bytes of sources kept per process (on disk when `files` is given, else in memory). */
  maxBytes: number;
  /** Where sources' bytes are kept; absent: in memory. */
  files?: SourceFiles | undefined;
  /**
   * Check a source again whenever the zone's version moved (a purge happened somewhere). Needed
   * when purge messages arrive late (Redis, PostgreSQL buses); a synchronous bus forgets exactly.
   */
  recheckOnZoneChange: boolean;
}

/** A result older than the request is checked again at most this often before it is used anyway. */
const MAX_ROUNDS = 3;

export class SourceCache {
  private readonly records: MemoryLru<SourceRecord>;
  private readonly inFlight = new Map<string, Promise<SourceRecord>>();
  /** Bumped by every purge: a fetch that raced one is used once but not remembered. */
  private epoch = 0;

  constructor(private readonly deps: SourceCacheDeps) {
    // Records whose bytes are on disk weigh what they take in memory; failures weigh a little, so
    // a flood of broken URLs still evicts.
    const budget = deps.files ? Math.max(1024 * 1024, deps.maxBytes / 8) : deps.maxBytes;
    this.records = new MemoryLru<SourceRecord>(budget, (r) => r.body.length + 512 + r.url.length);
  }

  /** The source at `url`, fetched or revalidated if needed; origin failures throw their ImagesError. */
  async get(url: string, zoneVersion: number): Promise<Source> {
    const started = this.deps.clock.now();
    let record = this.records.get(url);
    for (let round = 1; ; round++) {
      // A result checked since this request began is used even when the origin allows no caching.
      const current = record && (record.zoneVersion === zoneVersion || !this.deps.recheckOnZoneChange);
      if (record && current && (started < record.freshUntil || record.checkedAt >= started || round > MAX_ROUNDS)) return usable(record);
      record = await this.refresh(url, record, zoneVersion);
    }
  }

  /**
   * The bytes of a source get() returned, read only when a rendition is made from it: a cached
   * rendition needs none, and reading a half-megabyte file for every hit cost 5× its CPU. A file
   * gone meanwhile (evicted here or by another worker) is fetched whole again; if the origin now
   * serves other bytes, SourceChangedError: renditions are keyed by the version, so the caller
   * starts over with the new one.
   */
  async bytes(source: Source): Promise<Buffer> {
    const kept = await this.withBytes(source);
    if (kept) return kept.body;
    this.records.delete(source.url);
    const again = usable(await this.refresh(source.url, undefined, source.zoneVersion));
    const body = again.version === source.version ? (await this.withBytes(again))?.body : undefined;
    if (!body) throw new SourceChangedError(source.url);
    return body;
  }

  private async withBytes(record: SourceRecord): Promise<SourceRecord | undefined> {
    if (record.storedBytes === undefined || record.body.length > 0) return record;
    const body = await this.deps.files?.read(record.version);
    return body && { ...record, body };
  }

  private async refresh(url: string, previous: SourceRecord | undefined, zoneVersion: number): Promise<SourceRecord> {
    // Everything the result depends on is in the key, so a result another worker kept is the right one.
    const key = `src:${url}|z${zoneVersion}|${previous && !previous.failure ? `${previous.version}@${previous.checkedAt}` : 'new'}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      const epoch = this.epoch;
      // The bytes this process fetched, handed to its own callers without reading them back.
      let fetched: Buffer | undefined;
      pending = this.deps.flights
        .run(key, async () => {
          const record = await this.load(url, previous, zoneVersion);
          fetched = record.body.length > 0 ? record.body : undefined;
          return this.store(record);
        })
        .then((record) => {
          if (epoch === this.epoch) this.records.set(url, record);
          return fetched && record.storedBytes !== undefined ? { ...record, body: fetched } : record;
        });
      this.inFlight.set(key, pending);
      void pending.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    }
    return pending;
  }

  /** The record to keep and to hand to other workers: its bytes moved to disk when possible. */
  private async store(record: SourceRecord): Promise<SourceRecord> {
    const { files } = this.deps;
    if (!files || record.body.length === 0 || !(await files.write(record.version, record.body))) return record;
    return { ...record, body: Buffer.alloc(0), storedBytes: record.body.length };
  }

  private async load(url: string, previous: SourceRecord | undefined, zoneVersion: number): Promise<SourceRecord> {
    const { clock, metrics } = this.deps;
    const origin = new URL(url).origin;
    const conditional = previous && !previous.failure ? validators(previous) : undefined;
    const checkedAt = clock.now();
    const failed = (error: ImagesError): SourceRecord => {
      metrics.errors.inc({ origin, code: String(error.code) });
      return failure(url, error, checkedAt, zoneVersion, this.deps.errorTtlSeconds);
    };
    let response: OriginResponse;
    try {
      response = await this.deps.fetch(url, conditional);
    } catch (error) {
      if (!(error instanceof ImagesError)) throw error;
      metrics.fetches.inc({ origin, result: 'error' });
      return failed(error);
    }
    const { status, bytes } = response;
    // A 304 updates only the headers it carries (RFC 9111 §4.3.4).
    const headers = status === 304 && previous ? { 'cache-control': previous.cacheControl, expires: previous.expires, ...definedOnly(response.headers) } : response.headers;
    metrics.fetches.inc({ origin, result: bytes ? 'ok' : status === 304 ? 'not_modified' : 'error' });
    const lifetime = sourceLifetime(headers, checkedAt, this.deps.lifetime);
    const fresh = { checkedAt, freshUntil: checkedAt + lifetime.seconds * 1000, ttlSeconds: lifetime.seconds, mustRevalidate: lifetime.mustRevalidate, zoneVersion };
    const caching = { ...(headers['cache-control'] ? { cacheControl: headers['cache-control'] } : {}), ...(headers.expires ? { expires: headers.expires } : {}) };
    if (status === 304 && previous && conditional) {
      metrics.revalidations.inc({ origin, outcome: 'unchanged' });
      return { ...previous, ...caching, ...fresh };
    }
    if (!bytes) return failed(status === 404 ? originErrors.notFoundAtOrigin() : status >= 400 && status < 500 ? originErrors.deniedByOrigin(status) : originErrors.originFailed(status));
    if (conditional) metrics.revalidations.inc({ origin, outcome: 'changed' });
    metrics.bytes.inc({ origin }, bytes.length);
    const format = sniffFormat(bytes);
    if (!format) return failed(originErrors.notAnImage());
    return {
      body: bytes,
      url,
      version: createHash('sha256').update(bytes).digest('base64url').slice(0, 22),
      format,
      ...(typeof headers.etag === 'string' ? { etag: headers.etag } : {}),
      ...(typeof headers['last-modified'] === 'string' ? { lastModified: headers['last-modified'] } : {}),
      ...caching,
      ...fresh,
    };
  }

  /** Forgets the matching sources in this process; the next request fetches them afresh. */
  forget(target: SourcePurgeTarget): void {
    this.epoch++;
    if ('everything' in target) return this.records.clear();
    const matches = 'files' in target ? (url: string) => target.files.includes(url) : (url: string) => target.prefixes.some((p) => withoutScheme(url).startsWith(p));
    for (const url of this.records.keys()) if (matches(url)) this.records.delete(url);
  }
}

export const withoutScheme = (url: string): string => url.replace(/^https?:\/\//i, '');

function definedOnly(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined));
}

function validators(record: SourceRecord): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  if (record.etag) headers['if-none-match'] = record.etag;
  if (record.lastModified) headers['if-modified-since'] = record.lastModified;
  return Object.keys(headers).length ? headers : undefined;
}

function failure(url: string, error: ImagesError, checkedAt: number, zoneVersion: number, ttlSeconds: number): SourceRecord {
  return {
    body: Buffer.alloc(0),
    url,
    version: '',
    checkedAt,
    freshUntil: checkedAt + ttlSeconds * 1000,
    ttlSeconds: 0,
    mustRevalidate: true,
    zoneVersion,
    failure: { code: error.code, status: error.status, message: error.message },
  };
}

function usable(record: SourceRecord): Source {
  if (record.failure) throw new ImagesError(record.failure.code, record.failure.status, record.failure.message);
  return record as Source;
}
