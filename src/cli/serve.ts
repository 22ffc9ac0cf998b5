/**
 * `pictor serve`. With PICTOR_WORKERS=1 one process does everything. With more, this process
 * becomes the cluster primary (cluster-primary.ts) and forks workers that share the port; each
 * worker runs serveAsWorker() (serve-node.ts). The primary never loads the app or the image
 * libraries: it only supervises.
 */
import cluster from 'node:cluster';
import type { Config } from '../config.js';
import { holdServingLock } from './serving-lock.js';

export async function serve(config: Config): Promise<void> {
  if (cluster.isWorker) return (await import('./serve-node.js')).serveAsWorker(config);
  // Before the stores are opened: a refused second server must not migrate or bootstrap anything.
  await holdServingLock(config);
  if (config.workers > 1) return (await import('./cluster-primary.js')).superviseWorkers(config);
  return (await import('./serve-node.js')).serveInProcess(config);
}
