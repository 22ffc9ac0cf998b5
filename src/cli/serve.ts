/**
 * `pictor serve`. With PICTOR_WORKERS=1 one process does everything. With more, this process
 * becomes the cluster primary (cluster-primary.ts) and forks workers that share the port; each
 * worker runs serveAsWorker() (serve-node.ts). The primary never loads the app or the image
 * libraries: it only supervises.
 */
import cluster from 'node:cluster';
import type { Config } from '../config.js';

export async function serve(config: Config): Promise<void> {
  if (cluster.isPrimary && config.workers > 1) return (await import('./cluster-primary.js')).superviseWorkers(config);
  const node = await import('./serve-node.js');
  return config.workers === 1 ? node.serveInProcess(config) : node.serveAsWorker(config);
}
