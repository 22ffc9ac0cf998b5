/** Every thread but the main one (the event loop that answers hits) runs at a lower priority. */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerBackgroundThreads } from '../../src/util/background-thread-priority.js';

/** A thread's nice value: field 19 of /proc/<pid>/task/<tid>/stat (after the parenthesised name). */
const niceOf = (tid: string) => Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

describe.runIf(process.platform === 'linux')('lowerBackgroundThreads', () => {
  it('lowers the other threads and leaves the main thread alone', async () => {
    // A thread of our own, so there is one whatever the runtime started.
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    try {
      lowerBackgroundThreads();
      const others = fs.readdirSync('/proc/self/task').filter((tid) => Number(tid) !== process.pid);
      expect(others.length).toBeGreaterThan(0);
      expect(others.map(niceOf).every((nice) => nice === 10)).toBe(true);
      expect(niceOf(String(process.pid))).toBe(0);
    } finally {
      await worker.terminate();
    }
  });
});
