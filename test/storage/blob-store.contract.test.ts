/**
 * One contract for every BlobStore: the same cases run against the file store (temp dir) and the
 * S3 store (a real server, skipped with the reason printed when TEST_S3_ENDPOINT is unset).
 * Every test writes under its own random account, so the cases never see each other's blobs.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobInfo, BlobStore } from '../../src/storage/blobs/blob-store.js';
import { FileBlobStore } from '../../src/storage/blobs/file-blob-store.js';
import { openBlobStore } from '../../src/storage/blobs/open-blob-store.js';
import { newAccountId, newBlobKey } from '../helpers/blob-keys.js';
import { newTestBucketName, removeTestBucket, s3SkipReason, testBlobStoreUrl } from '../helpers/s3-test-bucket.js';

interface StoreUnderTest {
  name: string;
  skipReason: string | undefined;
  open(): Promise<BlobStore>;
  /** Removes whatever the store left behind; runs after close. */
  cleanup(): Promise<void>;
}

const mib = 1024 * 1024;
const contentType = 'application/octet-stream';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAccount(store: BlobStore, account: string): Promise<BlobInfo[]> {
  const found: BlobInfo[] = [];
  for await (const info of store.list()) if (info.key.startsWith(`${account}/`)) found.push(info);
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function describeBlobStoreContract(subject: StoreUnderTest): void {
  if (subject.skipReason) console.warn(`[blob store contract] ${subject.name} SKIPPED: ${subject.skipReason}`);

  describe.skipIf(subject.skipReason !== undefined)(`BlobStore contract: ${subject.name}`, () => {
    let store: BlobStore;
    beforeAll(async () => {
      store = await subject.open();
    });
    afterAll(async () => {
      await store?.close();
      await subject.cleanup();
    });

    it('round-trips a few MB of binary data', async () => {
      const key = newBlobKey();
      const data = randomBytes(3 * mib);
      await store.put(key, data, contentType);
      expect((await store.get(key))?.equals(data)).toBe(true);
    });

    it('round-trips an empty blob', async () => {
      const key = newBlobKey();
      await store.put(key, Buffer.alloc(0), contentType);
      expect(await store.get(key)).toEqual(Buffer.alloc(0));
    });

    it('streams exactly the stored bytes', async () => {
      const key = newBlobKey();
      const data = randomBytes(3 * mib + 17);
      await store.put(key, data, contentType);
      const stream = await store.stream(key);
      expect(stream).toBeDefined();
      expect((await readAll(stream!)).equals(data)).toBe(true);
    });

    it('replaces the bytes on overwrite', async () => {
      const key = newBlobKey();
      await store.put(key, randomBytes(64 * 1024), contentType);
      const second = randomBytes(1000);
      await store.put(key, second, 'image/png');
      expect((await store.get(key))?.equals(second)).toBe(true);
    });

    it('answers undefined, not an error, for a missing key', async () => {
      const key = newBlobKey();
      expect(await store.get(key)).toBeUndefined();
      expect(await store.stream(key)).toBeUndefined();
    });

    it('deletes idempotently', async () => {
      const key = newBlobKey();
      await store.put(key, randomBytes(100), contentType);
      await store.delete(key);
      await store.delete(key);
      await store.delete(newBlobKey());
      expect(await store.get(key)).toBeUndefined();
    });

    it('lists what was put and not what was deleted, with recent modification times', async () => {
      const account = newAccountId();
      const keys = [newBlobKey(account), newBlobKey(account), newBlobKey(account)];
      for (const key of keys) await store.put(key, randomBytes(10), contentType);
      await store.delete(keys[1]!);

      const listed = await listAccount(store, account);
      expect(listed.map((b) => b.key)).toEqual([keys[0]!, keys[2]!].sort());
      for (const blob of listed) expect(Math.abs(blob.modifiedMs - Date.now())).toBeLessThan(5 * 60_000);
    });

    it('lists past one page of results (S3 pages hold 1000 keys)', { timeout: 120_000 }, async () => {
      const account = newAccountId();
      const keys = Array.from({ length: 1010 }, () => newBlobKey(account));
      await inParallel(keys, 16, (key) => store.put(key, Buffer.from(key), contentType));

      // No deletes: 1010 single deletes cost seconds on S3; the suite's cleanup removes them in bulk.
      expect((await listAccount(store, account)).map((b) => b.key)).toEqual([...keys].sort());
    });

    it('accepts every key of the blob key pattern and refuses anything else', async () => {
      const key = `${'0123456789abcdef'.repeat(2)}/ff/${'a'.repeat(8)}-0000-4000-8000-${'f'.repeat(12)}`;
      await store.put(key, Buffer.from('x'), contentType);
      expect(await store.get(key)).toEqual(Buffer.from('x'));
      await store.delete(key);

      const account = newAccountId();
      for (const bad of ['../escape', `${account}/../../x`, `${account.toUpperCase()}/ab/${newBlobKey().slice(36)}`, '', 'a b']) {
        await expect(store.put(bad, Buffer.from('x'), contentType)).rejects.toThrow(/invalid blob key/);
        await expect(store.get(bad)).rejects.toThrow(/invalid blob key/);
        await expect(store.stream(bad)).rejects.toThrow(/invalid blob key/);
        await expect(store.delete(bad)).rejects.toThrow(/invalid blob key/);
      }
    });

    it('keeps concurrent puts to different keys apart', async () => {
      const blobs = Array.from({ length: 24 }, () => ({ key: newBlobKey(), data: randomBytes(32 * 1024) }));
      await Promise.all(blobs.map((b) => store.put(b.key, b.data, contentType)));
      for (const b of blobs) expect((await store.get(b.key))?.equals(b.data)).toBe(true);
    });

    it('leaves one whole version after concurrent puts to the same key', async () => {
      const key = newBlobKey();
      const versions = Array.from({ length: 8 }, () => randomBytes(256 * 1024));
      await Promise.all(versions.map((data) => store.put(key, data, contentType)));
      const stored = await store.get(key);
      expect(versions.some((v) => v.equals(stored!))).toBe(true);
    });
  });
}

const fileRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'pictor-blobs-'));
const s3Bucket = newTestBucketName();

