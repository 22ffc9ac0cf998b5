/**
 * Cloudflare's signed delivery URLs, minted in the browser (the same algorithm as
 * src/signing/signed-url.ts): `sig` = hex HMAC-SHA256 keyed with the signing key's value (UTF-8)
 * over the path, plus `?` and the query without `sig` when there is one; `exp` in Unix seconds.
 */

/** Web Crypto exists only in secure contexts (HTTPS, localhost): elsewhere the page cannot sign. */
export const canSign = (): boolean => typeof crypto !== 'undefined' && crypto.subtle !== undefined;

const utf8 = new TextEncoder();
const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function signUrl(url: string, key: string, expiresInSeconds: number | null, nowMs = Date.now()): Promise<string> {
  const u = new URL(url);
  u.searchParams.delete('sig');
  if (expiresInSeconds !== null && !u.searchParams.has('exp')) u.searchParams.set('exp', String(Math.floor(nowMs / 1000) + expiresInSeconds));
  const query = u.searchParams.toString();
  const message = query === '' ? u.pathname : `${u.pathname}?${query}`;
  const hmacKey = await crypto.subtle.importKey('raw', utf8.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  u.searchParams.set('sig', hex(await crypto.subtle.sign('HMAC', hmacKey, utf8.encode(message))));
  return u.toString();
}
