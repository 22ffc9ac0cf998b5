/** BatchTokenRepository on Kysely. */
import type { Kysely } from 'kysely';
import type { BatchTokenRepository } from '../accounts/batch-tokens.js';
import type { Schema } from './schema.js';

export class KyselyBatchTokenRepository implements BatchTokenRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(tokenHash: string, accountId: string, expiresMs: number, createdMs: number): Promise<void> {
    // Expired tokens are dropped as new ones are issued, so the table stays small.
    await this.db.deleteFrom('batch_tokens').where('expires_ms', '<', createdMs).execute();
    await this.db.insertInto('batch_tokens').values({ token_hash: tokenHash, account_id: accountId, expires_ms: expiresMs, created_ms: createdMs }).execute();
  }

  async accountOf(tokenHash: string, nowMs: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('batch_tokens')
      .select('account_id')
      .where('token_hash', '=', tokenHash)
      .where('expires_ms', '>', nowMs)
      .executeTakeFirst();
    return row?.account_id;
  }
}
