/**
 * Cloudflare's signed delivery URLs. The signed string is the URL path, plus `?` and the query
 * string (WHATWG serialisation, `sig` excluded) when there is one; the key is the signing-key value
 * used as raw UTF-8 bytes; `sig` is the lowercase hex HMAC-SHA256. `exp` is Unix seconds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signatureInput(pathname: string, params: URLSearchParams): string {
  const rest = new URLSearchParams([...params].filter(([name]) => name !== 'sig')).toString();
  return rest === '' ? pathname : `${pathname}?${rest}`;
}

export const hmacHex = (key: string, message: string): string => createHmac('sha256', key).update(message).digest('hex');

/**
 * Returns the URL with `exp` (now + expiresInSeconds, unless `exp` is already set) and `sig`.
 * `expiresInSeconds: null` signs without expiry, as Cloudflare's Workers binding allows.
 */
export function signDeliveryUrl(url: string, key: string, options: { expiresInSeconds?: number | null; nowSeconds?: number } = {}): string {
  const u = new URL(url);
  u.searchParams.delete('sig');
  const expiresIn = options.expiresInSeconds === undefined ? 3600 : options.expiresInSeconds;
  if (expiresIn !== null && !u.searchParams.has('exp')) {
    const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
    u.searchParams.set('exp', String(now + expiresIn));
  }
  u.searchParams.set('sig', hmacHex(key, signatureInput(u.pathname, u.searchParams)));
  return u.toString();
}

export type SignatureCheck = { ok: true; expiresAt: number | undefined } | { ok: false; reason: string };

/**
 * Checks `sig` (and `exp`) against every key; any current key validates. Comparison is constant
 * time. `pathnames` lists the paths the signature may cover (a custom-domain path and its
 * canonical /<hash>/... form).
 */
export function verifySignature(pathnames: string[], params: URLSearchParams, keys: string[], nowSeconds: number): SignatureCheck {
  const sig = params.get('sig');
  if (!sig) return { ok: false, reason: 'the URL has no signature (sig)' };
  if (!/^[0-9a-f]{64}$/i.test(sig)) return { ok: false, reason: 'Malformed data found: the signature must be 64 hex characters' };
  const exp = params.get('exp');
  let expiresAt: number | undefined;
  if (exp !== null) {
    if (!/^\d{1,12}$/.test(exp)) return { ok: false, reason: 'Malformed data found: exp must be a Unix timestamp in seconds' };
    expiresAt = Number(exp);
    if (expiresAt <= nowSeconds) return { ok: false, reason: 'the signed URL has expired' };
  }
  const given = Buffer.from(sig.toLowerCase(), 'hex');
  let valid = false;
  for (const pathname of pathnames) {
    const message = signatureInput(pathname, params);
    for (const key of keys) {
      // No early exit: every key is tried, so timing does not reveal which one matched.
      if (timingSafeEqual(Buffer.from(hmacHex(key, message), 'hex'), given)) valid = true;
    }
  }
  if (!valid) {
    return { ok: false, reason: 'Malformed data found: The URL signature does not match. Expecting SHA-256 HMAC of the path and query string, without sig' };
  }
  return { ok: true, expiresAt };
}
