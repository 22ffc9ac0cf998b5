/**
 * Transforms run mostly on libvips' own worker threads; cached hits are answered by the event loop
 * on the main thread. With every core busy transforming, the kernel would share the CPU evenly and
 * hits would wait behind transforms. Giving libvips' threads a lower priority (a higher nice value,
 * which a process may always do to its own threads) lets the event loop run first; CPU nobody else
 * wants still goes to the transforms. Only libvips' threads: V8's helpers (optimising compiler,
 * concurrent GC) and libuv's pool serve the event loop and keep their priority. Linux only
 * (threads are listed in /proc, and setpriority takes a thread id there); elsewhere it does nothing.
 */
import fs from 'node:fs';
import os from 'node:os';

/** PICTOR_TRANSFORM_NICE; 0 leaves every thread alone. */
let backgroundNice = 10;
/** The name libvips gives its pool threads (/proc/<pid>/task/<tid>/comm). */
const LIBVIPS_THREAD = 'libvips worker';
/** Threads appear over time (libvips grows its pool): look again at most this often. */
const RESCAN_MS = 1000;

const lowered = new Set<number>();
let lastScan = -Infinity;

/** Sets the nice value given to background threads from now on (the process's one setting). */
export function setBackgroundNice(nice: number): void {
  backgroundNice = nice;
}

/** Lowers the priority of libvips threads not seen before; cheap to call on every transform. */
export function lowerBackgroundThreads(now = performance.now()): void {
  if (backgroundNice === 0 || process.platform !== 'linux' || now - lastScan < RESCAN_MS) return;
  lastScan = now;
  let threads: string[];
  try {
    threads = fs.readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const entry of threads) {
    const tid = Number(entry);
    if (tid === process.pid || lowered.has(tid)) continue;
    lowered.add(tid);
    try {
      if (fs.readFileSync(`/proc/self/task/${entry}/comm`, 'utf8').trim() !== LIBVIPS_THREAD) continue;
      os.setPriority(tid, backgroundNice);
    } catch {
      // Gone already, or not permitted: that thread keeps its priority.
    }
  }
}
