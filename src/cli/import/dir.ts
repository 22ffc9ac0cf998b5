/**
 * `pictor import dir --from <dir>`: restores an archive written by `pictor export` (format in
 * archive-format.ts) into this installation, with the same account hash, variants, keys and
 * settings. Every original is checked against its SHA-256 and inspected as an upload would be.
 * Resumable like every import: images already here with the same bytes and fields are skipped.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { Config } from '../../config.js';
import { ProgressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { adoptAccount, importDeliverySettings, importSigningKeys, importVariants } from './account-settings.js';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type ArchivedImage, type ArchiveHeader, fileInArchive, HEADER_FILE, MANIFEST_FILE } from './archive-format.js';
import { concurrencyOption } from './cloudflare.js';
import { importImages } from './import-images.js';
import { ImportReport } from './import-report.js';
import { withImportTarget } from './import-target.js';
import type { SourceEntry } from './incoming-image.js';
import { ImageWriter } from './image-writer.js';

export interface DirImportOptions {
  from: string | undefined;
  account: string | undefined;
  concurrency: string | undefined;
  dryRun: boolean;
  keepHash: boolean;
}

export async function importDirCommand(config: Config, options: DirImportOptions): Promise<void> {
  const dir = options.from;
  if (!dir) throw new UsageError('--from <directory> is required');
  if (options.account !== undefined && !/^[0-9a-f]{32}$/.test(options.account)) throw new UsageError('--account must be 32 lowercase hex characters');
  const concurrency = concurrencyOption(options.concurrency);
  const header = await readHeader(dir);
  const manifest = path.join(dir, MANIFEST_FILE);
  if ((await fileSha256(manifest)) !== header.images.manifestSha256) throw new Error(`${manifest} does not match the checksum in ${HEADER_FILE}: the archive is damaged`);

  const report = new ImportReport();
  await withImportTarget(
    config,
    async (target) => {
      const source = header.account;
      const account = await adoptAccount(target, { id: options.account ?? source.id, hash: source.hash, name: source.name }, options, report);
      await importVariants(target, account, header.variants, options.dryRun, report);
      await importSigningKeys(target, account, header.signingKeys, options.dryRun, report);
      await importDeliverySettings(target, account, { flexible_variants: source.flexibleVariants, browser_ttl: source.browserTtl }, options.dryRun);
      const bar = new ProgressBar(process.stderr, 'images', { linesEvery: 500 });
      bar.start(header.images.count);
      await importImages(archivedImages(dir, manifest), new ImageWriter(account.id, target, options.dryRun), report, {
        concurrency,
        refusedIs: 'failed',
        onImage: (bytes) => bar.advance(bytes),
      });
      bar.finish();
    },
    { createIfMissing: true },
  );
  console.log(report.summary(options.dryRun));
  if (report.failures > 0) process.exitCode = 1;
}

async function readHeader(dir: string): Promise<ArchiveHeader> {
  const file = path.join(dir, HEADER_FILE);
  let header: ArchiveHeader;
  try {
    header = JSON.parse(await fsp.readFile(file, 'utf8')) as ArchiveHeader;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${dir} holds no complete archive (no ${HEADER_FILE}; an export that did not finish leaves none)`);
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (header?.format !== ARCHIVE_FORMAT) throw new Error(`${file} is not a Pictor archive`);
  if (header.version > ARCHIVE_VERSION) throw new Error(`the archive is format version ${header.version}; this Pictor reads up to ${ARCHIVE_VERSION} (upgrade Pictor)`);
  return header;
}

async function* archivedImages(dir: string, manifest: string): AsyncGenerator<SourceEntry> {
  const lines = readline.createInterface({ input: fs.createReadStream(manifest), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let image: ArchivedImage;
    try {
      image = JSON.parse(line) as ArchivedImage;
      if (typeof image.id !== 'string' || typeof image.sha256 !== 'string') throw new Error('no id or sha256');
    } catch (err) {
      yield { kind: 'fail', id: `${MANIFEST_FILE} line ${n}`, reason: `not an image line: ${(err as Error).message}` };
      continue;
    }
    yield {
      kind: 'image',
      image: {
        id: image.id,
        filename: image.filename,
        creator: image.creator,
        meta: image.meta,
        requireSignedURLs: image.requireSignedURLs,
        uploadedMs: Date.parse(image.uploaded),
        versionTag: `sha256 ${image.sha256}`,
        async bytes() {
          const bytes = await fsp.readFile(fileInArchive(dir, image.file));
          if (createHash('sha256').update(bytes).digest('hex') !== image.sha256) throw new Error(`${image.file} does not match its SHA-256: the archive is damaged`);
          return bytes;
        },
      },
    };
  }
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
