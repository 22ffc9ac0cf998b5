/** libvips' worker threads run at a lower priority; the main thread and the others keep theirs. */
import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { lowerBackgroundThreads } from '../../src/util/background-thread-priority.js';

const threads = () => fs.readdirSync('/proc/self/task').map((tid) => ({ tid, name: fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() }));
/** A thread's nice value: field 19 of /proc/<pid>/task/<tid>/stat (after the parenthesised name). */
const niceOf = (tid: string) => Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

describe.runIf(process.platform === 'linux')('lowerBackgroundThreads', () => {
  it('lowers libvips worker threads and leaves every other thread alone', async () => {
    // One transform, so libvips has started its pool.
    await sharp({ create: { width: 1024, height: 1024, channels: 3, background: 'red' } }).resize(64).jpeg().toBuffer();
    lowerBackgroundThreads();
    const all = threads();
    const libvips = all.filter((t) => t.name === 'libvips worker');
    expect(libvips.length).toBeGreaterThan(0);
    expect(libvips.map((t) => niceOf(t.tid))).toEqual(libvips.map(() => 10));
    const others = all.filter((t) => t.name !== 'libvips worker');
    expect(others.map((t) => niceOf(t.tid))).toEqual(others.map(() => 0));
  });
});
