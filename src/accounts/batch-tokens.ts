/**
 * Batch tokens: short-lived bearer credentials for the batch API (the image routes without the
 * /client/v4/accounts/{id} prefix). Stored as SHA-256 digests; valid for one hour.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import { hashSecret } from './credentials.js';

const LIFETIME_MS = 3600_000;

export interface BatchTokenRepository {
  insert(tokenHash: string, accountId: string, expiresMs: number, createdMs: number): Promise<void>;
  /** The account of a live token, or undefined. */
  accountOf(tokenHash: string, nowMs: number): Promise<string | undefined>;
}

export class BatchTokenService {
  constructor(
    private readonly tokens: BatchTokenRepository,
    private readonly clock: Clock,
  ) {}

  async issue(accountId: string): Promise<{ token: string; expiresAt: string }> {
    const now = this.clock.now();
    const token = randomBytes(30).toString('base64url');
    await this.tokens.insert(hashSecret(token), accountId, now + LIFETIME_MS, now);
    return { token, expiresAt: new Date(now + LIFETIME_MS).toISOString() };
  }

  accountOf(token: string): Promise<string | undefined> {
    return this.tokens.accountOf(hashSecret(token), this.clock.now());
  }
}
