// CPU per thread of one process, grouped by thread name, from /proc/<pid>/task: tells the
// JavaScript main thread apart from libuv's pool (where sharp/libvips run) and V8's helpers.
import { readFileSync, readdirSync } from 'node:fs';
import { CLOCK_TICKS_PER_SEC } from '../lib/proc.mjs';

/** Thread name → CPU seconds so far, summed over the threads of that name. */
export function threadCpuByName(pid) {
  const byName = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const name = tid === String(pid) ? 'main (JavaScript)' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
    byName.set(name, (byName.get(name) ?? 0) + seconds);
  }
  return byName;
}

/** Cores used per thread name between two readings `durationSec` apart, busiest first. */
export function threadCoresBetween(before, after, durationSec) {
  return [...after]
    .map(([name, seconds]) => ({ name, cores: (seconds - (before.get(name) ?? 0)) / durationSec }))
    .filter((row) => row.cores > 0.005)
    .sort((a, b) => b.cores - a.cores);
}
