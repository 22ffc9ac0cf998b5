/**
 * Purge bus over PostgreSQL LISTEN/NOTIFY: the default when the metadata database is PostgreSQL, so
 * many nodes need no other service. Publishing goes through the query pool (`pg_notify`); listening
 * needs a session of its own, so it is a dedicated connection (never one from the pool, never
 * through a transaction-mode pooler), named `pictor-purge-<pid>-<origin>` in pg_stat_activity.
 * NOTIFY is at most once: a node whose listener drops misses what is sent meanwhile, so after
 * every reconnect it purges everything it holds locally.
 */
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Schema } from '../storage/schema.js';
import { type PurgeBus, type PurgeEvent, PurgeHandlers, type PurgeHandler } from './purge-bus.js';

export const POSTGRES_PURGE_CHANNEL = 'pictor_purge';
/** First reconnect delay, doubling to MAX_RETRY_MS: a restarted server is not stormed by every node. */
const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

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

  private constructor(private readonly options: PostgresPurgeBusOptions) {}

  /** Connects the listener; fails when PostgreSQL cannot be reached, so a bad setup fails at start. */
  static async open(options: PostgresPurgeBusOptions): Promise<PostgresPurgeBus> {
    const bus = new PostgresPurgeBus(options);
    bus.listener = await bus.listen();
    return bus;
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

  async publish(event: PurgeEvent): Promise<void> {
    this.handlers.dispatch(event);
    try {
      await sql`select pg_notify(${POSTGRES_PURGE_CHANNEL}, ${this.handlers.encode(event)})`.execute(this.options.db);
    } catch (err) {
      this.options.onError(new Error(`purge publish failed: ${(err as Error).message}`));
    }
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
    const listener = this.listener;
    this.listener = undefined;
    this.handlers.clear();
    await listener?.end().catch(() => undefined);
  }
}
