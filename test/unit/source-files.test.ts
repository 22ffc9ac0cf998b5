/**
 * Remote sources' bytes live in files shared by a machine's workers (src/origins/source-files.ts),
 * not on the JavaScript heap: bounded by bytes, a vanished file is fetched again whole, and a
 * disk that refuses them leaves the source cache working from memory as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localFlights } from '../../src/cache/cluster-flights.js';
import { createOriginMetrics } from '../../src/origins/origin-metrics.js';
import { SourceCache, SourceChangedError, type SourceRecord } from '../../src/origins/source-cache.js';
import type { MemoryLru } from '../../src/cache/memory-lru.js';
import { SourceFiles } from '../../src/origins/source-files.js';
import { tempDir } from '../helpers/pictor.js';
import * as images from '../helpers/images.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const newDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
const filesIn = (dir: string) => fs.readdirSync(dir).filter((f) => f !== '.tmp');

describe('SourceFiles', () => {
  it('keeps at most its budget, least recently used out first, and refuses one file over an eighth of it', async () => {
    const dir = newDir();
    const files = new SourceFiles(dir, 8 * 1024);
    const kb = (n: number) => Buffer.alloc(n * 1024, n);
    for (const v of ['a', 'b', 'c', 'd']) expect(await files.write(v, kb(1))).toBe(true);
    expect(await files.read('a')).toEqual(kb(1)); // a is now the most recent
    for (const v of ['e', 'f', 'g', 'h', 'i']) await files.write(v, kb(1));
    // Nine kilobytes written into eight: b, the least recently used, went.
    expect(filesIn(dir).sort()).toEqual(['a', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    expect(await files.read('b')).toBeUndefined();
    expect(await files.write('big', kb(2))).toBe(false);
    expect(filesIn(dir)).not.toContain('big');
  });

  it('answers undefined for a file another process removed, and false when the disk refuses a write', async () => {
    const dir = newDir();
    const files = new SourceFiles(dir, 1024 * 1024);
    await files.write('v1', Buffer.from('bytes'));
    fs.rmSync(path.join(dir, 'v1'));
    expect(await files.read('v1')).toBeUndefined();
    const blocked = path.join(newDir(), 'not-a-dir');
    fs.writeFileSync(blocked, 'a file where the directory should be');
    expect(await new SourceFiles(blocked, 1024 * 1024).write('v1', Buffer.from('bytes'))).toBe(false);
  });
});

describe('SourceCache with its bytes on disk', () => {
  async function setUp(filesDir: string | undefined, clock = { now: () => Date.now() }) {
    let jpeg = await images.jpeg(64, 48);
    let etag = '"v1"';
    let fetches = 0;
    const files = filesDir === undefined ? undefined : new SourceFiles(filesDir, 16 * 1024 * 1024);
    const cache = new SourceCache({
      fetch: async (url, conditional) => {
        fetches++;
        const headers = { 'cache-control': 'max-age=3600', etag };
        if (conditional?.['if-none-match'] === etag) return { status: 304, headers, bytes: undefined, finalUrl: new URL(url) };
        return { status: 200, headers, bytes: Buffer.from(jpeg), finalUrl: new URL(url) };
      },
      flights: localFlights,
      clock,
      metrics: createOriginMetrics(new Registry()),
      lifetime: { floorSeconds: 0, ceilingSeconds: 86_400 },
      errorTtlSeconds: 10,
      maxBytes: 16 * 1024 * 1024,
      files,
      recheckOnZoneChange: false,
    });
    /** The origin starts serving other bytes. */
    const change = async () => {
      jpeg = await images.jpeg(32, 24);
      etag = '"v2"';
    };
    const bytesAt = async (url: string) => cache.bytes(await cache.get(url, 0));
    return { cache, jpeg, files, bytesAt, change, fetches: () => fetches };
  }

  it('revalidates a kept source (304) and serves it from the same file, written once', async () => {
    let nowMs = Date.now();
    const { jpeg, files, bytesAt, fetches } = await setUp(newDir(), { now: () => nowMs });
    const writes = vi.spyOn(files!, 'write');
    const url = 'http://origin.test/revalidated.jpg';
    expect(await bytesAt(url)).toEqual(jpeg);
    nowMs += 3_601_000; // past max-age
    expect(await bytesAt(url)).toEqual(jpeg);
    expect(await bytesAt(url)).toEqual(jpeg);
    expect(fetches()).toBe(2);
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('serves a kept source from its file, and fetches it again whole once the file is gone', async () => {
    const dir = newDir();
    const { cache, jpeg, bytesAt, fetches } = await setUp(dir);
    const url = 'http://origin.test/a.jpg';
    expect(await bytesAt(url)).toEqual(jpeg);
    const [file] = filesIn(dir);
    expect(fs.readFileSync(path.join(dir, file!))).toEqual(jpeg);
    // What stays in memory is the record, without the bytes.
    expect((cache as unknown as { records: MemoryLru<SourceRecord> }).records.get(url)!.body.length).toBe(0);
    expect(await bytesAt(url)).toEqual(jpeg);
    expect(fetches()).toBe(1);
    fs.rmSync(path.join(dir, file!));
    expect(await bytesAt(url)).toEqual(jpeg);
    expect(fetches()).toBe(2);
  });

  it('reads a kept source\'s file only when its bytes are asked for (a cached rendition needs none)', async () => {
    const { cache, files, jpeg } = await setUp(newDir());
    const url = 'http://origin.test/lazy.jpg';
    const first = await cache.get(url, 0);
    expect(await cache.bytes(first)).toEqual(jpeg); // this process fetched them: no read
    const reads = vi.spyOn(files!, 'read');
    const kept = await cache.get(url, 0);
    await cache.get(url, 0);
    expect({ version: kept.version, reads: reads.mock.calls.length }).toEqual({ version: first.version, reads: 0 });
    expect(await cache.bytes(kept)).toEqual(jpeg);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('refuses the old version when its file is gone and the origin now serves other bytes; the next get has the new ones', async () => {
    const dir = newDir();
    const { cache, change, jpeg } = await setUp(dir);
    const url = 'http://origin.test/changed.jpg';
    const before = await cache.get(url, 0);
    expect(await cache.bytes(before)).toEqual(jpeg);
    const kept = await cache.get(url, 0);
    for (const file of filesIn(dir)) fs.rmSync(path.join(dir, file));
    await change();
    await expect(cache.bytes(kept)).rejects.toBeInstanceOf(SourceChangedError);
    const after = await cache.get(url, 0);
    expect(after.version).not.toBe(before.version);
    expect(await sharp(await cache.bytes(after)).metadata()).toMatchObject({ width: 32, height: 24 });
  });

  it('keeps working from memory when the disk refuses the bytes', async () => {
    const blocked = path.join(newDir(), 'not-a-dir');
    fs.writeFileSync(blocked, 'a file where the directory should be');
    const { jpeg, bytesAt, fetches } = await setUp(blocked);
    const url = 'http://origin.test/b.jpg';
    expect(await bytesAt(url)).toEqual(jpeg);
    expect(await bytesAt(url)).toEqual(jpeg);
    expect(fetches()).toBe(1);
  });
});
