/** A serving process: the only process (PICTOR_WORKERS=1) or one worker of the cluster. */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildApp, loggerOptions } from '../app.js';
import { startBackgroundJobs } from '../background-jobs.js';
import { bootstrap } from '../bootstrap.js';
import type { Config } from '../config.js';
import { Gauge } from '../metrics/registry.js';
import { createServices, type Services } from '../services.js';
import { banner, originOf } from './banner.js';
import { workerSlot } from './worker-slot.js';

export async function serveInProcess(config: Config): Promise<void> {
  const services = await createServices(config);
  const result = await bootstrap(services, config);
  const node = await startNode(services, config, { backgroundJobs: true });
  console.log(banner(config, node.origin, result, 1));
}

/** The primary has migrated the database and bootstrapped the account before forking us. */
export async function serveAsWorker(config: Config): Promise<void> {
  const slot = workerSlot();
  const services = await createServices(shareOfMachine(config), { cacheDir: path.join(config.dataDir, 'cache', `worker-${slot}`) });
  // /metrics?scope=worker answers for one worker; this says which one did.
  services.metrics.registry.add(new Gauge('pictor_worker_slot', 'Which worker process answered (0…PICTOR_WORKERS-1)', () => slot));
  // Sweeps and the webhook dispatcher: one process per machine is plenty.
  const node = await startNode(services, config, { backgroundJobs: slot === 0 });
  // The primary is gone: nobody would restart us or relay our purges any more.
  process.once('disconnect', () => void node.shutdown('primary exited'));
}

/**
 * Cache sizes and transform slots are set for the machine; each worker takes its share, so N
 * workers use what one process would.
 */
function shareOfMachine(config: Config): Config {
  const n = config.workers;
  return {
    ...config,
    cacheMemoryBytes: Math.floor(config.cacheMemoryBytes / n),
    cacheDiskBytes: Math.floor(config.cacheDiskBytes / n),
    originalsCacheBytes: Math.floor(config.originalsCacheBytes / n),
    transformConcurrency: Math.ceil(config.transformConcurrency / n),
  };
}

interface RunningNode {
  origin: string;
  shutdown(reason: string): Promise<void>;
}

/** Builds the app, listens, starts the background jobs and stops everything on SIGTERM/SIGINT. */
async function startNode(services: Services, config: Config, options: { backgroundJobs: boolean }): Promise<RunningNode> {
  const app = await buildApp(services, { logger: loggerOptions(config.logLevel) });
  await app.listen({ host: config.host, port: config.port });
  const origin = originOf(config.host, (app.server.address() as AddressInfo).port);
  if (!config.deliveryUrl) services.urls.delivery = origin;

  const stopJobs = options.backgroundJobs ? startBackgroundJobs(services, app.log) : async () => undefined;

  let closing = false;
  const shutdown = async (reason: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ reason }, 'shutting down');
    await stopJobs();
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return { origin, shutdown };
}
