/** Direct creator uploads through the SDK, the one-time upload URL, drafts and expiry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import * as images from '../helpers/images.js';
import { multipartBody } from '../helpers/multipart.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let now = Date.parse('2026-11-29T12:00:00.000Z');
const clock = { now: () => now };
let pictor: TestPictor;
let photo: Buffer;

beforeAll(async () => {
  pictor = await startPictor({ overrides: { clock } });
  photo = await images.jpeg(120, 90);
});
afterAll(async () => pictor?.close());

const account = () => ({ account_id: pictor.accountId });

async function postFile(uploadURL: string, bytes: Buffer, field = 'file') {
  const { body, contentType } = multipartBody([{ name: field, value: bytes, filename: 'from-browser.jpg', type: 'image/jpeg' }]);
  const res = await fetch(uploadURL, { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { success: boolean; result: Record<string, unknown> | null; errors: Array<{ code: number; message: string }> } };
}

const listIds = async () => ((await pictor.client.images.v2.list(account())).images ?? []).map((i) => i.id);

describe('direct creator upload', () => {
  it('creates a draft whose upload URL takes one unauthenticated upload', async () => {
    const created = await pictor.client.images.v2.directUploads.create({ ...account(), metadata: { origin: 'browser' }, creator: 'user-7' });
    expect(created.id).toMatch(/^[0-9a-f-]{34}00$/);
    expect(created.uploadURL).toMatch(new RegExp(`^${pictor.origin}/upload/${pictor.accountHash}/[A-Za-z0-9_-]{43}$`));

    const draft = await pictor.client.images.v1.get(created.id!, account());
    expect(draft).toMatchObject({ id: created.id, draft: true, meta: { origin: 'browser' }, creator: 'user-7', requireSignedURLs: false });
    expect(await listIds()).not.toContain(created.id);
    expect((await pictor.client.images.v1.stats.get(account())).count!.current).toBe(0);

    const uploaded = await postFile(created.uploadURL!, photo);
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers.get('access-control-allow-origin')).toBe('*');
    expect(uploaded.body.result).toMatchObject({ id: created.id, filename: 'from-browser.jpg', meta: { origin: 'browser' } });
    expect(uploaded.body.result!.draft).toBeUndefined();

    const image = await pictor.client.images.v1.get(created.id!, account());
    expect((image as { draft?: boolean }).draft).toBeUndefined();
    expect(await listIds()).toContain(created.id);
    const delivered = await fetch(image.variants![0]!);
    expect(delivered.status).toBe(200);
    expect((await sharp(Buffer.from(await delivered.arrayBuffer())).metadata()).width).toBe(120);

    // The URL is dead afterwards.
    const again = await postFile(created.uploadURL!, photo);
    expect(again.status).toBe(404);
    expect(again.body.errors[0]!.code).toBe(5404);
  });

  it('keeps array metadata sent by the SDK', async () => {
    const { id } = await pictor.client.images.v2.directUploads.create({ ...account(), metadata: { tags: ['a', 'b'] } });
    expect((await pictor.client.images.v1.get(id!, account())).meta).toEqual({ tags: ['a', 'b'] });
  });

  it('keeps the draft through failed attempts and accepts a good file afterwards', async () => {
    const { uploadURL, id } = await pictor.client.images.v2.directUploads.create(account());
    const wrongField = await postFile(uploadURL!, photo, 'image');
    expect(wrongField.status).toBe(400);
    const notImage = await postFile(uploadURL!, Buffer.from('plain text'));
    expect(notImage.status).toBe(415);
    const tooBig = await postFile(uploadURL!, Buffer.concat([photo, Buffer.alloc(10 * 1024 * 1024)]));
    expect(tooBig.status).toBe(413);
    expect(((await pictor.client.images.v1.get(id!, account())) as { draft?: boolean }).draft).toBe(true);
    expect((await postFile(uploadURL!, photo)).status).toBe(200);
  });

  it('honours expiry: refuses out-of-range expiries, and a late upload gets 410 and removes the draft', async () => {
    const iso = (ms: number) => new Date(now + ms).toISOString();
    for (const expiry of [iso(60_000), iso(7 * 3600_000), 'tomorrow']) {
      const err = (await pictor.client.images.v2.directUploads.create({ ...account(), expiry }).catch((e: unknown) => e)) as { status: number; errors: Array<{ code: number }> };
      expect(err.status).toBe(400);
      expect(err.errors[0]!.code).toBe(5400);
    }
    const { uploadURL, id } = await pictor.client.images.v2.directUploads.create({ ...account(), expiry: iso(5 * 60_000) });
    now += 4 * 60_000;
    const intime = await pictor.client.images.v2.directUploads.create(account());
    now += 2 * 60_000;
    const late = await postFile(uploadURL!, photo);
    expect(late.status).toBe(410);
    const gone = (await pictor.client.images.v1.get(id!, account()).catch((e: unknown) => e)) as { status: number };
    expect(gone.status).toBe(404);
    // The default expiry is 30 minutes: the second draft is still open 2 minutes later.
    expect((await postFile(intime.uploadURL!, photo)).status).toBe(200);
  });

  it('treats a post at the exact expiry instant as late, and removes the draft as it says', async () => {
    const { uploadURL, id } = await pictor.client.images.v2.directUploads.create({ ...account(), expiry: new Date(now + 3 * 60_000).toISOString() });
    now += 3 * 60_000;
    const atExpiry = await postFile(uploadURL!, photo);
    expect(atExpiry.status).toBe(410);
    expect(atExpiry.body.errors[0]!.code).toBe(5408);
    // The 410 says the draft is gone: the API must agree rather than keep showing a live draft.
    const gone = (await pictor.client.images.v1.get(id!, account()).catch((e: unknown) => e)) as { status: number };
    expect(gone.status).toBe(404);
  });

  it('refuses an expiry without a time zone offset rather than reading it in the server\'s local time', async () => {
    const withoutOffset = new Date(now + 10 * 60_000).toISOString().slice(0, 19);
    const err = (await pictor.client.images.v2.directUploads.create({ ...account(), expiry: withoutOffset }).catch((e: unknown) => e)) as { status: number; errors: Array<{ code: number; message: string }> };
    expect(err.status).toBe(400);
    expect(err.errors[0]!.code).toBe(5400);
    expect(err.errors[0]!.message).toMatch(/offset/);
    const withOffset = new Date(now + 10 * 60_000 + 3600_000).toISOString().slice(0, 19) + '+01:00';
    expect((await pictor.client.images.v2.directUploads.create({ ...account(), expiry: withOffset })).uploadURL).toBeDefined();
  });

  it('sweeps expired drafts without leaving blobs', async () => {
    const { id } = await pictor.client.images.v2.directUploads.create(account());
    const blobsBefore = await pictor.storedBlobs();
    now += 31 * 60_000;
    expect(await pictor.services.directUploads.sweepExpired()).toBeGreaterThanOrEqual(1);
    expect(((await pictor.client.images.v1.get(id!, account()).catch((e: unknown) => e)) as { status: number }).status).toBe(404);
    expect(await pictor.storedBlobs()).toEqual(blobsBefore);
  });

  it('applies upload rules to drafts: custom id conflicts and private custom ids', async () => {
    await pictor.client.images.v2.directUploads.create({ ...account(), id: 'drafts/custom' });
    const dup = (await pictor.client.images.v2.directUploads.create({ ...account(), id: 'drafts/custom' }).catch((e: unknown) => e)) as { status: number; errors: Array<{ code: number }> };
    expect(dup.status).toBe(409);
    expect(dup.errors[0]!.code).toBe(5409);
    const priv = (await pictor.client.images.v2.directUploads.create({ ...account(), id: 'drafts/private', requireSignedURLs: true }).catch((e: unknown) => e)) as { errors: Array<{ code: number }> };
    expect(priv.errors[0]!.code).toBe(5410);
  });

  it('accepts an empty form and the deprecated v1 JSON endpoint', async () => {
    const empty = await pictor.api('/images/v2/direct_upload', { method: 'POST', body: new FormData() });
    expect(empty.status).toBe(200);
    const v1 = await pictor.api('/images/v1/direct_upload', {
      method: 'POST',
      body: JSON.stringify({ metadata: { v: 1 }, requireSignedURLs: true }),
      headers: { 'content-type': 'application/json' },
    });
    expect(v1.status).toBe(200);
    const { result } = (await v1.json()) as { result: { id: string; uploadURL: string } };
    expect(await pictor.client.images.v1.get(result.id, account())).toMatchObject({ draft: true, meta: { v: 1 }, requireSignedURLs: true });
  });

  it('refuses a v1 JSON requireSignedURLs that is not a boolean instead of reading it as true', async () => {
    for (const requireSignedURLs of [5, { private: false }, null]) {
      const res = await pictor.api('/images/v1/direct_upload', {
        method: 'POST',
        body: JSON.stringify({ requireSignedURLs }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, JSON.stringify(requireSignedURLs)).toBe(400);
      const body = (await res.json()) as { errors: Array<{ code: number; source?: { pointer: string } }> };
      expect(body.errors[0]).toMatchObject({ code: 5400, source: { pointer: '/requireSignedURLs' } });
    }
  });

  it('judges the upload URL before the body: a dead URL answers 404 / 410 whatever was posted, readable by fetch', async () => {
    const forged = `${pictor.origin}/upload/${pictor.accountHash}/${'B'.repeat(43)}`;
    // A misnamed field, or 9 MB that need not be read: the URL is what is wrong, and the client must be told so.
    for (const [bytes, field] of [[Buffer.from('not an image'), 'image'], [Buffer.alloc(9 * 1024 * 1024), 'file']] as const) {
      const res = await postFile(forged, bytes, field);
      expect(res.status).toBe(404);
      expect(res.body.errors[0]!.code).toBe(5404);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    const { uploadURL } = await pictor.client.images.v2.directUploads.create({ ...account(), expiry: new Date(now + 3 * 60_000).toISOString() });
    now += 4 * 60_000;
    const late = await postFile(uploadURL!, Buffer.from('not an image'), 'image');
    expect(late.status).toBe(410);
    expect(late.body.errors[0]!.code).toBe(5408);
  });

  it('refuses a forged upload URL', async () => {
    const forged = await postFile(`${pictor.origin}/upload/${pictor.accountHash}/${'A'.repeat(43)}`, photo);
    expect(forged.status).toBe(404);
    const { uploadURL } = await pictor.client.images.v2.directUploads.create(account());
    const otherHash = uploadURL!.replace(`/upload/${pictor.accountHash}/`, '/upload/AAAAAAAAAAAAAAAAAAAAAA/');
    expect((await postFile(otherHash, photo)).status).toBe(404);
  });
});
