/** VariantRepository on Kysely. */
import type { Kysely } from 'kysely';
import { DuplicateVariantError, type VariantRecord, type VariantRepository } from '../variants/model.js';
import { isUniqueViolation } from './database.js';
import { toVariant, variantRow } from './rows.js';
import type { Schema } from './schema.js';
import { sql } from 'kysely';

export class KyselyVariantRepository implements VariantRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async list(accountId: string): Promise<VariantRecord[]> {
    const rows = await this.db.selectFrom('variants').selectAll().where('account_id', '=', accountId).orderBy('created_ms').orderBy('id').execute();
    return rows.map(toVariant);
  }

  async find(accountId: string, id: string): Promise<VariantRecord | undefined> {
    const row = await this.db.selectFrom('variants').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && toVariant(row);
  }

  async insert(variant: VariantRecord): Promise<void> {
    try {
      await this.db.insertInto('variants').values(variantRow(variant)).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateVariantError();
      throw err;
    }
  }

  async update(accountId: string, id: string, patch: Pick<VariantRecord, 'options' | 'neverRequireSignedURLs'>): Promise<VariantRecord | undefined> {
    const row = await this.db
      .updateTable('variants')
      .set({
        options: JSON.stringify(patch.options),
        never_require_signed: patch.neverRequireSignedURLs ? 1 : 0,
        version: sql<number>`version + 1`,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toVariant(row);
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('variants').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async count(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('variants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
