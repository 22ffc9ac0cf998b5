/**
 * Purge bus between the worker processes of one machine (PICTOR_WORKERS > 1 on the embedded
 * stores), over the IPC channel node:cluster already opened. The primary relays each worker's
 * event to every other worker and tells the sender once all of them have applied it, so publish()
 * resolves only when the whole machine has purged: the bus is synchronous, like the in-process one,
 * and workers may cache metadata as a single process does. A worker that does not acknowledge in
 * time is replaced, since it might otherwise serve what was purged.
 */
import type { Cluster, Worker } from 'node:cluster';
import { PrimaryRequests } from '../util/primary-requests.js';
import { type PurgeBus, type PurgeEvent, PurgeHandlers, type PurgeHandler } from './purge-bus.js';

/** worker → primary: an event to relay; primary → worker: an event to apply (with an id to ack). */
interface PurgeMessage {
  pictorPurge: string;
  id: number;
}
interface AckMessage {
  pictorPurgeAck: number;
}
interface DoneMessage {
  pictorPurgeDone: number;
}

const ACK_TIMEOUT_MS = 2000;

const isPurge = (m: unknown): m is PurgeMessage => typeof (m as PurgeMessage | null)?.pictorPurge === 'string';
const isAck = (m: unknown): m is AckMessage => typeof (m as AckMessage | null)?.pictorPurgeAck === 'number';
const isDone = (m: unknown): m is DoneMessage => typeof (m as DoneMessage | null)?.pictorPurgeDone === 'number';

/** The worker side. */
export class ClusterPurgeBus implements PurgeBus {
  readonly synchronous = true;
  private readonly handlers = new PurgeHandlers();
  private readonly requests = new PrimaryRequests<void>();
  private readonly onMessage = (message: unknown) => {
    if (isPurge(message)) {
      this.handlers.receive(message.pictorPurge);
      process.send?.({ pictorPurgeAck: message.id } satisfies AckMessage);
    } else if (isDone(message)) {
      this.requests.settle(message.pictorPurgeDone);
    }
  };

  constructor() {
    process.on('message', this.onMessage);
  }

  async publish(event: PurgeEvent): Promise<void> {
    this.handlers.dispatch(event);
    // The primary answers within its ack timeout; this bound only guards against a primary that died.
    await this.requests.ask((id) => ({ pictorPurge: this.handlers.encode(event), id }) satisfies PurgeMessage, ACK_TIMEOUT_MS * 2, () => undefined);
  }

  subscribe(handler: PurgeHandler): () => void {
    return this.handlers.subscribe(handler);
  }

  connected(): boolean {
    return process.connected;
  }

  /** A worker that does not acknowledge a purge in time is killed: a live one has applied them all. */
  upToDate(): boolean {
    return true;
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
    this.handlers.clear();
    this.requests.settleAll();
  }
}

/** The primary side: relays each worker's events to the others and reports back once all applied them. */
export function relayPurgeMessages(cluster: Cluster): void {
  let nextRelay = 1;
  const relays = new Map<number, { pending: Set<Worker>; finish: () => void }>();

  cluster.on('message', (from: Worker, message: unknown) => {
    if (isAck(message)) {
      const relay = relays.get(message.pictorPurgeAck);
      relay?.pending.delete(from);
      if (relay && relay.pending.size === 0) relay.finish();
      return;
    }
    if (!isPurge(message)) return;
    const relayId = nextRelay++;
    const others = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w !== from && w.isConnected());
    const timer = setTimeout(() => {
      // Silent past the deadline: it may still hold what was purged, so it is replaced.
      for (const worker of relays.get(relayId)?.pending ?? []) worker.process.kill('SIGKILL');
      relays.get(relayId)?.finish();
    }, ACK_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      relays.delete(relayId);
      if (from.isConnected()) from.send({ pictorPurgeDone: message.id } satisfies DoneMessage);
    };
    relays.set(relayId, { pending: new Set(others), finish });
    for (const worker of others) worker.send({ pictorPurge: message.pictorPurge, id: relayId } satisfies PurgeMessage);
    if (others.length === 0) finish();
  });

  // A worker that exits owes no more acknowledgements.
  cluster.on('exit', (worker) => {
    for (const relay of relays.values()) {
      if (relay.pending.delete(worker) && relay.pending.size === 0) relay.finish();
    }
  });
}
