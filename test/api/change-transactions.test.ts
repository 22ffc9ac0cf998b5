/**
 * One transaction per change: an image change, its webhook event and the account's delivery-version
 * bump commit together or not at all. A fault injected after the first statement of the change
 * (the image row already written inside the transaction) must leave neither behind; without the
 * fault, both are written. Runs on SQLite and on PostgreSQL.
 */
import { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRepositories } from '../../src/storage/change-transactions.js';
import * as images from '../helpers/images.js';
import { deliver, deliveryPath, expectDeliveryError, upload } from '../helpers/delivery.js';
import { multipartBody } from '../helpers/multipart.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** The statement after which the next change crashes. */
let crashAfter: 'image row' | 'version bump' | undefined;

const crash = (where: typeof crashAfter) => {
  if (crashAfter !== where) return;
  crashAfter = undefined;
  throw new Error(`injected crash after the ${where}`);
};

/** Every statement of a change goes through here; the crash comes right before the next one. */
function crashing(repositories: ChangeRepositories): ChangeRepositories {
  const { webhooks, accounts } = repositories;
  return {
    ...repositories,
    accounts: {
      updateAccount: (id, patch) => accounts.updateAccount(id, patch),
      bumpDeliveryVersion: async (id) => {
        crash('image row');
        await accounts.bumpDeliveryVersion(id);
      },
    },
    webhooks: Object.assign(Object.create(webhooks) as typeof webhooks, {
      enqueue: async (delivery: Parameters<typeof webhooks.enqueue>[0]) => {
        crash('image row');
        crash('version bump');
        await webhooks.enqueue(delivery);
      },
    }),
  };
}

let pictor: TestPictor;
let receiver: WebhookReceiver;
let photo: Buffer;
const account = () => ({ account_id: pictor.accountId });

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  pictor = await startPictor({ env: { PICTOR_WEBHOOK_ALLOW: '127.0.0.1' }, overrides: { wrapChangeRepositories: crashing } });
  photo = await images.jpeg(40, 30);
  const put = await pictor.api('/images/v1/webhook', { method: 'PUT', body: JSON.stringify({ url: receiver.url }), headers: { 'content-type': 'application/json' } });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await pictor?.close();
  await receiver?.close();
});

/** What a change leaves in the database besides the image row. */
async function written(): Promise<{ version: number; events: string[] }> {
  const { db } = pictor.services.database;
  const row = await db.selectFrom('accounts').select('delivery_version').where('id', '=', pictor.accountId).executeTakeFirstOrThrow();
  const events = await db.selectFrom('webhook_deliveries').select('type').where('account_id', '=', pictor.accountId).orderBy('created_ms').execute();
  return { version: Number(row.delivery_version), events: events.map((e) => e.type) };
}

async function expectCrashed(call: () => Promise<Response>): Promise<void> {
  const res = await call();
  expect(res.status).toBe(500);
  expect(crashAfter, 'the injected crash happened').toBeUndefined();
}

const patch = (id: string, body: unknown) => () =>
  pictor.api(`/images/v1/${id}`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('an image change commits with its event and its delivery-version bump, or not at all', () => {
  for (const where of ['image row', 'version bump'] as const) {
    it(`access change: a crash after the ${where} leaves the image private, no event and no bump`, async () => {
      const id = await upload(pictor, photo, { requireSignedURLs: true });
      const before = await written();
      crashAfter = where;
      await expectCrashed(patch(id, { requireSignedURLs: false }));
      expect(await written()).toEqual(before);
      expect((await pictor.client.images.v1.get(id, account())).requireSignedURLs).toBe(true);
      expectDeliveryError(await deliver(pictor, deliveryPath(pictor, id, 'public')), 403, 9425);

      await patch(id, { requireSignedURLs: false })();
      expect(await written()).toEqual({ version: before.version + 1, events: [...before.events, 'image.updated'] });
      expect((await deliver(pictor, deliveryPath(pictor, id, 'public'))).res.status).toBe(200);
    });
  }

  it('delete: a crash after the row is removed keeps the image, records no event and bumps nothing', async () => {
    const id = await upload(pictor, photo);
    const before = await written();
    crashAfter = 'image row';
    await expectCrashed(() => pictor.api(`/images/v1/${id}`, { method: 'DELETE' }));
    expect(await written()).toEqual(before);
    expect((await pictor.client.images.v1.get(id, account())).id).toBe(id);

    await pictor.client.images.v1.delete(id, account());
    expect(await written()).toEqual({ version: before.version + 1, events: [...before.events, 'image.deleted'] });
  });

  it('upload: a crash after the row is inserted leaves no image and no event', async () => {
    const before = await written();
    crashAfter = 'image row';
    const { body, contentType } = multipartBody([{ name: 'file', value: photo, filename: 'a.jpg', type: 'image/jpeg' }, { name: 'id', value: 'tx/upload' }]);
    await expectCrashed(() => pictor.api('/images/v1', { method: 'POST', body, headers: { 'content-type': contentType } }));
    expect(await written()).toEqual(before);
    await expect(pictor.client.images.v1.get('tx/upload', account())).rejects.toMatchObject({ status: 404 });

    await pictor.client.images.v1.create({ ...account(), id: 'tx/upload', file: await toFile(photo, 'a.jpg') });
    expect((await written()).events).toEqual([...before.events, 'image.uploaded']);
  });

  it('direct upload: a crash after the draft is completed leaves it a draft, with no completed event and no bump', async () => {
    const { id, uploadURL } = await pictor.client.images.v2.directUploads.create(account());
    const before = await written();
    const post = () => {
      const { body, contentType } = multipartBody([{ name: 'file', value: photo, filename: 'b.jpg', type: 'image/jpeg' }]);
      return fetch(uploadURL!, { method: 'POST', body, headers: { 'content-type': contentType } });
    };
    crashAfter = 'version bump';
    await expectCrashed(post);
    const after = await written();
    expect(after.version).toBe(before.version);
    expect(after.events).not.toContain('direct_upload.completed');
    expect(await pictor.client.images.v1.get(id!, account())).toMatchObject({ draft: true });

    expect((await post()).status).toBe(200);
    const completed = await written();
    expect(completed.version).toBe(before.version + 1);
    expect(completed.events.at(-1)).toBe('direct_upload.completed');
  });
});
