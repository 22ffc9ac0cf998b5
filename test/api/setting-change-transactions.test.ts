/**
 * One transaction per change, beyond images: a variant, signing-key or delivery-config change, and
 * each write of an import, commits with its account's delivery-version bump or not at all. A
 * database trigger makes the bump fail after the change's own statement has run inside the
 * transaction; the change must then be rolled back and the API answer an error envelope. Without
 * the trigger, the same call writes both. Runs on SQLite and on PostgreSQL.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adoptAccount, importDeliverySettings, importSigningKeys, importVariants } from '../../src/cli/import/account-settings.js';
import { ImportReport } from '../../src/cli/import/import-report.js';
import type { ImportTarget } from '../../src/cli/import/import-target.js';
import { ImageWriter } from '../../src/cli/import/image-writer.js';
import { KyselyAccountRepository } from '../../src/storage/account-repository.js';
import { KyselyChanges } from '../../src/storage/change-transactions.js';
import { systemClock } from '../../src/util/clock.js';
import * as images from '../helpers/images.js';
import { upload } from '../helpers/delivery.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
beforeAll(async () => (pictor = await startPictor()));
afterAll(async () => pictor?.close());
afterEach(() => refuseBumps(false));

const INJECTED = 'injected: the delivery_version bump failed';

/** Arms or removes a trigger that fails every UPDATE that sets accounts.delivery_version. */
async function refuseBumps(on: boolean): Promise<void> {
  const { db, dialect } = pictor.services.database;
  if (dialect === 'postgres') {
    await sql`DROP TRIGGER IF EXISTS refuse_bump ON accounts`.execute(db);
    if (!on) return;
    await sql.raw(`CREATE OR REPLACE FUNCTION refuse_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${INJECTED}'; END $$`).execute(db);
    await sql`CREATE TRIGGER refuse_bump BEFORE UPDATE OF delivery_version ON accounts FOR EACH ROW EXECUTE FUNCTION refuse_bump()`.execute(db);
  } else {
    await sql`DROP TRIGGER IF EXISTS refuse_bump`.execute(db);
    if (on) await sql.raw(`CREATE TRIGGER refuse_bump BEFORE UPDATE OF delivery_version ON accounts BEGIN SELECT RAISE(ABORT, '${INJECTED}'); END`).execute(db);
  }
}

async function deliveryVersion(): Promise<number> {
  const row = await pictor.services.database.db.selectFrom('accounts').select('delivery_version').where('id', '=', pictor.accountId).executeTakeFirstOrThrow();
  return Number(row.delivery_version);
}

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
});

async function result<T>(path: string): Promise<T> {
  const res = await pictor.api(path);
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: T }).result;
}

const variant = (id: string) => result<{ variant: { options: Record<string, unknown> } }>(`/images/v1/variants/${id}`).then((r) => r.variant.options);
const keys = () => result<{ keys: Array<{ name: string; value: string }> }>('/images/v1/keys');
const config = () => result<{ flexible_variants: boolean; browser_ttl: number }>('/images/v1/config');

/**
 * With bumps refused: the call answers a 500 error envelope that names nothing internal, and
 * leaves `read()` and the delivery version as they were. Then, bumps allowed again, the same call
 * succeeds and bumps the version once.
 */
async function expectAtomic(path: string, init: RequestInit, read: () => Promise<unknown>): Promise<void> {
  const before = { state: await read(), version: await deliveryVersion() };
  await refuseBumps(true);
  const failed = await pictor.api(path, init);
  const text = await failed.text();
  expect(failed.status).toBe(500);
  expect(JSON.parse(text)).toMatchObject({ success: false, errors: [{ code: 10001, message: 'Internal error' }] });
  expect(text).not.toContain('injected');
  await refuseBumps(false);
  expect({ state: await read(), version: await deliveryVersion() }).toEqual(before);

  const done = await pictor.api(path, init);
  expect(done.status).toBe(200);
  expect(await deliveryVersion()).toBe(before.version + 1);
}

const options = (width: number) => ({ fit: 'scale-down', width, height: width, metadata: 'none' });

describe('a variant change commits with its delivery-version bump, or not at all', () => {
  const names = async () => Object.keys((await result<{ variants: Record<string, unknown> }>('/images/v1/variants')).variants).sort();

  it('create', async () => {
    await expectAtomic('/images/v1/variants', json('POST', { id: 'txcreate', options: options(40) }), names);
    expect(await names()).toContain('txcreate');
  });

  it('update', async () => {
    expect((await pictor.api('/images/v1/variants', json('POST', { id: 'txupdate', options: options(40) }))).status).toBe(200);
    await expectAtomic('/images/v1/variants/txupdate', json('PATCH', { options: options(80) }), () => variant('txupdate'));
    expect(await variant('txupdate')).toMatchObject({ width: 80 });
  });

  it('delete', async () => {
    expect((await pictor.api('/images/v1/variants', json('POST', { id: 'txdelete', options: options(40) }))).status).toBe(200);
    await expectAtomic('/images/v1/variants/txdelete', json('DELETE'), names);
    expect(await names()).not.toContain('txdelete');
  });
});

