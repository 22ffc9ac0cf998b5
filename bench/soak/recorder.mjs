// Per-interval figures of a soak: operations, errors, latency percentiles, and the server's RSS
// (VmRSS summed over its process tree: the primary and its workers).
import { readFileSync } from 'node:fs';
import { processTree } from '../lib/proc.mjs';
import { quantile } from '../lib/stats.mjs';

function rssMbOf(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0; // gone
  }
}

export function treeRssMb(rootPid) {
  return processTree(rootPid).reduce((sum, pid) => sum + rssMbOf(pid), 0);
}

const HOT = new Set(['hotHosted', 'hotTransform']);
const round = (value, digits = 1) => (value == null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

export function createRecorder({ pid, startedAt = performance.now() }) {
  let current = { latencies: [], hot: [], errors: 0, firstErrors: [] };
  const samples = [];
  return {
    samples,
    record(name, ms, error) {
      current.latencies.push(ms);
      if (HOT.has(name)) current.hot.push(ms);
      if (error) {
        current.errors++;
        if (current.firstErrors.length < 3) current.firstErrors.push(`${name}: ${error.message ?? error}`);
      }
    },
    /** Closes the interval: one sample. */
    sample() {
      const { latencies, hot, errors, firstErrors } = current;
      current = { latencies: [], hot: [], errors: 0, firstErrors: [] };
      const sample = {
        minute: round((performance.now() - startedAt) / 60_000, 3),
        rssMb: round(treeRssMb(pid)),
        processes: processTree(pid).length,
        operations: latencies.length,
        errors,
        p50Ms: round(quantile(latencies, 0.5)),
        p99Ms: round(quantile(latencies, 0.99)),
        hotP99Ms: round(quantile(hot, 0.99)),
        ...(firstErrors.length ? { firstErrors } : {}),
      };
      samples.push(sample);
      return sample;
    },
  };
}
