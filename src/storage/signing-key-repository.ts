/** SigningKeyRepository on Kysely. */
import type { Kysely } from 'kysely';
import type { SigningKeyRecord, SigningKeyRepository } from '../signing/model.js';
import { signingKeyRow, toSigningKey } from './rows.js';
import type { Schema } from './schema.js';

export class KyselySigningKeyRepository implements SigningKeyRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async list(accountId: string): Promise<SigningKeyRecord[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().where('account_id', '=', accountId).orderBy('created_ms').orderBy('name').execute();
    return rows.map(toSigningKey);
  }

  async upsert(key: SigningKeyRecord): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values(signingKeyRow(key))
      .onConflict((oc) => oc.columns(['account_id', 'name']).doUpdateSet({ value: key.value }))
      .execute();
  }

  async remove(accountId: string, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('signing_keys').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
