/**
 * `pictor import cloudflare` from a source Pictor (through a recording proxy) into an empty
 * installation, on the embedded stores and on PostgreSQL + S3: every field, original, variant,
 * key and setting arrives; URLs signed with the source's key verify on the target; every delivery
 * path answers the same bytes. On the embedded stores the import is SIGKILLed part-way and rerun
 * after the source changed; it completes without duplicates or orphan blobs, and a third run
 * copies nothing. A source answering 429 + Retry-After and 5xx is waited out and retried, and the
 * import's request rate never exceeds its limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlobStore } from '../../src/storage/blobs/open-blob-store.js';
import { openDatabase } from '../../src/storage/database.js';
import { startPictor, TEST_ACCOUNT_ID, TEST_TOKEN, tempDir, type TestPictor } from '../helpers/pictor.js';
import { spawnPictor } from '../helpers/process.js';
import { type RecordingProxy, startRecordingProxy } from '../helpers/recording-proxy.js';
import { postgresSkipReason } from '../helpers/postgres-test-database.js';
import { s3SkipReason } from '../helpers/s3-test-bucket.js';
import { createScaledStores, type TestStores } from '../helpers/test-engine.js';
import { expectSameDelivery, recordServed, runCli, seedSource, type Served, SOURCE_IMAGES } from './import-fixtures.js';

let source: TestPictor;
let proxy: RecordingProxy;
let served: Served;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  source = await startPictor({ engine: 'embedded' });
  await seedSource(source);
  proxy = await startRecordingProxy(source.origin);
  served = await recordServed(source.origin, source.accountId, TEST_TOKEN);
  expect(served.images).toHaveLength(SOURCE_IMAGES);
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await proxy?.close();
  await source?.close();
});

/** A fresh, empty installation: its env for the CLI and the server. */
async function emptyInstallation(engine: 'embedded' | 'scaled'): Promise<Record<string, string>> {
  const dataDir = tempDir('pictor-import-target-');
  const stores: TestStores | undefined = engine === 'scaled' ? await createScaledStores() : undefined;
  cleanups.push(async () => {
    await stores?.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return { PICTOR_DATA_DIR: dataDir, ...stores?.env };
}

const importArgs = (extra: string[] = []) => ['import', 'cloudflare', '--from-account', TEST_ACCOUNT_ID, '--from-api', `${proxy.origin}/client/v4`, ...extra];
const credentials = { CLOUDFLARE_API_TOKEN: TEST_TOKEN };

/** Starts a server on the target and compares everything it serves with the source. */
async function expectSameAsSource(targetEnv: Record<string, string>, expected: Served = served): Promise<void> {
  const target = await spawnPictor({ ...targetEnv, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN });
  try {
    const copied = await recordServed(target.origin, TEST_ACCOUNT_ID, TEST_TOKEN);
    expect(copied.images).toEqual(expected.images);
    expect(copied.originals).toEqual(expected.originals);
    expect(copied.variants).toEqual(expected.variants);
    expect(copied.keys).toEqual(expected.keys);
    expect(copied.config).toEqual(expected.config);
    await expectSameDelivery(source.origin, target.origin, expected);
  } finally {
    await target.stop();
  }
}

/** Blob keys in the store that no row references, and rows per id (duplicates). */
async function leftovers(env: Record<string, string>): Promise<{ orphans: string[]; rows: number; distinctIds: number }> {
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${path.join(env.PICTOR_DATA_DIR!, 'pictor.db')}`;
  const blobUrl = env.BLOB_STORE_URL ?? `file:${path.join(env.PICTOR_DATA_DIR!, 'blobs')}`;
  const database = await openDatabase(databaseUrl);
  const blobs = await openBlobStore(blobUrl);
  try {
    const rows = await database.db.selectFrom('images').select(['id', 'blob_key']).where('account_id', '=', TEST_ACCOUNT_ID).execute();
    const referenced = new Set(rows.map((r) => r.blob_key));
    const orphans: string[] = [];
    for await (const blob of blobs.list()) if (!referenced.has(blob.key)) orphans.push(blob.key);
    return { orphans, rows: rows.length, distinctIds: new Set(rows.map((r) => r.id)).size };
  } finally {
    await blobs.close();
    await database.close();
  }
}

describe('import cloudflare into the embedded stores', () => {
  it('survives a SIGKILL part-way and changes at the source; a rerun completes, a third run copies nothing', async () => {
    const env = { ...(await emptyInstallation('embedded')), ...credentials };
    let blobsFetched = 0;
    const killed = await runCli(env, importArgs(), (kill) => {
      proxy.onRequest = (p) => {
        if (p.endsWith('/blob') && ++blobsFetched === 80) kill();
      };
    });
    proxy.onRequest = () => undefined;
    expect(killed.signal).toBe('SIGKILL');
    const partial = await leftovers(env);
    expect(partial.rows).toBeGreaterThan(0);
    expect(partial.rows).toBeLessThan(SOURCE_IMAGES);

    // Meanwhile the source changes: one image's fields are edited, one image is deleted.
    const edited = served.images.find((i) => i.id.startsWith('albums/'))!;
    const deleted = served.images.find((i) => !i.id.startsWith('albums/') && i.id !== edited.id)!;
    expect((await source.api(`/images/v1/${encodeURIComponent(edited.id)}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { edited: true }, creator: 'editor' }) })).status).toBe(200);
    expect((await source.api(`/images/v1/${deleted.id}`, { method: 'DELETE' })).status).toBe(200);
    const now = await recordServed(source.origin, source.accountId, TEST_TOKEN);

    const rerun = await runCli(env, importArgs());
    expect(rerun.code, rerun.stderr + rerun.stdout).toBe(0);
    expect(rerun.stdout).toMatch(/0 failed/);
    const after = await leftovers(env);
    expect(after.orphans).toEqual([]);
    expect(after.rows).toBe(after.distinctIds);
    // The deleted image was copied before the kill or not; either way the target ends without it or reports it.
    const deletedCopied = after.rows === SOURCE_IMAGES;
    if (deletedCopied) expect(rerun.stdout).toMatch(/1 images of account \w+ here are not listed by the source/);
    else expect(after.rows).toBe(SOURCE_IMAGES - 1);

    const third = await runCli(env, importArgs());
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/^Copied 0 images \(0\.0 MB\), updated the fields of 0; 19\d unchanged/);

    if (deletedCopied) {
      // Compare with what the source now serves, plus the reported leftover.
      const target = await spawnPictor({ ...env, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN });
      try {
        expect((await fetch(`${target.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1/${deleted.id}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);
        expect((await fetch(`${target.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1/${deleted.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);
      } finally {
        await target.stop();
      }
    }
    await expectSameAsSource(env, now);
    served = now;
  }, 240_000);
});

