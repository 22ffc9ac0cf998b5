/**
 * On-disk rendition cache bounded by total bytes. Files live under a directory per image
 * (`<dir>/<image hash>/<key hash>`), so purging an image is one directory removal. Writes go to a
 * temp name and are renamed into place; a torn or missing file is just a miss. Recency is kept in
 * memory and rebuilt from mtimes at start. `store` writes behind the request (see write-behind.ts):
 * the request that made a rendition does not wait for its disk copy.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Rendition } from './rendition.js';
import { SizedIndex } from './sized-index.js';
import { WriteBehind, type WriteBehindLimits } from './write-behind.js';

const STALE_TEMP_MS = 10 * 60_000;
/** Renditions waiting for their disk write; more are not written (a burst of new renditions). */
const WRITE_BEHIND_LIMITS: WriteBehindLimits = { maxItems: 256, maxBytes: 32 * 1024 * 1024 };

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

type Header = Omit<Rendition, 'body'>;

export class DiskCache {
  /** By file path. */
  private readonly index = new SizedIndex();
  private readonly writes: WriteBehind<{ prefix: string; rendition: Rendition }>;

  private constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    writeBehind: WriteBehindLimits,
    onDroppedWrite: () => void,
  ) {
    this.writes = new WriteBehind((key, _prefix, { prefix, rendition }) => this.set(prefix, key, rendition), writeBehind, onDroppedWrite);
  }

  static async open(
    dir: string,
    maxBytes: number,
    { writeBehind = WRITE_BEHIND_LIMITS, onDroppedWrite = () => undefined }: { writeBehind?: WriteBehindLimits; onDroppedWrite?: () => void } = {},
  ): Promise<DiskCache> {
    const cache = new DiskCache(dir, maxBytes, writeBehind, onDroppedWrite);
    await fsp.mkdir(path.join(dir, '.tmp'), { recursive: true });
    const files: Array<{ file: string; size: number; mtime: number }> = [];
    for (const entry of (await fsp.readdir(dir, { recursive: true })) as string[]) {
      const file = path.join(dir, entry);
      const stat = await fsp.stat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      // Temp files of writes cut short by a crash; another process sharing the cache may be
      // writing the recent ones right now.
      if (entry.startsWith('.tmp')) {
        if (Date.now() - stat.mtimeMs > STALE_TEMP_MS) await fsp.rm(file, { force: true });
        continue;
      }
      files.push({ file, size: stat.size, mtime: stat.mtimeMs });
    }
    files.sort((a, b) => a.mtime - b.mtime);
    for (const f of files) cache.index.touch(f.file, f.size);
    await cache.evict();
    return cache;
  }

  private fileOf(prefix: string, key: string): string {
    return path.join(this.dir, sha(prefix).slice(0, 32), sha(key).slice(0, 40));
  }

  async get(prefix: string, key: string): Promise<Rendition | undefined> {
    const writing = this.writes.peek(key);
    if (writing) return writing.rendition;
    const file = this.fileOf(prefix, key);
    if (!this.index.has(file)) return undefined;
    let data: Buffer;
    try {
      data = await fsp.readFile(file);
    } catch {
      this.index.remove(file);
      return undefined;
    }
    const header = parseHeader(data);
    if (!header) {
      // Damaged on disk (not by us: writes are renamed into place). A miss, and the file goes.
      this.index.remove(file);
      await fsp.rm(file, { force: true });
      return undefined;
    }
    // Two keys could only share a file through a hash collision; never serve another key's bytes.
    if (header.key !== key) return undefined;
    this.index.touch(file, data.length);
    return { ...header.rendition, body: data.subarray(header.bodyOffset) };
  }

  /**
   * Stores a copy later, off the caller's path; false when the write queue was full and the copy
   * was dropped (the rendition is then simply not on disk).
   */
  store(prefix: string, key: string, rendition: Rendition): boolean {
    if (!this.fits(rendition)) return false;
    return this.writes.offer(key, prefix, { prefix, rendition }, rendition.body.length);
  }

  /** Resolves once the writes `store` queued so far are on disk (or failed). */
  flushed(): Promise<void> {
    return this.writes.drained();
  }

  /** Only renditions up to an eighth of the cache are kept on disk (queued or written). */
  private fits(rendition: Rendition): boolean {
    return rendition.body.length <= this.maxBytes / 8;
  }

  /** Writes now: temp file, then renamed into place, so readers see all of it or nothing. */
  async set(prefix: string, key: string, rendition: Rendition): Promise<void> {
    if (!this.fits(rendition)) return;
    const { body, ...rest } = rendition;
    const header = Buffer.from(JSON.stringify({ ...rest, key }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    const file = this.fileOf(prefix, key);
    const tmp = path.join(this.dir, '.tmp', randomUUID());
    await fsp.writeFile(tmp, Buffer.concat([length, header, body]));
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.rename(tmp, file);
    this.index.touch(file, 4 + header.length + body.length);
    await this.evict();
  }

  async deletePrefix(prefix: string): Promise<void> {
    // A queued or running write of this image must not land after the removal.
    await this.writes.forget((group) => group === prefix);
    const dir = path.join(this.dir, sha(prefix).slice(0, 32));
    for (const file of this.index.keys()) if (file.startsWith(dir + path.sep)) this.index.remove(file);
    await fsp.rm(dir, { recursive: true, force: true });
  }

  async clear(): Promise<void> {
    await this.writes.forget(() => true);
    for (const file of this.index.keys()) this.index.remove(file);
    for (const entry of fs.readdirSync(this.dir)) {
      if (entry !== '.tmp') await fsp.rm(path.join(this.dir, entry), { recursive: true, force: true });
    }
  }

  private async evict(): Promise<void> {
    for (const file of this.index.overflow(this.maxBytes)) await fsp.rm(file, { force: true });
  }
}

/** File layout: 4-byte header length, JSON header (rendition fields + key), body. */
function parseHeader(data: Buffer): { key: string; rendition: Header; bodyOffset: number } | undefined {
  if (data.length < 4) return undefined;
  const bodyOffset = 4 + data.readUInt32BE(0);
  if (bodyOffset > data.length) return undefined;
  try {
    const { key, ...rendition } = JSON.parse(data.toString('utf8', 4, bodyOffset)) as Header & { key: string };
    return typeof key === 'string' ? { key, rendition, bodyOffset } : undefined;
  } catch {
    return undefined;
  }
}
