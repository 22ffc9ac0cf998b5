/** Generating, hashing and comparing secrets. Secrets are stored only as SHA-256 digests. */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** 40 characters of base64url, like Cloudflare API tokens. */
export const newApiToken = (): string => randomBytes(30).toString('base64url');

/** 37 lowercase hex characters, like Cloudflare global API keys. */
export const newGlobalKey = (): string => randomBytes(19).toString('hex').slice(0, 37);

/** 32 lowercase hex characters, like Cloudflare account ids. */
export const newAccountId = (): string => randomBytes(16).toString('hex');

/** 22 characters of base64url, like Cloudflare account hashes. */
export const newAccountHash = (): string => randomBytes(16).toString('base64url');

/** Image-signing key value: 32 random bytes, base64. Used as raw UTF-8 bytes when signing, as Cloudflare does. */
export const newSigningKeyValue = (): string => randomBytes(32).toString('base64');

export const newId = (): string => randomUUID().replaceAll('-', '');

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Constant-time equality of two hex digests (or any two strings of equal length). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
