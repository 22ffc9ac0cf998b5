/**
 * Purge bus over PostgreSQL LISTEN/NOTIFY: the default when the metadata database is PostgreSQL, so
 * many nodes need no other service. Publishing goes through the query pool (`pg_notify`); listening
 * needs a session of its own, so it is a dedicated connection (never one from the pool, never
 * through a transaction-mode pooler), named `pictor-purge-<pid>-<origin>` in pg_stat_activity.
 * NOTIFY is at most once: a node whose listener drops misses what is sent meanwhile, so after
 * every reconnect it purges everything it holds locally.
 *
 * Up to date, so caches may be trusted without reading the account on every request: a change's
 * NOTIFY is sent inside its transaction (it goes out if and only if the change commits), and the
 * publisher's API call returns only SETTLE_MS after the commit. Each listener confirms every
 * CONFIRM_EVERY_MS with a query on its own connection; PostgreSQL sends a listener the
 * notifications committed before a query arrives ahead of that query's answer, so a confirmation
 * sent at time S proves every change committed before S has been applied here. The process counts
 * as up to date for TRUST_MS after S: a request that arrives after a change's API call returned
 * (at least SETTLE_MS after its commit) is answered under a confirmation sent after that commit.
 * A confirmation that is late (a busy event loop, a slow server, a lost connection) only means
 * delivery reads accounts fresh until the next one. Confirmations pause while nobody asks (an idle
 * server sends none); the first request after a pause reads its account fresh.
 */
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Schema } from '../storage/schema.js';
import { type PurgeBus, type PurgeEvent, PurgeHandlers, type PurgeHandler } from './purge-bus.js';

export const POSTGRES_PURGE_CHANNEL = 'pictor_purge';
/** First reconnect delay, doubling to MAX_RETRY_MS: a restarted server is not stormed by every node. */
const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;
/** How long a publisher waits after its change committed; longer than TRUST_MS, with a margin for clock rates. */
export const SETTLE_MS = 75;
const TRUST_MS = 50;
const CONFIRM_EVERY_MS = 10;
/** Confirmations pause when nobody asked whether the process is up to date for this long (an idle server sends none). */
const IDLE_MS = 1_000;
const MAX_PAYLOAD_BYTES = 8000;

export interface PostgresPurgeBusOptions {
  connectionString: string;
  /** The query pool, for publishing. */
  db: Kysely<Schema>;
  onError: (err: Error) => void;
}

export class PostgresPurgeBus implements PurgeBus {
  readonly synchronous = false;
  private readonly handlers = new PurgeHandlers();
  private listener: pg.Client | undefined;
  private retryMs = MIN_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** performance.now() when the last answered confirmation was sent on the current listener. */
  private confirmedAt = -Infinity;
  private confirming = false;
  private askedAt = -Infinity;
  private readonly confirmTimer: NodeJS.Timeout;

  private constructor(private readonly options: PostgresPurgeBusOptions) {
    this.confirmTimer = setInterval(() => void this.confirm(), CONFIRM_EVERY_MS).unref();
  }

  /** Connects the listener; fails when PostgreSQL cannot be reached, so a bad setup fails at start. */
  static async open(options: PostgresPurgeBusOptions): Promise<PostgresPurgeBus> {
    const bus = new PostgresPurgeBus(options);
    try {
      bus.listener = await bus.listen();
    } catch (err) {
      clearInterval(bus.confirmTimer);
      throw err;
    }
    return bus;
  }

  private async confirm(): Promise<void> {
    const listener = this.listener;
    if (!listener || this.confirming || performance.now() - this.askedAt > IDLE_MS) return;
    this.confirming = true;
    const sentAt = performance.now();
    try {
      await listener.query('select 1');
      if (listener === this.listener) this.confirmedAt = Math.max(this.confirmedAt, sentAt);
    } catch {
      // The listener's error handler reconnects; until then nothing is confirmed.
    } finally {
      this.confirming = false;
    }
  }

  upToDate(): boolean {
    const now = performance.now();
    this.askedAt = now;
    return this.listener !== undefined && now - this.confirmedAt < TRUST_MS;
  }

  private async listen(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.handlers.listenerName,
      connectionTimeoutMillis: 5_000,
      // Notice a dead peer within a minute or so instead of the kernel's two hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('notification', (message) => {
      if (message.channel === POSTGRES_PURGE_CHANNEL && message.payload) this.handlers.receive(message.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${POSTGRES_PURGE_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (client !== this.listener) return;
    this.listener = undefined;
    this.confirmedAt = -Infinity;
    if (this.closed) return;
    this.options.onError(new Error(`purge listener disconnected${err ? `: ${err.message}` : ''}; reconnecting`));
    client.removeAllListeners('notification');
    // pg may still emit an error for the dead socket; it is handled here and has been reported.
    client.on('error', () => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    let client: pg.Client;
    try {
      client = await this.listen();
    } catch (err) {
      this.options.onError(new Error(`purge listener reconnect failed: ${(err as Error).message}`));
      return this.scheduleReconnect();
    }
    if (this.closed) return void client.end().catch(() => undefined);
    this.listener = client;
    this.retryMs = MIN_RETRY_MS;
    // Messages sent while we were away are lost: drop everything that could depend on them.
    this.handlers.dispatch({ kind: 'all' });
  }

  async sendInTransaction(tx: Kysely<Schema>, event: PurgeEvent): Promise<void> {
    await this.notify(tx, event);
  }

  async publish(event: PurgeEvent, options?: { sent?: boolean }): Promise<void> {
    this.handlers.dispatch(event);
    if (!options?.sent) {
      try {
        await this.notify(this.options.db, event);
      } catch (err) {
        this.options.onError(new Error(`purge publish failed: ${(err as Error).message}`));
      }
    }
    // Every listener that confirms itself up to date from now on has applied this event.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }

  private async notify(db: Kysely<Schema>, event: PurgeEvent): Promise<void> {
    let payload = this.handlers.encode(event);
    // NOTIFY refuses payloads of 8000 bytes or more, which would fail the change with it: a long
    // list of source URLs goes out as "every source of the zone", more than was asked, never less.
    if (Buffer.byteLength(payload) >= MAX_PAYLOAD_BYTES && event.kind === 'sources') payload = this.handlers.encode({ ...event, target: { everything: true } });
    await sql`select pg_notify(${POSTGRES_PURGE_CHANNEL}, ${payload})`.execute(db);
  }

  subscribe(handler: PurgeHandler): () => void {
    return this.handlers.subscribe(handler);
  }

  connected(): boolean {
    return this.listener !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.confirmTimer);
    const listener = this.listener;
    this.listener = undefined;
    this.handlers.clear();
    await listener?.end().catch(() => undefined);
  }
}
