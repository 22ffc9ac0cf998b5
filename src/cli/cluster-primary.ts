/**
 * The cluster primary for PICTOR_WORKERS > 1. It migrates the database and bootstraps the account
 * once, before any worker opens the stores (so workers never race on either), forks the workers
 * (they share the listening port through node:cluster), prints the banner once, relays purge
 * messages between workers, aggregates their metrics, restarts a worker that crashes and passes
 * SIGTERM/SIGINT on. It serves no requests itself, except GET /metrics on PICTOR_METRICS_PORT.
 * It logs through pino like the workers.
 */
import cluster, { type Worker } from 'node:cluster';
import { AccountService } from '../accounts/account-service.js';
import { bootstrap, type BootstrapResult } from '../bootstrap.js';
import { coordinateFlights } from '../cache/cluster-flights.js';
import { aggregateWorkerMetrics } from '../metrics/cluster-metrics.js';
import { serveMetricsPort } from '../metrics/metrics-endpoint.js';
import { createLogger } from '../logger.js';
import { relayPurgeMessages } from '../purge/purge-bus-cluster.js';
import type { Config } from '../config.js';
import { KyselyAccountRepository } from '../storage/account-repository.js';
import { openDatabase } from '../storage/database.js';
import { systemClock } from '../util/clock.js';
import { originOf, printBanner } from './banner.js';
import { SLOT_VARIABLE } from './worker-slot.js';

const STOP_GRACE_MS = 30_000;
/** A worker that lived this long before crashing counts as healthy: restart it at once. */
const HEALTHY_AFTER_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;


interface Slot {
  index: number;
  startedMs: number;
  quickCrashes: number;
}

export async function superviseWorkers(config: Config): Promise<void> {
  const log = createLogger(config.logLevel).child({ primary: true });
  const result = await prepareStores(config);
  relayPurgeMessages(cluster);
  // The primary's share of the rendition memory: recent results every worker can be handed.
  coordinateFlights(cluster, Math.min(64 * 1024 * 1024, Math.floor(config.cacheMemoryBytes / 4)));
  const machineMetrics = aggregateWorkerMetrics(cluster);
  const metricsPort = config.metricsPort === undefined ? undefined : await serveMetricsPort(config.host, config.metricsPort, config.metricsToken, machineMetrics);
  // Renditions cross the IPC channel as Buffers: structured clone rather than JSON.
  cluster.setupPrimary({ serialization: 'advanced' });

  const slots = new Map<Worker, Slot>();
  let started = false;
  let stopping = false;

  const fork = (slot: Slot) => {
    // glibc gives each libvips thread its own malloc arena; capping them keeps a worker's memory
    // from fragmenting under many transforms (sharp's documented advice), unless set explicitly.
    const env = { [SLOT_VARIABLE]: String(slot.index), MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };
    slots.set(cluster.fork(env), { ...slot, startedMs: Date.now() });
  };

  const stop = (signal: NodeJS.Signals, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    void metricsPort?.close();
    if (slots.size === 0) process.exit(exitCode);
    for (const worker of slots.keys()) worker.process.kill(signal);
    process.exitCode = exitCode;
    setTimeout(() => {
      for (const worker of slots.keys()) worker.process.kill('SIGKILL');
      process.exit(exitCode || 1);
    }, STOP_GRACE_MS).unref();
  };

  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    // The banner says "listening" once every first-generation worker is.
    if (++listening !== config.workers) return;
    started = true;
    printBanner(config, originOf(config.host, address.port), result, config.workers);
  });

  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.get(worker)!;
    slots.delete(worker);
    if (stopping) {
      if (slots.size === 0) process.exit();
      return;
    }
    const how = signal ?? `code ${code}`;
    if (!started) {
      // Not everything came up (bad settings, unreachable store): restarting would only loop.
      log.error({ worker: slot.index, exit: how }, `worker ${slot.index} exited during start (${how}); stopping`);
      return stop('SIGTERM', 1);
    }
    const quick = Date.now() - slot.startedMs < HEALTHY_AFTER_MS;
    const quickCrashes = quick ? slot.quickCrashes + 1 : 0;
    const delay = quickCrashes === 0 ? 0 : Math.min(250 * 2 ** quickCrashes, MAX_RESTART_DELAY_MS);
    log.warn({ worker: slot.index, exit: how, restartInMs: delay }, `worker ${slot.index} exited (${how}); restarting it${delay ? ` in ${delay} ms` : ''}`);
    setTimeout(() => !stopping && fork({ ...slot, quickCrashes }), delay);
  });

  process.once('SIGTERM', () => stop('SIGTERM', 0));
  // Ctrl-C reaches the workers too (same process group); they stop by themselves.
  process.once('SIGINT', () => stop('SIGTERM', 0));
  for (let index = 0; index < config.workers; index++) fork({ index, startedMs: 0, quickCrashes: 0 });
}

/** Migrations (inside openDatabase) and the first account, token and user. */
async function prepareStores(config: Config): Promise<BootstrapResult> {
  const database = await openDatabase(config.databaseUrl, { poolSize: 1 });
  try {
    return await bootstrap({ accounts: new AccountService(new KyselyAccountRepository(database.db), systemClock) }, config);
  } finally {
    await database.close();
  }
}
