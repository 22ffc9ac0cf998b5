/**
 * The one place that picks the purge bus: Redis when PURGE_BUS_URL names one; otherwise PostgreSQL
 * LISTEN/NOTIFY when the metadata lives there (every node shares it already); otherwise, on the
 * embedded stores, the cluster primary's relay between worker processes, or plain in-process.
 */
import cluster from 'node:cluster';
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';
import { LocalPurgeBus, type PurgeBus } from './purge-bus.js';
import { ClusterPurgeBus } from './purge-bus-cluster.js';

/** Where listener disconnects, reconnects and failed publishes are reported (the process's logger). */
export type PurgeBusErrorReporter = (err: Error) => void;

export interface PurgeBusChoice {
  /** PURGE_BUS_URL: a Redis server every node reaches. */
  redisUrl?: string;
  /** The metadata database when it is PostgreSQL (its LISTEN/NOTIFY connects every node). */
  postgres?: { connectionString: string; db: Kysely<Schema> };
}

export async function openPurgeBus(choice: PurgeBusChoice, onError: PurgeBusErrorReporter): Promise<PurgeBus> {
  // Their client libraries load only when chosen: an embedded installation never pays for them.
  if (choice.redisUrl) return (await import('./purge-bus-redis.js')).RedisPurgeBus.open(choice.redisUrl, onError);
  if (choice.postgres) return (await import('./purge-bus-postgres.js')).PostgresPurgeBus.open({ ...choice.postgres, onError });
  if (cluster.isWorker) return new ClusterPurgeBus();
  return new LocalPurgeBus();
}
