/**
 * Reads Cloudflare's credential headers. Formats are checked before any lookup so malformed headers
 * get Cloudflare's 6003 error with the specific 61xx chain item.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { errors, headerFormat } from '../errors.js';

export type Credentials = { kind: 'token'; token: string } | { kind: 'key'; email: string; key: string };

const bearer = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i;
const emailFormat = /^[^\s@]+@[^\s@]+$/;
const keyFormat = /^[A-Za-z0-9]+$/;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function readCredentials(headers: IncomingHttpHeaders): Credentials {
  const authorization = single(headers.authorization);
  if (authorization !== undefined) {
    const m = bearer.exec(authorization);
    if (!m) throw errors.invalidHeaders(headerFormat.authorization);
    return { kind: 'token', token: m[1]! };
  }
  const email = single(headers['x-auth-email']);
  const key = single(headers['x-auth-key']);
  if (email === undefined || key === undefined) throw errors.missingCredentials();
  if (!emailFormat.test(email.trim())) throw errors.invalidHeaders(headerFormat.email);
  if (!keyFormat.test(key.trim())) throw errors.invalidHeaders(headerFormat.key);
  return { kind: 'key', email: email.trim(), key: key.trim() };
}
