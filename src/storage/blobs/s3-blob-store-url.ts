/**
 * BLOB_STORE_URL for blobs in an S3-compatible bucket:
 *
 *   s3://BUCKET?endpoint=http://127.0.0.1:7480&region=us-east-1&forcePathStyle=true&prefix=pictor
 *
 * - endpoint: the server (Ceph RGW, MinIO, Swift s3api, R2, …); leave out for AWS S3.
 * - region: defaults to us-east-1 when an endpoint is given (what S3-compatible servers expect);
 *   for AWS the SDK's chain decides (AWS_REGION, shared config).
 * - forcePathStyle: `http://host/bucket/key` instead of `http://bucket.host/key`; defaults to true
 *   with an endpoint, since servers on an IP address or localhost have no per-bucket host names.
 * - prefix: objects are stored as `PREFIX/KEY`, so a bucket can be shared.
 * - createBucket: create the bucket at start when it is missing. Default false: production
 *   credentials are usually not allowed to, and a typo should fail rather than make a new bucket.
 * - timeoutMs: how long a request may wait for the server to send anything (default 10000); the
 *   SDK then retries, up to 3 attempts in all, before the request answers 503.
 * - accessKeyId + secretAccessKey: meant for tests. Otherwise the SDK's default chain applies
 *   (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, shared credentials file, instance role, …).
 */

export interface S3BlobStoreSettings {
  bucket: string;
  /** '' or a path ending in '/', prepended to every key. */
  prefix: string;
  createBucket: boolean;
  endpoint: string | undefined;
  region: string | undefined;
  forcePathStyle: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Silence on a request's socket after which it is given up. */
  timeoutMs: number;
}

const knownParameters = ['endpoint', 'region', 'forcePathStyle', 'prefix', 'createBucket', 'timeoutMs', 'accessKeyId', 'secretAccessKey'];

// S3's bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, letter or digit at both ends.
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

class BlobStoreUrlError extends Error {
  constructor(message: string) {
    // Never echo the URL itself: it may carry a secret key.
    super(`BLOB_STORE_URL: ${message}`);
  }
}

export function parseS3BlobStoreUrl(url: string): S3BlobStoreSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BlobStoreUrlError('not a valid s3://BUCKET?… URL');
  }
  if (parsed.protocol !== 's3:') throw new BlobStoreUrlError(`expected the s3: scheme, got ${parsed.protocol}`);
  if (parsed.username || parsed.password || parsed.port) {
    throw new BlobStoreUrlError('put credentials and the endpoint in query parameters, not in the host part');
  }
  if (!bucketPattern.test(parsed.host)) {
    throw new BlobStoreUrlError(`"${parsed.host}" is not a valid bucket name (3-63 of a-z, 0-9, ".", "-")`);
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    throw new BlobStoreUrlError('give the key prefix as ?prefix=…, not as a path after the bucket');
  }

  const params = parsed.searchParams;
  for (const name of params.keys()) {
    if (!knownParameters.includes(name)) {
      throw new BlobStoreUrlError(`unknown parameter "${name}"; known: ${knownParameters.join(', ')}`);
    }
  }
  const endpoint = endpointParam(params.get('endpoint'));
  return {
    bucket: parsed.host,
    prefix: prefixParam(params.get('prefix')),
    createBucket: booleanParam(params, 'createBucket', false),
    endpoint,
    region: params.get('region') || (endpoint ? 'us-east-1' : undefined),
    forcePathStyle: booleanParam(params, 'forcePathStyle', endpoint !== undefined),
    credentials: credentialsParams(params),
    timeoutMs: timeoutParam(params.get('timeoutMs')),
  };
}

function endpointParam(raw: string | null): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^/?#]+\/?$/.test(raw)) {
    throw new BlobStoreUrlError(`endpoint must be http(s)://host[:port], got "${raw}"`);
  }
  return raw.replace(/\/$/, '');
}

const DEFAULT_TIMEOUT_MS = 10_000;

function timeoutParam(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_TIMEOUT_MS;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms < 100 || ms > 600_000) throw new BlobStoreUrlError(`timeoutMs must be a whole number from 100 to 600000, got "${raw}"`);
  return ms;
}

function prefixParam(raw: string | null): string {
  const trimmed = (raw ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

function booleanParam(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new BlobStoreUrlError(`${name} must be true or false, got "${raw}"`);
}

function credentialsParams(params: URLSearchParams): S3BlobStoreSettings['credentials'] {
  const accessKeyId = params.get('accessKeyId') || undefined;
  const secretAccessKey = params.get('secretAccessKey') || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new BlobStoreUrlError('accessKeyId and secretAccessKey must be given together');
  }
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}
