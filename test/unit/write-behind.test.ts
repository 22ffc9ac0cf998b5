/**
 * Renditions stored behind the request: the disk write queue is bounded and drops when full, a
 * queued copy is served whole, a purge is not undone by a write still queued, and disk files are
 * either complete or absent.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskCache } from '../../src/cache/disk-cache.js';
import { WriteBehind } from '../../src/cache/write-behind.js';
import { fakeRendition } from '../helpers/fake-rendition.js';
import { tempDir } from '../helpers/pictor.js';

const rendition = fakeRendition;

/** A write function whose writes finish only when the test says so. */
function heldWrites() {
  const started: string[] = [];
  const release: Array<(ok: boolean) => void> = [];
  const write = (key: string) =>
    new Promise<void>((resolve, reject) => {
      started.push(key);
      release.push((ok) => (ok ? resolve() : reject(new Error('disk full'))));
    });
  return { started, write, finish: (ok = true) => release.shift()!(ok) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteBehind', () => {
  it('writes one at a time in order and drops what does not fit, counting each drop', async () => {
    const held = heldWrites();
    let dropped = 0;
    const writes = new WriteBehind<string>(held.write, { maxItems: 2, maxBytes: 1000 }, () => dropped++);
    // The first starts at once; two wait; the fourth finds the queue full.
    expect(['a', 'b', 'c', 'd'].map((key) => writes.offer(key, 'g', key, 10))).toEqual([true, true, true, false]);
    expect(dropped).toBe(1);
    expect(held.started).toEqual(['a']);
    // Bytes bound it too.
    expect(writes.offer('big', 'g', 'big', 990)).toBe(false);
    expect(dropped).toBe(2);
    held.finish();
    await tick();
    expect(held.started).toEqual(['a', 'b']);
    // A failed write loses only its copy: the next one still runs.
    held.finish(false);
    await tick();
    expect(held.started).toEqual(['a', 'b', 'c']);
    held.finish();
    await writes.drained();
    expect(writes.size).toBe(0);
  });

  it('reads back a write until it has finished', async () => {
    const held = heldWrites();
    const writes = new WriteBehind<string>(held.write, { maxItems: 4, maxBytes: 1000 });
    writes.offer('a', 'g', 'A', 1);
    writes.offer('b', 'g', 'B', 1);
    expect([writes.peek('a'), writes.peek('b')]).toEqual(['A', 'B']); // running, queued
    held.finish();
    await tick();
    expect(writes.peek('a')).toBeUndefined();
    held.finish();
    await writes.drained();
  });

  it('forget drops the queued writes of a group and waits for its running one', async () => {
    const held = heldWrites();
    const writes = new WriteBehind<string>(held.write, { maxItems: 4, maxBytes: 1000 });
    writes.offer('a1', 'a', 'x', 1);
    writes.offer('a2', 'a', 'x', 1);
    writes.offer('b1', 'b', 'x', 1);
    let forgotten = false;
    const forgetting = writes.forget((group) => group === 'a').then(() => (forgotten = true));
    await tick();
    expect(forgotten).toBe(false); // a1 is still being written
    expect(writes.peek('a2')).toBeUndefined();
    held.finish();
    await forgetting;
    await tick();
    expect(held.started).toEqual(['a1', 'b1']);
    held.finish();
    await writes.drained();
  });
});

describe('DiskCache.store', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = async (options?: Parameters<typeof DiskCache.open>[2]) => {
    const dir = tempDir('pictor-write-behind-');
    dirs.push(dir);
    return { dir, cache: await DiskCache.open(dir, 64 * 1024 * 1024, options) };
  };

  it('a full write queue drops copies: those are misses later, the rest are whole on disk', async () => {
    let dropped = 0;
    const { dir, cache } = await open({ writeBehind: { maxItems: 3, maxBytes: 1024 * 1024 }, onDroppedWrite: () => dropped++ });
    const stored = Array.from({ length: 10 }, (_, i) => cache.store(`acct/i${i}/`, `acct/i${i}/k`, rendition(50_000, i)));
    // One written at once plus three queued; the six others dropped without an error.
    expect(stored.filter(Boolean)).toHaveLength(4);
    expect(dropped).toBe(6);
    await cache.flushed();
    const reopened = await DiskCache.open(dir, 64 * 1024 * 1024);
    for (let i = 0; i < 10; i++) {
      const got = await reopened.get(`acct/i${i}/`, `acct/i${i}/k`);
      if (stored[i]) expect(got?.body.equals(rendition(50_000, i).body)).toBe(true);
      else expect(got).toBeUndefined();
    }
  });

  it('serves a copy whose write is still queued, whole, and never a partly written file', async () => {
    const { dir, cache } = await open();
    const keys = Array.from({ length: 20 }, (_, i) => i);
    for (const i of keys) cache.store(`acct/i${i}/`, `acct/i${i}/k`, rendition(200_000, i));
    for (const i of keys) expect((await cache.get(`acct/i${i}/`, `acct/i${i}/k`))?.body.equals(rendition(200_000, i).body)).toBe(true);
    // Another process opening the directory mid-way sees complete files or none.
    const midway = await DiskCache.open(dir, 64 * 1024 * 1024);
    for (const i of keys) {
      const got = await midway.get(`acct/i${i}/`, `acct/i${i}/k`);
      if (got) expect(got.body.equals(rendition(200_000, i).body)).toBe(true);
    }
    await cache.flushed();
  });

  it('a purge right after a store is not undone by the queued write', async () => {
    const { dir, cache } = await open();
    for (let i = 0; i < 5; i++) cache.store('acct/a/', `acct/a/k${i}`, rendition(100_000, i));
    cache.store('acct/b/', 'acct/b/k', rendition(100, 9));
    await cache.deletePrefix('acct/a/');
    await cache.flushed();
    const reopened = await DiskCache.open(dir, 64 * 1024 * 1024);
    for (let i = 0; i < 5; i++) expect(await reopened.get('acct/a/', `acct/a/k${i}`)).toBeUndefined();
    expect((await reopened.get('acct/b/', 'acct/b/k'))?.etag).toBe('"e9"');
  });
});
