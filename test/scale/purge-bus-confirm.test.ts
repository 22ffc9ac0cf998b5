/**
 * What the PostgreSQL purge bus's confirmations rest on, and what they promise
 * (src/purge/purge-bus-postgres.ts): PostgreSQL hands a listener every notification committed
 * before a query of the listener's arrives, ahead of that query's answer; a publisher waits
 * SETTLE_MS after its commit; a process stops vouching for itself as soon as its listener is lost,
 * and an idle one sends no confirmations.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PostgresPurgeBus, SETTLE_MS } from '../../src/purge/purge-bus-postgres.js';
import type { PurgeEvent } from '../../src/purge/purge-bus.js';
import type { Schema } from '../../src/storage/schema.js';
import { adminQuery, createTestDatabase, postgresSkipReason, type TestDatabase } from '../helpers/postgres-test-database.js';

if (postgresSkipReason) console.warn(`[purge-bus-confirm] SKIPPED: ${postgresSkipReason}`);

describe.skipIf(postgresSkipReason !== undefined)('PostgreSQL purge bus confirmations', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Kysely<Schema>;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('PostgreSQL delivers a notification committed before a listener query is sent ahead of its answer', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    const writer = new pg.Client({ connectionString: database.url });
    await Promise.all([listener.connect(), writer.connect()]);
    try {
      const heard = new Set<string>();
      listener.on('notification', (m) => heard.add(m.payload!));
      await listener.query('LISTEN ordering_probe');
      for (let i = 0; i < 300; i++) {
        await writer.query('begin');
        await writer.query(`select pg_notify('ordering_probe', $1)`, [String(i)]);
        await writer.query('commit');
        await listener.query('select 1');
        expect(heard.has(String(i)), `notification ${i} before the answer`).toBe(true);
      }
    } finally {
      await Promise.all([listener.end(), writer.end()]);
    }
  });

  it('a publisher waits the settle time; the others apply the event first; a lost listener stops vouching at once', async () => {
    const errors: Error[] = [];
    const open = () => PostgresPurgeBus.open({ connectionString: database.url, db, onError: (e) => errors.push(e) });
    const [a, b] = await Promise.all([open(), open()]);
    try {
      await vi.waitFor(() => expect([a.upToDate(), b.upToDate()]).toEqual([true, true]), { timeout: 2_000, interval: 5 });
      // Idle (nobody asks): confirmations pause, so the first question after a pause is answered
      // no, and asking resumes them.
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      expect(b.upToDate()).toBe(false);
      await vi.waitFor(() => expect(b.upToDate()).toBe(true), { timeout: 2_000, interval: 5 });
      const heardByB: PurgeEvent[] = [];
      b.subscribe((e) => heardByB.push(e));
      const event: PurgeEvent = { kind: 'image', accountId: 'acc', imageId: 'img' };
      const started = performance.now();
      await a.publish(event);
      expect(performance.now() - started).toBeGreaterThanOrEqual(SETTLE_MS);
      // What the settle wait guarantees: a process that vouches for itself once the publisher's call
      // returned has applied the event. (A starved machine can hold the notification past the wait;
      // b then does not vouch, and must still hear it.)
      if (b.upToDate()) expect(heardByB).toEqual([event]);
      await vi.waitFor(() => expect(heardByB).toEqual([event]), { timeout: 2_000, interval: 5 });

      const datname = new URL(database.url).pathname.slice(1);
      const killed = await adminQuery<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1 and application_name = $2`,
        [datname, (b as unknown as { handlers: { listenerName: string } }).handlers.listenerName],
      );
      expect(killed).toEqual([{ ok: true }]);
      await vi.waitFor(() => expect(b.upToDate()).toBe(false), { timeout: 1_000, interval: 1 });
      expect(b.connected()).toBe(false);
      // Reconnected (after 250 ms), it vouches again, having dropped everything it held.
      await vi.waitFor(() => expect(b.upToDate()).toBe(true), { timeout: 5_000, interval: 10 });
      expect(heardByB.at(-1)).toEqual({ kind: 'all' });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
