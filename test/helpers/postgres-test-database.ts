/**
 * Throwaway PostgreSQL databases on the server named by TEST_DATABASE_URL (scripts/run-tests.js
 * keeps it only when the server answers). Each gets a random name and is dropped at the end: the
 * server is shared and never assumed empty.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const adminUrl = process.env.TEST_DATABASE_URL || undefined;

/** Why PostgreSQL suites cannot run here, or undefined when they can. */
export const postgresSkipReason = adminUrl ? undefined : 'TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)';

export interface TestDatabase {
  url: string;
  /** Disconnects everyone still connected (a node under test may be mid-reconnect) and drops it. */
  drop(): Promise<void>;
}

/** Runs one statement on the server's admin database (TEST_DATABASE_URL). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!adminUrl) throw new Error(postgresSkipReason);
  const name = `pictor_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => void (await adminQuery(`drop database if exists ${name} with (force)`)),
  };
}