describe('import cloudflare into an account that already exists', () => {
  it('takes the source hash over an empty account and refuses one holding images under another hash', async () => {
    const env = { ...(await emptyInstallation('embedded')), ...credentials };
    const created = await runCli(env, ['accounts', 'create', '--id', TEST_ACCOUNT_ID]);
    const ownHash = /Account hash: (\S+)/.exec(created.stdout)![1]!;
    expect(ownHash).not.toBe(source.accountHash);
    const adopting = await runCli(env, importArgs(['--dry-run']));
    expect(adopting.code, adopting.stderr).toBe(0);
    expect(adopting.stdout).toContain(`account ${TEST_ACCOUNT_ID} held no images: its hash ${ownHash} became the source's ${source.accountHash}`);
    expect(adopting.stdout).toMatch(new RegExp(`^Would copy ${served.images.length} images`));

    const server = await spawnPictor({ ...env, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN });
    try {
      const form = new FormData();
      form.set('file', new Blob([fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'red-64x48.heic'))]), 'local.heic');
      const res = await fetch(`${server.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: form });
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
    const refused = await runCli(env, importArgs());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`account ${TEST_ACCOUNT_ID} already exists here with the hash ${ownHash} and 1 images, and the source's hash is ${source.accountHash}`);
    expect((await leftovers(env)).rows).toBe(1);
  }, 120_000);
});

describe.skipIf(postgresSkipReason ?? s3SkipReason)('import cloudflare into PostgreSQL + S3', () => {
  it('copies every field, original, variant, key and setting; delivery answers the same', async () => {
    const env = { ...(await emptyInstallation('scaled')), ...credentials };
    const run = await runCli(env, importArgs(['--concurrency', '8']));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Copied ${served.images.length} images`));
    expect((await leftovers(env)).orphans).toEqual([]);
    await expectSameAsSource(env);
  }, 240_000);
});

describe('import cloudflare from a rate-limited, failing source', () => {
  it('waits out 429 Retry-After, retries 5xx, completes, and never exceeds its request rate', async () => {
    const env = { ...(await emptyInstallation('embedded')), ...credentials };
    const limit = 30;
    const windowMs = 2000;
    proxy.requests.length = 0;
    let n = 0;
    proxy.policy = () => {
      n++;
      if (n === 5 || n === 90) return { status: 429, headers: { 'retry-after': '1' } };
      if (n % 23 === 0) return { status: n % 2 ? 503 : 500 };
      return undefined;
    };
    try {
      const run = await runCli(env, importArgs(['--rate-limit', `${limit}/${windowMs / 1000}`, '--concurrency', '6']));
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stderr).toMatch(/rate limited by the source: waiting 1 s/);
      expect(run.stderr).toMatch(/the source answered 50\d: retrying/);
    } finally {
      proxy.policy = () => undefined;
    }
    const requests = [...proxy.requests];
    expect(requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(requests.filter((r) => r.status >= 500).length).toBeGreaterThan(5);
    // The limit holds as the proxy counts arrivals, however long a request took to arrive (the
    // windows are 5 ms short only for the two processes' millisecond clocks). Unthrottled, this
    // import sends several times more.
    for (let i = 0; i < requests.length; i++) {
      const inWindow = requests.filter((r) => r.atMs >= requests[i]!.atMs && r.atMs < requests[i]!.atMs + windowMs - 5).length;
      expect(inWindow, `requests in the ${windowMs} ms from request ${i}`).toBeLessThanOrEqual(limit);
    }
    // The request refused with 429 is not asked again before its Retry-After has passed.
    for (const [i, refused] of requests.entries()) {
      if (refused.status !== 429) continue;
      const retry = requests.slice(i + 1).find((r) => r.path === refused.path)!;
      expect(retry.atMs - refused.atMs).toBeGreaterThanOrEqual(950);
    }
    await expectSameAsSource(env);
  }, 240_000);
});
