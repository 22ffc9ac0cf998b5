/**
 * Watches a server process while the corpus runs: GET /healthz every ~50 ms and the process's
 * resident memory (VmRSS from /proc/<pid>/status) every ~100 ms.
 *
 * The /healthz latency is how the suite sees event-loop stalls: the route does no work, so an
 * answer slower than a few milliseconds means the server's one JavaScript thread was busy with
 * something else (a synchronous sanitizer, decoder or parser working on hostile input). The
 * poller runs in a worker thread so that the test process's own work (generating a 10 MB SVG,
 * deflating a bomb) never delays a probe and counts as the server's stall.
 *
 * A shared machine delays answers too: when other work takes the cores, the server's thread waits
 * for one. So a slow answer counts as a stall only if the server's main thread also spent most of
 * the bound running on a core meanwhile (its CPU time from /proc/<pid>/task/<pid>/stat): busy for
 * the bound is a held event loop, waiting for a core is the machine. On an idle machine the two
 * coincide; under load, slow answers the main thread did not spend running are set aside as
 * excused, and the suite asserts that most probes were judged.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface WatchSummary {
  healthzProbes: number;
  /** Slowest /healthz answer, ms (a probe that failed counts as Infinity). */
  maxHealthzMs: number;
  /** Probes slower than the bound, with when they started (epoch ms) and the main thread's CPU meanwhile. */
  slowProbes: Array<{ at: number; ms: number; status: number; cpuMs: number }>;
  /** Slow probes during which the main thread mostly waited for a core: the machine was busy. */
  excusedProbes: Array<{ at: number; ms: number; cpuMs: number }>;
  rssSamples: number;
  peakRssBytes: number;
}

// CommonJS, evaluated in the worker: no TypeScript transform reaches worker threads.
const pollerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { origin, pid, slowMs, msPerTick } = workerData;
let running = true;
let probes = 0, max = 0, samples = 0, peak = 0;
const slow = [], excused = [];
// utime + stime of the main thread (the task whose id is the pid), in ms; fields 14-15 of stat.
const mainThreadCpuMs = () => {
  const fields = fs.readFileSync('/proc/' + pid + '/task/' + pid + '/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * msPerTick;
};
const rssOf = () => {
  const m = /VmRSS:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function pollHealthz() {
  while (running) {
    const t0 = performance.now();
    const at = Date.now();
    const cpu0 = mainThreadCpuMs();
    let status = 0;
    try {
      const res = await fetch(origin + '/healthz', { signal: AbortSignal.timeout(10000) });
      await res.arrayBuffer();
      status = res.status;
    } catch {}
    const ms = status === 200 ? performance.now() - t0 : Infinity;
    probes++;
    max = Math.max(max, ms);
    if (ms > slowMs) {
      const cpuMs = mainThreadCpuMs() - cpu0;
      // One clock tick of slack: CPU time is counted in ticks.
      if (status === 200 && cpuMs < slowMs - msPerTick) excused.push({ at, ms: Math.round(ms), cpuMs });
      else slow.push({ at, ms: Math.round(ms), status, cpuMs });
    }
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
  parentPort.postMessage({ healthzProbes: probes, maxHealthzMs: max, slowProbes: slow, excusedProbes: excused, rssSamples: samples, peakRssBytes: peak });
});
`;

export interface ServerWatch {
  stop(): Promise<WatchSummary>;
}

export function watchServer(origin: string, pid: number, slowMs: number): ServerWatch {
  // Linux counts CPU time in clock ticks (getconf CLK_TCK: 100 per second on every common kernel).
  const msPerTick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const worker = new Worker(pollerSource, { eval: true, workerData: { origin, pid, slowMs, msPerTick } });
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
