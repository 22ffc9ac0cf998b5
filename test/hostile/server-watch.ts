/**
 * Watches a server process while the corpus runs: GET /healthz every ~50 ms and the process's
 * resident memory (VmRSS from /proc/<pid>/status) every ~100 ms.
 *
 * The /healthz latency is how the suite sees event-loop stalls: the route does no work, so an
 * answer slower than a few milliseconds means the server's one JavaScript thread was busy with
 * something else (a synchronous sanitizer, decoder or parser working on hostile input). The
 * poller runs in a worker thread so that the test process's own work (generating a 10 MB SVG,
 * deflating a bomb) never delays a probe and counts as the server's stall.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface WatchSummary {
  healthzProbes: number;
  /** Slowest /healthz answer, ms (a probe that failed counts as Infinity). */
  maxHealthzMs: number;
  /** Probes slower than the bound, with when they started (epoch ms). */
  slowProbes: Array<{ at: number; ms: number; status: number }>;
  rssSamples: number;
  peakRssBytes: number;
}

// CommonJS, evaluated in the worker: no TypeScript transform reaches worker threads.
const pollerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { origin, pid, slowMs } = workerData;
let running = true;
let probes = 0, max = 0, samples = 0, peak = 0;
const slow = [];
const rssOf = () => {
  const m = /VmRSS:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function pollHealthz() {
  while (running) {
    const t0 = performance.now();
    const at = Date.now();
    let status = 0;
    try {
      const res = await fetch(origin + '/healthz', { signal: AbortSignal.timeout(10000) });
      await res.arrayBuffer();
      status = res.status;
    } catch {}
    const ms = status === 200 ? performance.now() - t0 : Infinity;
    probes++;
    max = Math.max(max, ms);
    if (ms > slowMs) slow.push({ at, ms: Math.round(ms), status });
    await sleep(Math.max(0, 50 - (performance.now() - t0)));
  }
}
async function sampleRss() {
  while (running) {
    try { peak = Math.max(peak, rssOf()); samples++; } catch {}
    await sleep(100);
  }
}
const loops = Promise.all([pollHealthz(), sampleRss()]);
parentPort.on('message', async () => {
  running = false;
  await loops;
  parentPort.postMessage({ healthzProbes: probes, maxHealthzMs: max, slowProbes: slow, rssSamples: samples, peakRssBytes: peak });
});
`;

export interface ServerWatch {
  stop(): Promise<WatchSummary>;
}

export function watchServer(origin: string, pid: number, slowMs: number): ServerWatch {
  const worker = new Worker(pollerSource, { eval: true, workerData: { origin, pid, slowMs } });
  return {
    async stop() {
      const summary = new Promise<WatchSummary>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const result = await summary;
      await worker.terminate();
      return result;
    },
  };
}

/** Resident memory of a process now, bytes. */
export function residentBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}
