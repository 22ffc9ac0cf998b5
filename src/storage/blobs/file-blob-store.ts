/**
 * Blobs as files: temp file + fsync + rename + directory fsync, so a crash leaves either the whole
 * file or none. Temp files sit in one `.tmp` directory that the sweeper empties.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSynced } from '../../util/write-file-synced.js';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertBlobKey, type BlobInfo, type BlobStore } from './blob-store.js';

export class FileBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, '.tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const tmp = path.join(this.tmpDir, randomUUID());
    await writeFileSynced(tmp, data);
    try {
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(tmp, target);
      await syncDir(path.dirname(target));
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fsp.readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async stream(key: string): Promise<Readable | undefined> {
    const file = this.pathOf(key);
    try {
      const handle = await fsp.open(file, 'r');
      return handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const account of await readdirOrEmpty(this.root)) {
      if (account === '.tmp') continue;
      for (const shard of await readdirOrEmpty(path.join(this.root, account))) {
        for (const name of await readdirOrEmpty(path.join(this.root, account, shard))) {
          const key = `${account}/${shard}/${name}`;
          const stat = await fsp.stat(path.join(this.root, key)).catch(() => undefined);
          if (stat?.isFile()) yield { key, modifiedMs: stat.mtimeMs };
        }
      }
    }
  }

  /** Removes temp files older than `olderThanMs` (left by a crash mid-write). */
  async sweepTemp(olderThanMs: number, now: number): Promise<number> {
    let removed = 0;
    for (const name of await readdirOrEmpty(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const stat = await fsp.stat(file).catch(() => undefined);
      if (stat && now - stat.mtimeMs > olderThanMs) {
        await fsp.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
