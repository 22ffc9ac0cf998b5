/**
 * Purge bus between the worker processes of one machine (PICTOR_WORKERS > 1 on the embedded
 * stores): each worker sends its events to the cluster primary over the IPC channel node:cluster
 * already opened, and the primary relays them to every other worker. The channel lives as long as
 * the worker does (a worker whose primary is gone exits), so it never reconnects.
 */
import type { Cluster, Worker } from 'node:cluster';
import { type PurgeBus, type PurgeEvent, PurgeHandlers, type PurgeHandler } from './purge-bus.js';

interface PurgeIpcMessage {
  pictorPurge: string;
}

const isPurgeIpcMessage = (m: unknown): m is PurgeIpcMessage => typeof (m as PurgeIpcMessage | null)?.pictorPurge === 'string';

/** The worker side. */
export class ClusterPurgeBus implements PurgeBus {
  readonly synchronous = false;
  private readonly handlers = new PurgeHandlers();
  private readonly onMessage = (message: unknown) => {
    if (isPurgeIpcMessage(message)) this.handlers.receive(message.pictorPurge);
  };

  constructor() {
    process.on('message', this.onMessage);
  }

  async publish(event: PurgeEvent): Promise<void> {
    this.handlers.dispatch(event);
    const message: PurgeIpcMessage = { pictorPurge: this.handlers.encode(event) };
    process.send?.(message);
  }

  subscribe(handler: PurgeHandler): () => void {
    return this.handlers.subscribe(handler);
  }

  connected(): boolean {
    return process.connected;
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
    this.handlers.clear();
  }
}

/** The primary side: forwards every worker's purge messages to all the other workers. */
export function relayPurgeMessages(cluster: Cluster): void {
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isPurgeIpcMessage(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message);
    }
  });
}
