/**
 * `pictor migrate-storage`: an embedded installation with a few hundred images (custom ids with
 * slashes, private images, a custom variant, a second signing key) moves to PostgreSQL + S3. The
 * copy is killed part way and resumed; afterwards a node on the new stores serves the same bytes
 * for the same URLs and the same list results, and not a byte of the source has changed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Cloudflare, { toFile } from 'cloudflare';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDeliveryUrl } from '../../src/signing/signed-url.js';
import * as images from '../helpers/images.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN, tempDir } from '../helpers/pictor.js';
import { mainScript, type PictorProcess, runPictor, spawnPictor } from '../helpers/process.js';
import { postgresSkipReason } from '../helpers/postgres-test-database.js';
import { s3SkipReason } from '../helpers/s3-test-bucket.js';
import { createScaledStores, type TestStores } from '../helpers/test-engine.js';

const skipReason = postgresSkipReason ?? s3SkipReason;
if (skipReason) console.warn(`[migrate-storage] SKIPPED: ${skipReason}`);

const IMAGES = 300;
const account = { account_id: TEST_ACCOUNT_ID };
const auth = { authorization: `Bearer ${TEST_TOKEN}` };

let sourceDir: string;
let targetDir: string | undefined;
let stores: TestStores;
let target: PictorProcess | undefined;
let signingKey: string;

interface Served {
  /** `<variant or "blob"> <image id>` → SHA-256 of the bytes. */
  bytes: Map<string, string>;
  /** Every v2 list page, with the node's origin replaced by ORIGIN. */
  pages: unknown[];
}

/** What the source served, recorded before it stopped. */
let fromSource: Served;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under the data dir with its hash (SQLite's empty sidecar files, which any reader creates, left out). */
function snapshot(dir: string): Record<string, string> {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile() && !/-(wal|shm)$/.test(f));
  return Object.fromEntries(files.sort().map((f) => [f, sha(fs.readFileSync(path.join(dir, f)))]));
}

/** The full v2 listing, every original, and delivery of a sample: what must come out the same. */
async function record(origin: string): Promise<Served> {
  const pages: unknown[] = [];
  const all: Array<{ id: string; requireSignedURLs: boolean; variants: string[] }> = [];
  let token: string | undefined;
  do {
    const res = await fetch(`${origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v2?per_page=100${token ? `&continuation_token=${token}` : ''}`, { headers: auth });
    const body = (await res.json()) as { result: { images: typeof all; continuation_token: string | null } };
    pages.push(JSON.parse(JSON.stringify(body.result).replaceAll(origin, 'ORIGIN')));
    all.push(...body.result.images);
    token = body.result.continuation_token ?? undefined;
  } while (token);
  const out = new Map<string, string>();
  expect(all).toHaveLength(IMAGES);
  for (let i = 0; i < all.length; i += 10) {
    await Promise.all(
      all.slice(i, i + 10).map(async (image) => {
        const original = await fetch(`${origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1/${encodeURIComponent(image.id)}/blob`, { headers: auth });
        out.set(`blob ${image.id}`, sha(Buffer.from(await original.arrayBuffer())));
      }),
    );
  }
  // Delivery for a sample of each kind: public and private (signed), the custom variant.
  for (const image of all.filter((_, i) => i % 15 === 0)) {
    for (const variant of ['public', 'thumb']) {
      const pathname = new URL(image.variants[0]!).pathname.replace(/\/public$/, `/${variant}`);
      const url = image.requireSignedURLs ? signDeliveryUrl(origin + pathname, signingKey, { expiresInSeconds: null }) : origin + pathname;
      const res = await fetch(url, { headers: { accept: 'image/webp,image/*' } });
      expect(res.status, url).toBe(200);
      out.set(`${variant} ${image.id}`, sha(Buffer.from(await res.arrayBuffer())));
    }
  }
  return { bytes: out, pages };
}

