/** The rendition cache's two tiers on their own: byte budgets, recency, purge by image, damaged files. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskCache } from '../../src/cache/disk-cache.js';
import { MemoryLru } from '../../src/cache/memory-lru.js';
import { fakeRendition } from '../helpers/fake-rendition.js';
import { tempDir } from '../helpers/pictor.js';

const rendition = fakeRendition;

const filesUnder = (dir: string) =>
  (fs.readdirSync(dir, { recursive: true }) as string[]).filter((p) => !p.startsWith('.tmp') && fs.statSync(path.join(dir, p)).isFile());

describe('MemoryLru', () => {
  it('stays within its byte budget, dropping the least recently used first', () => {
    const lru = new MemoryLru(10_000);
    for (let i = 0; i < 20; i++) {
      lru.set(`img/${i}`, rendition(1000, i));
      if (i >= 1) lru.get('img/0'); // keep touching the first one
      expect(lru.size).toBeLessThanOrEqual(10_000);
    }
    expect(lru.get('img/0')?.etag).toBe('"e0"');
    expect(lru.get('img/1')).toBeUndefined();
    expect(lru.get('img/19')?.etag).toBe('"e19"');
  });

  it('refuses an entry larger than an eighth of the budget rather than flushing everything', () => {
    const lru = new MemoryLru(8000);
    lru.set('a', rendition(900, 7));
    lru.set('huge', rendition(1001));
    expect(lru.get('huge')).toBeUndefined();
    expect(lru.get('a')?.etag).toBe('"e7"');
  });

  it('drops every key of one image prefix', () => {
    const lru = new MemoryLru(100_000);
    ['acct/a/1', 'acct/a/2', 'acct/ab/1'].forEach((key, i) => lru.set(key, rendition(10, i)));
    lru.deletePrefix('acct/a/');
    expect([lru.get('acct/a/1'), lru.get('acct/a/2')]).toEqual([undefined, undefined]);
    expect(lru.get('acct/ab/1')?.etag).toBe('"e2"');
  });
});

describe('DiskCache', () => {
  const dirs: string[] = [];
  const open = async (maxBytes: number) => {
    const dir = tempDir('pictor-disk-cache-');
    dirs.push(dir);
    return { dir, cache: await DiskCache.open(dir, maxBytes) };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the bytes on disk within its budget and serves what it kept', async () => {
    const { dir, cache } = await open(64 * 1024);
    for (let i = 0; i < 40; i++) await cache.set(`acct/img${i}/`, `acct/img${i}/k`, rendition(6 * 1024, i));
    const total = filesUnder(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual(64 * 1024);
    expect(await cache.get('acct/img0/', 'acct/img0/k')).toBeUndefined();
    const newest = await cache.get('acct/img39/', 'acct/img39/k');
    expect(newest?.etag).toBe('"e39"');
    expect(newest?.body.equals(Buffer.alloc(6 * 1024, 39))).toBe(true);
  });

  it('survives a restart and drops an image with one call', async () => {
    const { dir, cache } = await open(1024 * 1024);
    await cache.set('acct/a/', 'acct/a/k1', rendition(100, 1));
    await cache.set('acct/b/', 'acct/b/k1', rendition(100, 2));
    const reopened = await DiskCache.open(dir, 1024 * 1024);
    expect((await reopened.get('acct/a/', 'acct/a/k1'))?.etag).toBe('"e1"');
    await reopened.deletePrefix('acct/a/');
    expect(await reopened.get('acct/a/', 'acct/a/k1')).toBeUndefined();
    expect((await reopened.get('acct/b/', 'acct/b/k1'))?.etag).toBe('"e2"');
  });

  it('treats a damaged file as a miss and removes it', async () => {
    const { dir, cache } = await open(1024 * 1024);
    await cache.set('acct/a/', 'acct/a/k', rendition(100));
    const [file] = filesUnder(dir);
    for (const damage of [Buffer.alloc(2), Buffer.from([0, 0, 0, 200, 123]), Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{"x')])]) {
      fs.writeFileSync(path.join(dir, file!), damage);
      const reopened = await DiskCache.open(dir, 1024 * 1024);
      expect(await reopened.get('acct/a/', 'acct/a/k')).toBeUndefined();
      expect(fs.existsSync(path.join(dir, file!))).toBe(false);
    }
  });
});
