/**
 * Opens the metadata database named by DATABASE_URL. The only place that switches on the engine;
 * everything above works with the returned Kysely instance and `dialect` tag.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Schema } from './schema.js';
import { migrateToLatest } from './migrations.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const database = url.startsWith('sqlite:') ? await openSqlite(url.slice('sqlite:'.length)) : await openPostgres(url, options);
  await migrateToLatest(database.db as Kysely<unknown>);
  return database;
}

async function openSqlite(file: string): Promise<Database> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed upload survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const pg = await import('pg');
  const Pool = pg.default.Pool;
  // int8 (bigint, count(*)) arrives as a string by default; our values fit in a double.
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === 20 ? (v: string) => Number(v) : pg.default.types.getTypeParser(oid, format as 'text')) as typeof pg.default.types.getTypeParser,
  };
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000, types });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** True when a write failed because a primary key or unique index already holds the value. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
