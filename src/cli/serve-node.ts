/** A serving process: the only process (PICTOR_WORKERS=1) or one worker of the cluster. */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildApp } from '../http/app.js';
import { startBackgroundJobs } from '../background-jobs.js';
import { bootstrap } from '../bootstrap.js';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { serveMetricsPort } from '../metrics/metrics-endpoint.js';
import { addWorkerSlot } from '../metrics/pictor-metrics.js';
import { createServices, type Services } from '../services.js';
import { originOf, printBanner } from './banner.js';
import { workerSlot } from './worker-slot.js';

export async function serveInProcess(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  const services = await createServices(config, { log });
  const result = await bootstrap(services, config);
  // With several workers the primary serves this port, for the whole machine.
  const metricsPort =
    config.metricsPort === undefined ? undefined : await serveMetricsPort(config.host, config.metricsPort, config.metricsToken, () => services.metrics.registry.metrics());
  const node = await startNode(services, log, config, { backgroundJobs: true, onShutdown: async () => metricsPort?.close() });
  printBanner(config, node.origin, result, 1);
}

/** The primary has migrated the database and bootstrapped the account before forking us. */
export async function serveAsWorker(config: Config): Promise<void> {
  const slot = workerSlot();
  const log = createLogger(config.logLevel).child({ worker: slot });
  const services = await createServices(shareOfMachine(config), { cacheDir: path.join(config.dataDir, 'cache', `worker-${slot}`), log });
  // /metrics?scope=worker answers for one worker; this says which one did.
  addWorkerSlot(services.metrics.registry, slot);
  // Sweeps and the webhook dispatcher: one process per machine is plenty.
  const node = await startNode(services, log, config, { backgroundJobs: slot === 0 });
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
async function startNode(
  services: Services,
  log: Logger,
  config: Config,
  options: { backgroundJobs: boolean; onShutdown?: () => Promise<void> },
): Promise<RunningNode> {
  const app = await buildApp(services, { logger: log });
  await app.listen({ host: config.host, port: config.port });
  const origin = originOf(config.host, (app.server.address() as AddressInfo).port);
  if (!config.deliveryUrl) services.urls.delivery = origin;

  const stopJobs = options.backgroundJobs ? startBackgroundJobs(services) : async () => undefined;

  let closing = false;
  const shutdown = async (reason: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ reason }, 'shutting down');
    await stopJobs();
    await options.onShutdown?.();
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return { origin, shutdown };
}
