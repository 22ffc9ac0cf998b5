/** What every new account starts with: the `public` variant and a `default` signing key. */
import { limits } from '../limits.js';
import type { SigningKeyRecord } from '../signing/model.js';
import type { VariantRecord } from '../variants/model.js';
import { newSigningKeyValue } from './credentials.js';

export const PUBLIC_VARIANT = 'public';
export const DEFAULT_SIGNING_KEY = 'default';

/** `public` serves the image as uploaded (never enlarged; within the size limits), format-negotiated. */
export function publicVariant(accountId: string, now: number): VariantRecord {
  return {
    accountId,
    id: PUBLIC_VARIANT,
    options: { fit: 'scale-down', width: limits.maxSidePx, height: limits.maxSidePx, metadata: 'none' },
    neverRequireSignedURLs: false,
    version: 1,
    createdMs: now,
  };
}

export function defaultSigningKey(accountId: string, now: number): SigningKeyRecord {
  return { accountId, name: DEFAULT_SIGNING_KEY, value: newSigningKeyValue(), createdMs: now };
}