describeBlobStoreContract({
  name: 'FileBlobStore',
  skipReason: undefined,
  open: () => openBlobStore(`file:${fileRoot}`),
  cleanup: () => fsp.rm(fileRoot, { recursive: true, force: true }),
});

describeBlobStoreContract({
  name: 'S3BlobStore',
  skipReason: s3SkipReason,
  open: () => openBlobStore(testBlobStoreUrl(s3Bucket, { prefix: 'contract' })),
  cleanup: () => removeTestBucket(s3Bucket),
});

describe('FileBlobStore temp files', () => {
  let root: string;
  let store: FileBlobStore;
  beforeAll(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'pictor-blobs-tmp-'));
    store = new FileBlobStore(root);
  });
  afterAll(async () => {
    await store.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('leaves no temp file after a put', async () => {
    await Promise.all(Array.from({ length: 5 }, () => store.put(newBlobKey(), randomBytes(1000))));
    expect(await fsp.readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('sweeps a temp file left by a crash, once it is old enough', async () => {
    const stale = path.join(root, '.tmp', 'left-by-crash');
    const fresh = path.join(root, '.tmp', 'being-written');
    await fsp.writeFile(stale, 'partial');
    await fsp.writeFile(fresh, 'partial');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await fsp.utimes(stale, hourAgo, hourAgo);

    expect(await store.sweepTemp(60_000, Date.now())).toBe(1);
    expect(await fsp.readdir(path.join(root, '.tmp'))).toEqual(['being-written']);
    for await (const blob of store.list()) expect(blob.key).not.toContain('.tmp');
  });
});
