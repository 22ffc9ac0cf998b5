/**
 * Opens the metadata database named by DATABASE_URL. The only place that switches on the engine;
 * everything above works with the returned Kysely instance and `dialect` tag.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Schema } from './schema.js';
import { migrateToLatest, pendingMigrations } from './migrations.js';
import { giveUpUnansweredQueries } from './postgres-query-deadline.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: DialectName;
  close(): Promise<void>;
  /** Starts enforcing `queryTimeoutMs` (PostgreSQL only); called once migrations, which may take long, are done. */
  enforceQueryTimeout?(): void;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size per process. */
  poolSize?: number;
  /**
   * Open without writing anything (no migrations, SQLite in read-only mode), for copying an
   * installation elsewhere. Refuses a database whose schema is behind this version of Pictor.
   */
  readOnly?: boolean;
  /** PostgreSQL: a query unanswered for this long fails and its connection is dropped (0: never). */
  queryTimeoutMs?: number;
}

/** The file a `sqlite:` DATABASE_URL names (as given, maybe relative or `:memory:`); undefined for PostgreSQL. */
export function sqliteFileOf(url: string): string | undefined {
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined;
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const sqliteFile = sqliteFileOf(url);
  const database = sqliteFile !== undefined ? await openSqlite(sqliteFile, options) : await openPostgres(url, options);
  try {
    if (!options.readOnly) await migrateToLatest(database.db as Kysely<unknown>);
    else await refuseIfBehind(database);
    database.enforceQueryTimeout?.();
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

async function openSqlite(file: string, options: OpenDatabaseOptions): Promise<Database> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  if (options.readOnly) {
    if (!fs.existsSync(file)) throw new Error(`no SQLite database at ${file}`);
    // WAL readers still need the -shm index; SQLite makes it beside the file if it is missing.
    const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    return sqliteDatabase(sqlite);
  }
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = openSqliteFile(BetterSqlite3, file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed upload survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  // Worker processes share the file; a writer waits for another's transaction instead of failing.
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  return sqliteDatabase(sqlite);
}

/** SQLite's own message ("unable to open database file") does not say which file, or where. */
export function openSqliteFile(BetterSqlite3: typeof import('better-sqlite3'), file: string, options?: import('better-sqlite3').Options): import('better-sqlite3').Database {
  try {
    return new BetterSqlite3(file, options);
  } catch (err) {
    throw new Error(`cannot open the SQLite database ${path.resolve(file)}: ${(err as Error).message}`, { cause: err });
  }
}

function sqliteDatabase(sqlite: import('better-sqlite3').Database): Database {
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  // Loaded only here: an embedded installation never pays for it.
  const { default: pg } = await import('pg');
  // int8 (bigint columns, count(*)) arrives as a string by default; Pictor's values (epoch ms,
  // byte sizes, counts) stay far below 2^53, so numbers are exact.
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'pictor',
    types,
  });
  // An idle pooled connection that the server drops must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // pg-pool listens for errors only on idle clients: a socket that dies while a query runs fails
  // that query and then emits 'error' on its client, which with no listener ends the process.
  // The query's caller sees the failure, and the pool discards the dead client on release.
  let queryTimeoutMs = 0;
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    giveUpUnansweredQueries(client, () => queryTimeoutMs);
  });
  try {
    (await pool.connect()).release();
  } catch (err) {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${url.replace(/\/\/[^@/]*@/, '//')}: ${(err as Error).message}`, { cause: err });
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy(), enforceQueryTimeout: () => void (queryTimeoutMs = options.queryTimeoutMs ?? 0) };
}

async function refuseIfBehind(database: Database): Promise<void> {
  const pending = await pendingMigrations(database.db as Kysely<unknown>);
  if (pending.length) {
    throw new Error(`the database is behind this version of Pictor (missing ${pending.join(', ')}); start Pictor on it once to upgrade it`);
  }
}

/** True when a write failed because a primary key or unique index already holds the value. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