describe('a signing-key change commits with its delivery-version bump, or not at all', () => {
  it('create, rotate and delete', async () => {
    await expectAtomic('/images/v1/keys/txkey', json('PUT'), keys);
    expect((await keys()).keys.map((k) => k.name)).toContain('txkey');
    await expectAtomic('/images/v1/keys/txkey', json('PUT'), keys);
    await expectAtomic('/images/v1/keys/txkey', json('DELETE'), keys);
    expect((await keys()).keys.map((k) => k.name)).not.toContain('txkey');
  });
});

describe('a delivery-config change commits with its delivery-version bump, or not at all', () => {
  it('flexible variants and browser TTL', async () => {
    const { flexible_variants, browser_ttl } = await config();
    await expectAtomic('/images/v1/config', json('PATCH', { flexible_variants: !flexible_variants, browser_ttl: browser_ttl + 60 }), config);
    expect(await config()).toEqual({ flexible_variants: !flexible_variants, browser_ttl: browser_ttl + 60 });
  });
});

describe("an import's writes commit with their delivery-version bumps, or not at all", () => {
  const target = (): Pick<ImportTarget, 'accounts' | 'images' | 'variants' | 'keys' | 'changes'> => {
    const { services } = pictor;
    return {
      accounts: new KyselyAccountRepository(services.database.db),
      images: services.imageRepository,
      variants: services.variantRepository,
      keys: services.signingKeyRepository,
      // No bus: what is checked here is the database (services.purge would bump a second time).
      changes: new KyselyChanges({ database: services.database, bus: { publish: async () => undefined }, clock: systemClock, poke: () => undefined }),
    };
  };
  const account = async () => (await pictor.services.accounts.findAccount(pictor.accountId))!;

  /** Runs `write` with bumps refused, expecting `failed` of it; nothing may have changed. */
  async function expectRolledBack(write: () => Promise<void>, read: () => Promise<unknown>): Promise<void> {
    const before = { state: await read(), version: await deliveryVersion() };
    await refuseBumps(true);
    await write();
    await refuseBumps(false);
    expect({ state: await read(), version: await deliveryVersion() }).toEqual(before);
  }

  it('variants, signing keys and delivery settings', async () => {
    const report = new ImportReport();
    await expectRolledBack(async () => {
      await importVariants(target(), await account(), [{ id: 'imported', options: options(30) }], false, report);
      await expect(importSigningKeys(target(), await account(), [{ name: 'fromsource', value: 'a'.repeat(64) }], false, report)).rejects.toThrow(INJECTED);
      await expect(importDeliverySettings(target(), await account(), { browser_ttl: 7777 }, false)).rejects.toThrow(INJECTED);
    }, async () => ({ variants: (await pictor.services.variantRepository.list(pictor.accountId)).map((v) => v.id), keys: await keys(), config: await config() }));
    expect(report.failed.total).toBe(1);
    expect(report.summary(false)).toContain(`variant imported`);
  });

  it("the account's hash", async () => {
    const holder = await pictor.services.accounts.createAccount({ id: 'txhash' });
    const adopt = () => adoptAccount(target(), { id: holder.id, hash: 'sourcehash0123456789ab' }, { keepHash: false, dryRun: false }, new ImportReport());
    const version = async () => (await pictor.services.accounts.findAccount(holder.id))!;
    const before = await version();
    await refuseBumps(true);
    await expect(adopt()).rejects.toThrow(INJECTED);
    await refuseBumps(false);
    expect(await version()).toEqual(before);
    expect((await adopt()).hash).toBe('sourcehash0123456789ab');
    expect((await version()).deliveryVersion).toBe(before.deliveryVersion + 1);
  });

  it('an image replaced or removed', async () => {
    const bytes = await images.jpeg(40, 30);
    const id = await upload(pictor, bytes);
    const row = async () => pictor.services.imageRepository.find(pictor.accountId, id);
    const stored = (await row())!;
    const writer = new ImageWriter(
      pictor.accountId,
      {
        ...target(),
        blobs: pictor.services.blobs,
        inspect: async () => ({ format: 'jpeg', contentType: 'image/jpeg', width: 40, height: 30, frames: 1, bytes: bytes.length }),
      },
      false,
    );
    const incoming = { id, filename: 'from-source.jpg', creator: null, meta: {}, requireSignedURLs: false, uploadedMs: stored.uploadedMs, versionTag: 'v1' };

    await expectRolledBack(() => expect(writer.write({ ...incoming, bytes: async () => bytes })).rejects.toThrow(INJECTED), row);
    // The blob of the row that stayed is still there: it is deleted only once the new row has committed.
    expect(await pictor.services.blobs.get(stored.blobKey!)).toEqual(bytes);
    await expectRolledBack(() => expect(writer.write({ ...incoming, bytes: async () => undefined })).rejects.toThrow(INJECTED), row);

    expect(await writer.write({ ...incoming, bytes: async () => bytes })).toEqual({ kind: 'copied', bytes: bytes.length });
    expect((await row())!.filename).toBe('from-source.jpg');
  });
});
