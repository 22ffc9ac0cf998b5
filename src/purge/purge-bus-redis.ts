/**
 * Purge bus over Redis pub/sub, chosen by PURGE_BUS_URL=redis://host:port[/db][?channel=NAME].
 * Pub/sub channels are server-wide (not per database number), so installations sharing a Redis
 * need their own `channel` (default `pictor:purge`). A subscribed connection cannot publish, so
 * there are two; the subscriber is named `pictor-purge-<pid>-<origin>` in CLIENT LIST.
 * Pub/sub is at most once: after every reconnect the node purges everything it holds locally.
 */
import { Redis } from 'ioredis';
import { type PurgeBus, type PurgeEvent, PurgeHandlers, type PurgeHandler } from './purge-bus.js';

const DEFAULT_CHANNEL = 'pictor:purge';
const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;
const START_TIMEOUT_MS = 5_000;

/** Splits PURGE_BUS_URL into what ioredis understands and Pictor's own `channel` parameter. */
export function parseRedisBusUrl(url: string): { redisUrl: string; channel: string } {
  const parsed = new URL(url);
  const channel = parsed.searchParams.get('channel') || DEFAULT_CHANNEL;
  parsed.searchParams.delete('channel');
  return { redisUrl: parsed.toString(), channel };
}

export class RedisPurgeBus implements PurgeBus {
  readonly synchronous = false;
  private readonly handlers = new PurgeHandlers();
  private readonly channel: string;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private listening = false;
  private hasListened = false;
  private readonly firstListen: Promise<void>;

  private constructor(
    url: string,
    private readonly onError: (err: Error) => void,
  ) {
    const { redisUrl, channel } = parseRedisBusUrl(url);
    this.channel = channel;
    const retryStrategy = (attempt: number) => Math.min(MIN_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
    // We subscribe on every `ready` ourselves, so `connected` turns true only once it has happened.
    this.subscriber = new Redis(redisUrl, { lazyConnect: true, retryStrategy, autoResubscribe: false, connectionName: this.handlers.listenerName });
    // A publish while Redis is down fails at once instead of waiting in a queue behind the API call.
    this.publisher = new Redis(redisUrl, { lazyConnect: true, retryStrategy, enableOfflineQueue: false });
    this.subscriber.on('message', (from: string, payload: string) => {
      if (from === this.channel) this.handlers.receive(payload);
    });
    let started!: () => void;
    this.firstListen = new Promise((resolve) => (started = resolve));
    this.subscriber.on('ready', () => void this.listen().then(started, () => undefined));
    this.subscriber.on('close', () => (this.listening = false));
    this.subscriber.on('error', (err: Error) => this.hasListened && this.onError(new Error(`purge subscriber: ${err.message}`)));
    this.publisher.on('error', () => undefined);
  }

  /** Connects and subscribes; fails when Redis cannot be reached, so a bad URL fails at start. */
  static async open(url: string, onError: (err: Error) => void): Promise<RedisPurgeBus> {
    const bus = new RedisPurgeBus(url, onError);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.all([bus.publisher.connect(), bus.subscriber.connect()]);
      await Promise.race([bus.firstListen, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no SUBSCRIBE reply')), START_TIMEOUT_MS)))]);
    } catch (err) {
      bus.subscriber.disconnect();
      bus.publisher.disconnect();
      const where = parseRedisBusUrl(url).redisUrl.replace(/\/\/[^@/]*@/, '//');
      throw new Error(`cannot reach the Redis purge bus at ${where}: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    return bus;
  }

  private async listen(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (err) {
      this.onError(new Error(`purge subscribe failed: ${(err as Error).message}`));
      throw err;
    }
    this.listening = true;
    // Messages sent while we were away are lost: drop everything that could depend on them.
    if (this.hasListened) this.handlers.dispatch({ kind: 'all' });
    this.hasListened = true;
  }

  async publish(event: PurgeEvent): Promise<void> {
    this.handlers.dispatch(event);
    try {
      await this.publisher.publish(this.channel, this.handlers.encode(event));
    } catch (err) {
      this.onError(new Error(`purge publish failed: ${(err as Error).message}`));
    }
  }

  subscribe(handler: PurgeHandler): () => void {
    return this.handlers.subscribe(handler);
  }

  connected(): boolean {
    return this.listening;
  }

  /** Not confirmed (a PING on the subscriber could be): delivery reads accounts fresh on this bus. */
  upToDate(): boolean {
    return false;
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }
}
