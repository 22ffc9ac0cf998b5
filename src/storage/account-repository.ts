/** AccountRepository on Kysely (accounts, tokens, users, and the defaults written with a new account). */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Account, AccountRepository, ApiTokenRecord, NewAccount, Permission, UserRecord } from '../accounts/model.js';
import type { AccountsTable, ApiTokensTable, Schema } from './schema.js';
import { signingKeyRow, variantRow } from './rows.js';

const toAccount = (r: Selectable<AccountsTable>): Account => ({
  id: r.id,
  hash: r.hash,
  name: r.name,
  createdMs: Number(r.created_ms),
  flexibleVariants: r.flexible_variants === 1,
  browserTtl: r.browser_ttl,
  deliveryVersion: Number(r.delivery_version),
});

const nullableMs = (v: number | string | null): number | null => (v === null ? null : Number(v));

const toToken = (r: Selectable<ApiTokensTable>): ApiTokenRecord => ({
  id: r.id,
  tokenHash: r.token_hash,
  accountId: r.account_id,
  permission: r.permission as Permission,
  name: r.name,
  createdMs: Number(r.created_ms),
  expiresMs: nullableMs(r.expires_ms),
  lastUsedMs: nullableMs(r.last_used_ms),
});

export class KyselyAccountRepository implements AccountRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async createAccount({ account, variants, keys }: NewAccount): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('accounts')
        .values({
          id: account.id,
          hash: account.hash,
          name: account.name,
          created_ms: account.createdMs,
          flexible_variants: account.flexibleVariants ? 1 : 0,
          browser_ttl: account.browserTtl,
          delivery_version: account.deliveryVersion,
        })
        .execute();
      if (variants.length) await tx.insertInto('variants').values(variants.map(variantRow)).execute();
      if (keys.length) await tx.insertInto('signing_keys').values(keys.map(signingKeyRow)).execute();
    });
  }

  async findAccount(id: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAccount(row);
  }

  async findAccountByHash(hash: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().orderBy('created_ms').execute();
    return rows.map(toAccount);
  }

  async updateAccount(id: string, patch: Partial<Pick<Account, 'flexibleVariants' | 'browserTtl' | 'name' | 'hash'>>): Promise<Account | undefined> {
    const set: Partial<AccountsTable> = {};
    if (patch.flexibleVariants !== undefined) set.flexible_variants = patch.flexibleVariants ? 1 : 0;
    if (patch.browserTtl !== undefined) set.browser_ttl = patch.browserTtl;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.hash !== undefined) set.hash = patch.hash;
    if (Object.keys(set).length === 0) return this.findAccount(id);
    const row = await this.db.updateTable('accounts').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return row && toAccount(row);
  }

  async bumpDeliveryVersion(id: string): Promise<void> {
    await this.db.updateTable('accounts').set({ delivery_version: sql<number>`delivery_version + 1` }).where('id', '=', id).execute();
  }

  async insertToken(t: ApiTokenRecord): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: t.id,
        token_hash: t.tokenHash,
        account_id: t.accountId,
        permission: t.permission,
        name: t.name,
        created_ms: t.createdMs,
        expires_ms: t.expiresMs,
        last_used_ms: t.lastUsedMs,
      })
      .execute();
  }

  async findTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const r = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && toToken(r);
  }

  async listTokens(accountId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('account_id', '=', accountId).orderBy('created_ms').orderBy('id').execute();
    return rows.map(toToken);
  }

  async deleteToken(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteTokensNamed(name: string, keepHash: string): Promise<number> {
    const result = await this.db.deleteFrom('api_tokens').where('name', '=', name).where('token_hash', '<>', keepHash).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async touchToken(id: string, nowMs: number, notAfterMs: number): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_ms: nowMs })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_ms', 'is', null), eb('last_used_ms', '<=', notAfterMs)]))
      .execute();
  }

  async insertUser(user: UserRecord, accountIds: string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('users').values({ id: user.id, email: user.email, key_hash: user.keyHash, created_ms: user.createdMs }).execute();
      for (const accountId of accountIds) {
        await tx.insertInto('account_members').values({ account_id: accountId, user_id: user.id }).execute();
      }
    });
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return r && { id: r.id, email: r.email, keyHash: r.key_hash, createdMs: Number(r.created_ms) };
  }

  async addMember(userId: string, accountId: string): Promise<void> {
    await this.db
      .insertInto('account_members')
      .values({ account_id: accountId, user_id: userId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async userAccountIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('account_members').select('account_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.account_id);
  }
}
