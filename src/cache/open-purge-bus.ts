/**
 * The one place that picks the purge bus: Redis when PURGE_BUS_URL names one; otherwise PostgreSQL
 * LISTEN/NOTIFY when the metadata lives there (every node shares it already); otherwise, on the
 * embedded stores, the cluster primary's relay between worker processes, or plain in-process.
 */
import cluster from 'node:cluster';
import type { Config } from '../config.js';
import type { Database } from '../storage/database.js';
import { LocalPurgeBus, type PurgeBus } from './purge-bus.js';
import { ClusterPurgeBus } from './purge-bus-cluster.js';

/** Where listener disconnects, reconnects and failed publishes are reported (the process's logger). */
export type PurgeBusErrorReporter = (err: Error) => void;

export async function openPurgeBus(
  config: Pick<Config, 'purgeBusUrl' | 'databaseUrl'>,
  database: Database,
  onError: PurgeBusErrorReporter,
): Promise<PurgeBus> {
  // Their client libraries load only when chosen: an embedded installation never pays for them.
  if (config.purgeBusUrl) return (await import('./purge-bus-redis.js')).RedisPurgeBus.open(config.purgeBusUrl, onError);
  if (database.dialect === 'postgres') {
    return (await import('./purge-bus-postgres.js')).PostgresPurgeBus.open({ connectionString: config.databaseUrl, db: database.db, onError });
  }
  if (cluster.isWorker) return new ClusterPurgeBus();
  return new LocalPurgeBus();
}
