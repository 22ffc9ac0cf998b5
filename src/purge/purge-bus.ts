/**
 * Purge events: published after a change that affects delivery commits, delivered to every node
 * (and every worker) so caches drop the affected entries. Delivery never relies on them alone —
 * rendition keys carry versions, and a bus that spans processes makes delivery read metadata fresh
 * (see DeliveryMetadata) — so a lost message costs memory, never correctness.
 * Implementations: this file (one process), purge-bus-postgres.ts, purge-bus-redis.ts,
 * purge-bus-cluster.ts; open-purge-bus.ts picks one.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';

export type PurgeEvent =
  | { kind: 'image'; accountId: string; imageId: string }
  | { kind: 'variant'; accountId: string; variantId: string }
  | { kind: 'account'; accountId: string }
  /** The zone purge API: remote sources of /cdn-cgi/image/ and every rendition made from them. */
  | { kind: 'sources'; accountId: string; target: SourcePurgeTarget }
  /** Sent locally when a listener reconnects: anything may have been missed. */
  | { kind: 'all' };

/** Full source URLs, URL prefixes without a scheme (`host/path/`), or everything in the zone. */
export type SourcePurgeTarget = { files: string[] } | { prefixes: string[] } | { everything: true };

export type PurgeHandler = (event: PurgeEvent) => void;

export interface PurgeBus {
  /**
   * Runs this process's handlers before it resolves, then sends the event to the other processes
   * (if any) unless `sent` says sendInTransaction already did. A failure to send is reported, not
   * thrown: the change it follows has committed.
   */
  publish(event: PurgeEvent, options?: { sent?: boolean }): Promise<void>;
  /**
   * Buses that travel through the metadata database send inside the change's transaction, so the
   * message goes out if and only if the change commits; publish(event, { sent: true }) follows
   * the commit.
   */
  sendInTransaction?(tx: Kysely<Schema>, event: PurgeEvent): Promise<void>;
  subscribe(handler: PurgeHandler): () => void;
  /**
   * True when every subscriber lives in this process, so publish() has reached all of them when it
   * resolves. False for buses between processes: their messages arrive later, or not at all.
   */
  readonly synchronous: boolean;
  /**
   * True while this process has applied every message whose publish() has resolved anywhere, so
   * its caches may be trusted as on a synchronous bus. Always on a synchronous bus; on the
   * PostgreSQL bus while its listener keeps confirming it (purge-bus-postgres.ts); never on Redis.
   */
  upToDate(): boolean;
  /** False while the listener is down and messages from other processes may be missed. */
  connected(): boolean;
  close(): Promise<void>;
}

/**
 * The subscribers of one process, and the wire format between processes. Every message carries
 * the sender's origin id, so a process that hears its own message back does not apply it twice.
 */
export class PurgeHandlers {
  readonly origin = randomUUID();
  private readonly handlers = new Set<PurgeHandler>();

  /** What a listener connection is called on the server, so operators (and tests) can find a node's. */
  get listenerName(): string {
    return `pictor-purge-${process.pid}-${this.origin.slice(0, 8)}`;
  }

  subscribe(handler: PurgeHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  dispatch(event: PurgeEvent): void {
    for (const handler of this.handlers) handler(event);
  }

  encode(event: PurgeEvent): string {
    return JSON.stringify({ origin: this.origin, event });
  }

  /** Applies a message from another process; our own and malformed ones are ignored. */
  receive(payload: string): void {
    let message: { origin?: unknown; event?: unknown } | null;
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (message?.origin !== this.origin && isPurgeEvent(message?.event)) this.dispatch(message.event);
  }

  clear(): void {
    this.handlers.clear();
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';

function isPurgeEvent(value: unknown): value is PurgeEvent {
  const e = value as Record<string, unknown> | null;
  switch (e?.kind) {
    case 'image':
      return isString(e.accountId) && isString(e.imageId);
    case 'variant':
      return isString(e.accountId) && isString(e.variantId);
    case 'account':
      return isString(e.accountId);
    case 'sources':
      return isString(e.accountId) && isSourcePurgeTarget(e.target);
    case 'all':
      return true;
    default:
      return false;
  }
}

function isSourcePurgeTarget(value: unknown): value is SourcePurgeTarget {
  const t = value as Record<string, unknown> | null;
  const strings = (v: unknown) => Array.isArray(v) && v.every(isString);
  return t !== null && typeof t === 'object' && (strings(t.files) || strings(t.prefixes) || t.everything === true);
}

/** Single-process bus: handlers run synchronously inside publish, before the API call returns. */
export class LocalPurgeBus implements PurgeBus {
  readonly synchronous = true;
  private readonly handlers = new PurgeHandlers();

  async publish(event: PurgeEvent): Promise<void> {
    this.handlers.dispatch(event);
  }

  subscribe(handler: PurgeHandler): () => void {
    return this.handlers.subscribe(handler);
  }

  connected(): boolean {
    return true;
  }

  upToDate(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
