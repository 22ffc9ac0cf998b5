// Readers for /proc: process trees, CPU ticks and peak RSS. Linux only, like the rest of the bench.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const CLOCK_TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function readStatFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process is gone
  }
}

/** The pid and all its living descendants. */
export function processTree(rootPid) {
  const childrenOf = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = readStatFields(name);
    if (!fields) continue;
    const ppid = Number(fields[1]);
    if (!childrenOf.has(ppid)) childrenOf.set(ppid, []);
    childrenOf.get(ppid).push(Number(name));
  }
  const tree = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    if (!readStatFields(pid)) continue;
    tree.push(pid);
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

/** utime+stime of one process, in clock ticks (0 if it is gone). */
function cpuTicksOf(pid) {
  const fields = readStatFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

export function treeCpuTicks(rootPid) {
  return processTree(rootPid).reduce((sum, pid) => sum + cpuTicksOf(pid), 0);
}

/**
 * CPU of this process's reaped children (cutime+cstime). wrk and the sharp loop worker are
 * children of the runner, so the delta across their run is their CPU.
 */
export function reapedChildrenCpuTicks() {
  const fields = readStatFields('self');
  return Number(fields[13]) + Number(fields[14]);
}

export function ownCpuTicks() {
  return cpuTicksOf('self');
}

function statusKb(pid, key) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak resident set (VmHWM) summed over the tree, in MB. Shared pages are counted once per
 * process, so for multi-process servers this is an upper bound.
 */
export function treePeakRssMb(rootPid) {
  return processTree(rootPid).reduce((sum, pid) => sum + statusKb(pid, 'VmHWM'), 0) / 1024;
}

export function ownPeakRssMb() {
  return statusKb('self', 'VmHWM') / 1024;
}

/** Whole-box CPU counters from /proc/stat, in clock ticks. */
export function boxCpuTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

export function isAlive(pid) {
  const fields = readStatFields(pid);
  return fields !== null && fields[0] !== 'Z'; // a zombie has exited already
}

/**
 * Waits until a process tree uses less than `idleCores` of CPU over a short window: a load
 * generator that stops does not stop the server's work on requests already accepted.
 */
export async function waitUntilIdle(rootPid, { idleCores = 0.1, windowMs = 300, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = treeCpuTicks(rootPid);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const cores = (treeCpuTicks(rootPid) - before) / CLOCK_TICKS_PER_SEC / (windowMs / 1000);
    if (cores < idleCores) return;
  }
}