beforeAll(async () => {
  if (skipReason) return;
  sourceDir = tempDir('pictor-migrate-source-');
  const source = await spawnPictor({ PICTOR_DATA_DIR: sourceDir, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN });
  try {
    const client = new Cloudflare({ baseURL: `${source.origin}/client/v4`, apiToken: TEST_TOKEN, maxRetries: 0 });
    await client.images.v1.variants.create({ ...account, id: 'thumb', options: { fit: 'cover', width: 32, height: 32, metadata: 'none' } });
    signingKey = (await client.images.v1.keys.update('migrated', account)).keys!.find((k) => k.name === 'migrated')!.value!;
    const photos = await Promise.all([images.jpeg(64, 48), images.png(40, 40), images.webp(80, 30), images.jpeg(33, 77)]);
    for (let i = 0; i < IMAGES; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const n = i + j;
          const custom = n % 3 !== 0;
          await client.images.v1.create({
            ...account,
            file: await toFile(photos[n % photos.length]!, `photo-${n}.jpg`),
            ...(custom ? { id: `albums/${n % 7}/photo ${n}.jpg` } : { requireSignedURLs: n % 2 === 0 }),
            metadata: JSON.stringify({ n, even: n % 2 === 0 }) as unknown as object,
            ...(n % 5 === 0 ? { creator: 'migrator' } : {}),
          } as Parameters<typeof client.images.v1.create>[0]);
        }),
      );
    }
    fromSource = await record(source.origin);
  } finally {
    await source.stop();
  }
  stores = await createScaledStores();
}, 180_000);

afterAll(async () => {
  await target?.stop();
  await stores?.remove();
  for (const dir of [sourceDir, targetDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs migrate-storage; with `killAt`, SIGKILLs it once its progress passes that many percent. */
function migrate(killAt?: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [mainScript, 'migrate-storage', '--to-database', stores.env.DATABASE_URL!, '--to-blobs', stores.env.BLOB_STORE_URL!], {
    env: { PATH: process.env.PATH ?? '', PICTOR_DATA_DIR: sourceDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const percents = [...stderr.matchAll(/images \d+\/\d+ \((\d+)%\)/g)].map((m) => Number(m[1]));
    if (killAt !== undefined && percents.some((p) => p >= killAt)) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

async function targetImageCount(): Promise<number> {
  const client = new pg.Client({ connectionString: stores.env.DATABASE_URL });
  await client.connect();
  try {
    return Number((await client.query('select count(*) as n from images')).rows[0].n);
  } finally {
    await client.end();
  }
}

describe.skipIf(skipReason !== undefined)('pictor migrate-storage to PostgreSQL + S3', () => {
  let before: Record<string, string>;

  it('refuses to run without both targets', async () => {
    const run = await runPictor({ PICTOR_DATA_DIR: sourceDir }, ['migrate-storage', '--to-database', 'postgres://x@127.0.0.1/x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--to-blobs must be an s3:\/\//);
  });

  it('survives being killed part way, then finishes where it stopped', async () => {
    before = snapshot(sourceDir);
    const killed = await migrate(30);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const partial = await targetImageCount();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(IMAGES);

    const resumed = await migrate();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`images ${IMAGES}/${IMAGES} \\(100%\\)`));
    const [, copied, already] = /Copied (\d+) images .* (\d+) were already there/.exec(resumed.stdout)!;
    expect(Number(already)).toBeGreaterThanOrEqual(partial - 4);
    expect(Number(copied) + Number(already)).toBe(IMAGES);
    expect(await targetImageCount()).toBe(IMAGES);
  }, 120_000);

  it('copies nothing twice when run again', async () => {
    const again = await migrate();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`Copied 0 images .* ${IMAGES} were already there`));
  }, 60_000);

  it('left the source exactly as it was', () => {
    expect(snapshot(sourceDir)).toEqual(before);
  });

  it('serves the same bytes for the same URLs, and the same lists, from the new stores', async () => {
    targetDir = tempDir('pictor-migrate-target-');
    target = await spawnPictor({ ...stores.env, PICTOR_DATA_DIR: targetDir, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN });
    const fromTarget = await record(target.origin);
    expect(fromTarget.pages).toEqual(fromSource.pages);
    expect(fromTarget.bytes).toEqual(fromSource.bytes);
  }, 120_000);
});
