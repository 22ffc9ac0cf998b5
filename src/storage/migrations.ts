/** Schema migrations, run at start on SQLite and PostgreSQL alike. Append only; never edit a shipped one. */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .addColumn('flexible_variants', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('browser_ttl', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('account_members')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('account_members_pk', ['account_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('permission', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .addColumn('expires_ms', 'bigint')
      .execute();
    await db.schema
      .createTable('images')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('creator', 'text')
      .addColumn('meta', 'text', (c) => c.notNull())
      .addColumn('require_signed', 'integer', (c) => c.notNull())
      .addColumn('uploaded_ms', 'bigint', (c) => c.notNull())
      .addColumn('sort_key', 'text', (c) => c.notNull())
      .addColumn('draft', 'integer', (c) => c.notNull())
      .addColumn('draft_expires_ms', 'bigint')
      .addColumn('blob_key', 'text')
      .addColumn('content_type', 'text')
      .addColumn('format', 'text')
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('frames', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('images_pk', ['account_id', 'id'])
      .execute();
    // One index per list order: all non-draft images by time, and per creator by time.
    await db.schema.createIndex('images_by_time').on('images').columns(['account_id', 'draft', 'sort_key']).unique().execute();
    await db.schema.createIndex('images_by_creator').on('images').columns(['account_id', 'creator', 'draft', 'sort_key']).execute();
    await db.schema.createIndex('images_by_blob').on('images').column('blob_key').execute();
    await db.schema
      .createTable('variants')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('never_require_signed', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('variants_pk', ['account_id', 'id'])
      .execute();
    await db.schema
      .createTable('signing_keys')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('signing_keys_pk', ['account_id', 'name'])
      .execute();
  },
};

/** Direct creator uploads, batch tokens and the durable webhook outbox. */
const uploadsAndEvents: Migration = {
  async up(db: Kysely<unknown>) {
    // A draft's one-time upload URL is identified by a random token, stored as its SHA-256.
    await db.schema.alterTable('images').addColumn('upload_token_hash', 'text').execute();
    await db.schema.createIndex('images_by_upload_token').on('images').column('upload_token_hash').unique().execute();
    await db.schema.createIndex('images_draft_expiry').on('images').columns(['draft', 'draft_expires_ms']).execute();
    await db.schema
      .createTable('batch_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('expires_ms', 'bigint', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhooks')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
      .addColumn('lease_until_ms', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_ms']).execute();
  },
};

/** A version per account that every change affecting delivery bumps (see DeliveryMetadata). */
const deliveryVersion: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('accounts').addColumn('delivery_version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  },
};

/** When each API token was last used (written at most once a minute per token), for `tokens list`. */
const tokenLastUsed: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('api_tokens').addColumn('last_used_ms', 'bigint').execute();
    await db.schema.createIndex('api_tokens_by_account').on('api_tokens').column('account_id').execute();
  },
};

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_uploads_and_events': uploadsAndEvents,
  '0003_delivery_version': deliveryVersion,
  '0004_token_last_used': tokenLastUsed,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };
const MIGRATION_TABLE = 'pictor_migrations';

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  // On PostgreSQL the migrator holds an advisory lock, so nodes starting together migrate once.
  const migrator = new Migrator({ db, provider, migrationTableName: MIGRATION_TABLE, migrationLockTableName: 'pictor_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

/** Migrations this version has that the database has not run; reads only (Migrator would write). */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  const done = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`
    .execute(db)
    .then((r) => new Set(r.rows.map((row) => row.name)))
    .catch(() => new Set<string>());
  return Object.keys(migrations).filter((name) => !done.has(name));
}
