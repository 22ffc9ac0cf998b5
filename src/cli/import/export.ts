/**
 * `pictor export --account <id> --to <dir>`: the account as a portable archive (archive-format.ts),
 * for backups and for leaving Pictor. Safe beside a running server:
 *
 * - each image's line and original are read together: when its blob is gone by the time it is
 *   read, the row is read again, and the image is either left out (deleted meanwhile) or
 *   exported as it now is (replaced meanwhile). A line never names bytes of another version;
 * - images are walked in upload order by keyset pages, so one uploaded during the export is
 *   either in the archive or not, never half there;
 * - variants, keys and settings are read at the end, so they are at least as new as any image;
 * - pictor-archive.json, with the manifest's checksum, is written last: a killed export leaves
 *   no archive that looks complete. Run it again on the same directory: originals already there
 *   (named by their checksum) are not written twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSynced } from '../../util/write-file-synced.js';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Config } from '../../config.js';
import type { ImageRecord } from '../../images/model.js';
import { ProgressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type ArchivedImage, type ArchiveHeader, HEADER_FILE, MANIFEST_FILE, originalFile } from './archive-format.js';
import { type ImportTarget, withImportTarget } from './import-target.js';

const PAGE = 200;
const READS_IN_FLIGHT = 8;

export async function exportCommand(config: Config, options: { account: string; to: string | undefined }): Promise<void> {
  const dir = options.to;
  if (!dir) throw new UsageError('--to <directory> is required');
  if (fs.existsSync(path.join(dir, HEADER_FILE))) throw new UsageError(`${dir} already holds an archive; export into a new directory`);
  await withImportTarget(
    config,
    async (installation) => {
      const account = await installation.accounts.findAccount(options.account);
      if (!account) throw new UsageError(`no account ${options.account}`);
      const bar = new ProgressBar(process.stderr, 'images', { linesEvery: 500 });
      bar.start(await installation.images.count(account.id));
      const result = await writeArchive(installation, account.id, dir, (bytes) => bar.advance(bytes));
      bar.finish();
      console.log(`Exported ${result.count} images (${(result.bytes / 1e6).toFixed(1)} MB) of account ${account.id} to ${dir}` + (result.deleted ? `; ${result.deleted} were deleted while exporting and are not in it` : ''));
    },
    { createIfMissing: false },
  );
}

export async function writeArchive(
  installation: Pick<ImportTarget, 'accounts' | 'images' | 'variants' | 'keys' | 'blobs'>,
  accountId: string,
  dir: string,
  onImage: (bytes: number) => void,
): Promise<{ count: number; bytes: number; deleted: number }> {
  await fsp.mkdir(path.join(dir, 'originals'), { recursive: true });
  const partial = path.join(dir, `${MANIFEST_FILE}.partial`);
  const manifest = fs.createWriteStream(partial);
  const digest = createHash('sha256');
  const totals = { count: 0, bytes: 0, deleted: 0 };
  try {
    for (let after: string | undefined; ; ) {
      const page = await installation.images.listKeyset(accountId, { after, order: 'asc', limit: PAGE, creator: undefined, filters: [] });
      const lines: Array<string | undefined> = new Array(page.length);
      let next = 0;
      const lane = async () => {
        while (next < page.length) {
          const i = next++;
          const exported = await exportImage(installation, dir, page[i]!);
          lines[i] = exported && `${JSON.stringify(exported)}\n`;
          if (exported) {
            totals.count++;
            totals.bytes += exported.bytes;
          } else totals.deleted++;
          onImage(exported?.bytes ?? 0);
        }
      };
      await Promise.all(Array.from({ length: READS_IN_FLIGHT }, lane));
      for (const line of lines) {
        if (line === undefined) continue;
        digest.update(line);
        if (!manifest.write(line)) await new Promise<void>((resolve) => manifest.once('drain', () => resolve()));
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.sortKey;
    }
  } finally {
    manifest.end();
    await finished(manifest);
  }
  await syncFile(partial);
  await fsp.rename(partial, path.join(dir, MANIFEST_FILE));

  const account = await installation.accounts.findAccount(accountId);
  if (!account) throw new Error(`account ${accountId} was deleted while exporting`);
  const header: ArchiveHeader = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    exportedAt: new Date().toISOString(),
    account: { id: account.id, hash: account.hash, name: account.name, flexibleVariants: account.flexibleVariants, browserTtl: account.browserTtl },
    variants: (await installation.variants.list(accountId)).map((v) => ({ id: v.id, options: v.options, neverRequireSignedURLs: v.neverRequireSignedURLs })),
    signingKeys: (await installation.keys.list(accountId)).map((k) => ({ name: k.name, value: k.value })),
    images: { count: totals.count, bytes: totals.bytes, manifestSha256: digest.digest('hex') },
  };
  await writeDurably(path.join(dir, HEADER_FILE), `${JSON.stringify(header, null, 2)}\n`);
  return totals;
}

/** The image's line with its original written; undefined when it was deleted before its bytes could be read. */
async function exportImage(installation: Pick<ImportTarget, 'images' | 'blobs'>, dir: string, listed: ImageRecord): Promise<ArchivedImage | undefined> {
  let record: ImageRecord | undefined = listed;
  for (;;) {
    if (!record || record.draft || !record.blobKey) return undefined;
    const bytes = await installation.blobs.get(record.blobKey);
    if (bytes) {
      const sum = await keepOriginal(dir, bytes);
      return { ...archivedFields(record), sha256: sum, bytes: bytes.length, file: originalFile(sum) };
    }
    // Deleted (row first, then blob) or replaced meanwhile: what does the row say now?
    const now = await installation.images.find(record.accountId, record.id);
    if (now?.blobKey === record.blobKey) throw new Error(`image ${record.id}: its blob ${record.blobKey} is missing from the blob store`);
    record = now;
  }
}

function archivedFields(r: ImageRecord): Omit<ArchivedImage, 'sha256' | 'bytes' | 'file'> {
  return {
    id: r.id,
    filename: r.filename,
    creator: r.creator,
    meta: r.meta,
    requireSignedURLs: r.requireSignedURLs,
    uploaded: new Date(r.uploadedMs).toISOString(),
    contentType: r.contentType!,
    format: r.format!,
    width: r.width,
    height: r.height,
    frames: r.frames,
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes the original under its checksum unless a previous run already did; returns the checksum. */
async function keepOriginal(dir: string, bytes: Buffer): Promise<string> {
  const sum = sha256(bytes);
  const file = path.join(dir, originalFile(sum));
  const existing = await fsp.stat(file).catch(() => undefined);
  if (existing?.size === bytes.length) return sum;
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await writeDurably(file, bytes);
  return sum;
}

/** Temp file, fsync, rename: a crash leaves the whole file or none. */
async function writeDurably(file: string, data: Buffer | string): Promise<void> {
  // Two images may share their bytes, so two lanes may write the same original at once.
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFileSynced(tmp, data);
  await fsp.rename(tmp, file);
}

async function syncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
