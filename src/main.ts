/**
 * Process entry. libuv reads UV_THREADPOOL_SIZE when its thread pool first starts, so it is set
 * here before anything else loads: each running transform holds a pool thread for tens of
 * milliseconds, and file and DNS work must not queue behind them (the default is 4 threads).
 */
import os from 'node:os';

if (process.env.UV_THREADPOOL_SIZE === undefined) {
  const transforms = Number(process.env.PICTOR_TRANSFORM_CONCURRENCY) || os.availableParallelism() * 2;
  process.env.UV_THREADPOOL_SIZE = String(Math.min(1024, transforms + 4));
}

await import('./cli.js');
