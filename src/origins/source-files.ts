/**
 * Remote sources' bytes on local disk, named by their content hash and shared by the machine's
 * worker processes. A source kept for minutes then costs no JavaScript heap (half-megabyte
 * buffers held that long made V8 run a full collection every few requests, docs/performance.md),
 * and a flight between workers carries the record instead of the bytes. Bounded by bytes per
 * process, least recently used first; a file another process removed is a miss, and the caller
 * fetches the source again.
 */
import { randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { SizedIndex } from '../cache/sized-index.js';

/** Files nobody wrote or read for this long at a process's start were left by a process that is gone. */
const ORPHAN_MS = 60 * 60_000;

export class SourceFiles {
  private readonly index = new SizedIndex();
  private ready: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** Writes the bytes under their version (a temp file renamed into place); false when the disk refused them. */
  async write(version: string, body: Buffer): Promise<boolean> {
    if (body.length > this.maxBytes / 8) return false;
    try {
      await this.prepare();
      const tmp = path.join(this.dir, '.tmp', randomUUID());
      await fsp.writeFile(tmp, body);
      await fsp.rename(tmp, this.fileOf(version));
    } catch {
      return false;
    }
    this.index.touch(version, body.length);
    await this.evict();
    return true;
  }

  /** The bytes, or undefined when the file is gone (evicted here or by another process). */
  async read(version: string): Promise<Buffer | undefined> {
    try {
      const body = await fsp.readFile(this.fileOf(version));
      this.index.touch(version, body.length);
      return body;
    } catch {
      this.index.remove(version);
      return undefined;
    }
  }

  /** Versions are content hashes in base64url: safe as file names. */
  private fileOf(version: string): string {
    return path.join(this.dir, version);
  }

  private async evict(): Promise<void> {
    for (const version of this.index.overflow(this.maxBytes)) await fsp.rm(this.fileOf(version), { force: true });
  }

  private prepare(): Promise<void> {
    this.ready ??= fsp.mkdir(path.join(this.dir, '.tmp'), { recursive: true }).then(() => void this.sweep().catch(() => undefined));
    return this.ready;
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const entry of (await fsp.readdir(this.dir, { recursive: true })) as string[]) {
      const file = path.join(this.dir, entry);
      const stat = await fsp.stat(file).catch(() => undefined);
      if (stat?.isFile() && now - Math.max(stat.mtimeMs, stat.atimeMs) > ORPHAN_MS) await fsp.rm(file, { force: true });
    }
  }
}
