/**
 * `pictor import cloudflare --from-account <id>`: copies a whole Images account (Cloudflare's, or
 * any server speaking the Images API) into this installation: the account with its hash, named
 * variants, signing keys, delivery settings, then every image with its original bytes. A second,
 * cheap pass over the source's listing then catches what changed there while the first ran.
 * See docs/migrating-from-cloudflare.md.
 */
import type { Config } from '../../config.js';
import { ProgressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { adoptAccount, importDeliverySettings, importSigningKeys, importVariants } from './account-settings.js';
import { type ApiImage, CLOUDFLARE_API_BASE, ImagesApiClient } from './images-api-client.js';
import { importImages } from './import-images.js';
import { ImportReport } from './import-report.js';
import { withImportTarget } from './import-target.js';
import type { SourceEntry } from './incoming-image.js';
import { ImageWriter } from './image-writer.js';
import { parseRateLimit, RequestWindow } from './request-window.js';

export interface CloudflareImportOptions {
  fromAccount: string | undefined;
  fromApi: string | undefined;
  account: string | undefined;
  concurrency: string | undefined;
  rateLimit: string | undefined;
  dryRun: boolean;
  keepHash: boolean;
}

const accountIdPattern = /^[0-9a-f]{32}$/;

/** Credentials as Cloudflare's own tools read them (wrangler, the SDKs, Terraform). */
export function sourceCredentials(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.CLOUDFLARE_API_TOKEN) return { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}` };
  if (env.CLOUDFLARE_API_EMAIL && env.CLOUDFLARE_API_KEY) return { 'x-auth-email': env.CLOUDFLARE_API_EMAIL, 'x-auth-key': env.CLOUDFLARE_API_KEY };
  throw new UsageError('set CLOUDFLARE_API_TOKEN (Images Read+Write on the source account), or CLOUDFLARE_API_EMAIL and CLOUDFLARE_API_KEY');
}

export function concurrencyOption(raw: string | undefined): number {
  const n = Number(raw ?? 4);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--concurrency must be a whole number from 1 to 64');
  return n;
}

export async function importCloudflareCommand(config: Config, auth: Record<string, string>, options: CloudflareImportOptions): Promise<void> {
  const fromAccount = options.fromAccount;
  if (!fromAccount || !accountIdPattern.test(fromAccount)) throw new UsageError('--from-account must be the source account id (32 lowercase hex characters)');
  const accountId = options.account ?? fromAccount;
  if (!accountIdPattern.test(accountId)) throw new UsageError('--account must be 32 lowercase hex characters');
  const apiBase = options.fromApi ?? CLOUDFLARE_API_BASE;
  if (!/^https?:\/\/[^/]+/.test(apiBase)) throw new UsageError('--from-api must be an http(s) URL such as https://api.cloudflare.com/client/v4');
  const rate = parseRateLimit(options.rateLimit ?? '1200/300');
  if (!rate) throw new UsageError('--rate-limit must be <requests>/<seconds>, e.g. 1200/300');
  const concurrency = concurrencyOption(options.concurrency);

  const bar = new ProgressBar(process.stderr, 'images', { linesEvery: 500 });
  let lastWait = { why: '', atMs: 0 };
  const source = new ImagesApiClient(apiBase, fromAccount, auth, new RequestWindow(rate.limit, rate.windowMs), undefined, (why) => {
    // Lanes failing together say the same thing: once is enough.
    if (why !== lastWait.why || Date.now() - lastWait.atMs > 5000) bar.note(why);
    lastWait = { why, atMs: Date.now() };
  });
  const report = new ImportReport();

  await withImportTarget(
    config,
    async (target) => {
      const listing = source.images()[Symbol.asyncIterator]();
      const head = await listing.next();
      const account = await adoptAccount(target, { id: accountId, hash: head.done ? undefined : accountHashOf(head.value) }, options, report);
      await importVariants(target, account, await source.variants(), options.dryRun, report);
      await importSigningKeys(target, account, await source.keys(), options.dryRun, report).catch((err) => report.failed.add('signing keys', err));
      const settings = await source.deliveryConfig();
      if (settings) await importDeliverySettings(target, account, settings, options.dryRun);
      else report.notes.push('the source has no GET images/v1/config: set flexible variants here by hand if the source had them on (PATCH images/v1/config)');

      const writer = new ImageWriter(account.id, target, options.dryRun);
      bar.start(await source.imageCount());
      const restored = (async function* () {
        if (!head.done) yield head.value;
        yield* { [Symbol.asyncIterator]: () => listing };
      })();
      const first = new ImportReport();
      await importImages(entries(restored, source), writer, first, { concurrency, refusedIs: 'failed', onImage: (bytes) => bar.advance(bytes) });
      bar.finish();
      report.addWork(first);
      report.unchanged = first.unchanged;
      if (options.dryRun) return report.addIssues(first);

      // Images changed, added or deleted at the source while the first pass ran.
      bar.note('Checking the source again for changes made during the import…');
      const recheck = new ImportReport();
      await importImages(entries(source.images(), source), writer, recheck, { concurrency, refusedIs: 'failed', onImage: () => undefined });
      report.addWork(recheck);
      // Only the last pass's skips and failures stand: a failure the recheck got past is not one.
      report.addIssues(recheck);
      const listed = recheck.copied + recheck.updated + recheck.unchanged + recheck.failed.total;
      const held = await target.images.count(account.id);
      if (held > listed) report.notes.push(`${held - listed} images of account ${account.id} here are not listed by the source (deleted there after they were copied, or uploaded here); they were kept`);
      if (held > target.imageQuota) report.notes.push(`the account holds ${held} images, over PICTOR_IMAGE_QUOTA (${target.imageQuota}): raise it, or uploads will be refused`);
    },
    { createIfMissing: true },
  );
  console.log(report.summary(options.dryRun));
  if (report.failures > 0) process.exitCode = 1;
}

async function* entries(images: AsyncIterable<ApiImage>, source: ImagesApiClient): AsyncGenerator<SourceEntry> {
  for await (const image of images) {
    if (image.draft) {
      yield { kind: 'skip', id: image.id, reason: 'draft (a direct upload that never received its file)' };
      continue;
    }
    const uploadedMs = Date.parse(image.uploaded);
    yield {
      kind: 'image',
      image: {
        id: image.id,
        filename: image.filename ?? '',
        creator: image.creator ?? null,
        meta: image.meta ?? image.metadata ?? {},
        requireSignedURLs: image.requireSignedURLs === true,
        uploadedMs,
        versionTag: `uploaded ${uploadedMs}`,
        bytes: () => source.original(image.id),
      },
    };
  }
}

/**
 * The account hash from an image's delivery URL: `https://imagedelivery.net/<hash>/<id>/<variant>`
 * (or `/cdn-cgi/imagedelivery/<hash>/…`, or another server's origin): the segment before the id.
 */
export function accountHashOf(image: ApiImage): string | undefined {
  const url = image.variants?.[0];
  if (!url) return undefined;
  let segments: string[];
  try {
    segments = new URL(url).pathname.split('/');
  } catch {
    return undefined;
  }
  const idSegments = image.id.split('/').length;
  return segments[segments.length - idSegments - 2] || undefined;
}
