/** Every images endpoint driven through the official `cloudflare` SDK against a real Pictor. */
import Cloudflare, { toFile } from 'cloudflare';
import fs from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startPictor, TEST_ACCOUNT_ID, TEST_TOKEN, tempDir, type TestPictor } from '../helpers/pictor.js';
import { spawnPictor } from '../helpers/process.js';
import { createTestStores } from '../helpers/test-engine.js';

let pictor: TestPictor;
let origin: OriginServer;
let photo: Buffer;

beforeAll(async () => {
  photo = await images.jpeg(400, 300);
  origin = await startOrigin({ '/pics/remote%20photo.png': { body: await images.png(50, 40), type: 'image/png' } });
  pictor = await startPictor({ env: { PICTOR_URL_UPLOAD_ALLOW: '127.0.0.1' } });
});

afterAll(async () => {
  await pictor?.close();
  await origin?.close();
});

const account = () => ({ account_id: pictor.accountId });

describe('images via the cloudflare SDK', () => {
  it('uploads a file with metadata and a custom id, and returns the Cloudflare image object', async () => {
    const image = await pictor.client.images.v1.create({
      ...account(),
      file: await toFile(photo, 'cat.jpg', { type: 'image/jpeg' }),
      id: 'albums/2024/cat',
      metadata: { key: 'value', n: 1 },
      creator: 'user-1',
    });
    expect(Object.keys(image).sort()).toEqual(['creator', 'filename', 'id', 'meta', 'requireSignedURLs', 'uploaded', 'variants']);
    expect(image).toMatchObject({
      id: 'albums/2024/cat',
      filename: 'cat.jpg',
      creator: 'user-1',
      // The SDK sends metadata[key] fields, whose values arrive as strings.
      meta: { key: 'value', n: '1' },
      requireSignedURLs: false,
      variants: [`${pictor.origin}/${pictor.accountHash}/albums/2024/cat/public`],
    });
    expect(image.uploaded).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('accepts metadata as one JSON field and requireSignedURLs as a string boolean', async () => {
    const image = await pictor.client.images.v1.create({
      ...account(),
      file: await toFile(photo, 'private.jpg', { type: 'image/jpeg' }),
      metadata: JSON.stringify({ nested: { a: [1, 2] }, flag: true }) as unknown as object,
      requireSignedURLs: true,
    });
    expect(image.meta).toEqual({ nested: { a: [1, 2] }, flag: true });
    expect(image.requireSignedURLs).toBe(true);
    expect(image.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{10}00$/);
  });

  it('accepts SDK metadata objects holding arrays (sent as metadata[key][] fields)', async () => {
    const image = await pictor.client.images.v1.create({
      ...account(),
      file: await toFile(photo, 'tags.jpg'),
      metadata: { tags: ['sea', 'sky'], album: { people: ['ann'], shots: [{ lens: 35, iso: 100 }, { lens: 50 }] }, none: [] },
    });
    // Form fields carry strings; an empty array sends no field at all.
    const meta = { tags: ['sea', 'sky'], album: { people: ['ann'], shots: [{ lens: '35', iso: '100' }, { lens: '50' }] } };
    expect(image.meta).toEqual(meta);
    expect((await pictor.client.images.v1.get(image.id!, account())).meta).toEqual(meta);
  });

  it('refuses SDK metadata it cannot rebuild instead of dropping it', async () => {
    for (const metadata of [{ 'a[b': 'x' }, { 'a]b': 'x' }, { grid: [['a', 'b'], ['c']] }]) {
      const err = (await pictor.client.images.v1.create({ ...account(), file: await toFile(photo, 'm.jpg'), metadata }).catch((e: unknown) => e)) as {
        status: number;
        errors: Array<{ code: number; message: string }>;
      };
      expect(err.status).toBe(400);
      expect(err.errors[0]!.code).toBe(5400);
      expect(err.errors[0]!.message).toMatch(/send metadata as one JSON field/);
    }
  });

  it('uploads by URL from an origin server, taking the filename from the URL', async () => {
    const image = await pictor.client.images.v1.create({ ...account(), url: origin.url('/pics/remote%20photo.png') });
    expect(image.filename).toBe('remote photo.png');
    const blob = await pictor.client.images.v1.blobs.get(image.id!, account());
    expect(blob.headers.get('content-type')).toBe('image/png');
    expect((await sharp(Buffer.from(await blob.arrayBuffer())).metadata()).width).toBe(50);
  });

  it('gets an image, custom ids with "/" percent-encoded by the SDK', async () => {
    const image = await pictor.client.images.v1.get('albums/2024/cat', account());
    expect(image.id).toBe('albums/2024/cat');
    expect(image.meta).toEqual({ key: 'value', n: '1' });
  });

  it('downloads the original bytes unchanged', async () => {
    const res = await pictor.client.images.v1.blobs.get('albums/2024/cat', account());
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('edits metadata, creator and requireSignedURLs', async () => {
    const uploaded = await pictor.client.images.v1.create({ ...account(), file: await toFile(photo, 'e.jpg') });
    const edited = await pictor.client.images.v1.edit(uploaded.id!, {
      ...account(),
      metadata: { replaced: 'yes' },
      creator: 'editor',
      requireSignedURLs: true,
    });
    expect(edited).toMatchObject({ id: uploaded.id, meta: { replaced: 'yes' }, creator: 'editor', requireSignedURLs: true });
    const again = await pictor.client.images.v1.get(uploaded.id!, account());
    expect(again).toMatchObject({ meta: { replaced: 'yes' }, creator: 'editor', requireSignedURLs: true });
  });

  it('deletes an image, after which it is 404 with code 5404', async () => {
    const uploaded = await pictor.client.images.v1.create({ ...account(), file: await toFile(photo, 'd.jpg') });
    expect(await pictor.client.images.v1.delete(uploaded.id!, account())).toEqual({});
    const err = await pictor.client.images.v1.get(uploaded.id!, account()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { status: number }).status).toBe(404);
    expect((err as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(5404);
    const again = await pictor.client.images.v1.delete(uploaded.id!, account()).catch((e: unknown) => e);
    expect((again as { status: number }).status).toBe(404);
  });
});

describe('listing and stats via the SDK', () => {
  let listed: TestPictor;
  const ids: string[] = [];

  beforeAll(async () => {
    listed = await startPictor();
    const file = await images.jpeg(32, 24);
    for (let i = 0; i < 25; i++) {
      const image = await listed.client.images.v1.create({
        account_id: listed.accountId,
        file: await toFile(file, `img-${i}.jpg`),
        id: `list/${String(i).padStart(2, '0')}`,
        creator: i % 5 === 0 ? 'fifth' : undefined,
        metadata: JSON.stringify({ index: i, parity: i % 2 === 0 ? 'even' : 'odd', tags: { hot: i < 3 } }) as unknown as object,
      });
      ids.push(image.id!);
    }
  });
  afterAll(async () => listed?.close());

  it('counts images in stats', async () => {
    expect(await listed.client.images.v1.stats.get({ account_id: listed.accountId })).toEqual({ count: { allowed: 100000, current: 25 } });
  });

  it('pages through v1 with page/per_page', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await listed.client.images.v1.list({ account_id: listed.accountId, page, per_page: 10 });
      const result = (res as unknown as { result: { images: Array<{ id: string }> } }).result;
      seen.push(...result.images.map((i) => i.id));
    }
    expect(seen).toEqual(ids);
  });

  it('walks v2 with continuation tokens, newest first and oldest first', async () => {
    for (const order of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let token: string | null | undefined;
      do {
        const page = await listed.client.images.v2.list({
          account_id: listed.accountId,
          per_page: 10,
          sort_order: order,
          ...(token ? { continuation_token: token } : {}),
        });
        seen.push(...(page.images ?? []).map((i) => i.id!));
        token = page.continuation_token;
      } while (token);
      expect(seen).toEqual(order === 'asc' ? ids : [...ids].reverse());
    }
  });

  it('filters v2 by creator and by metadata', async () => {
    const byCreator = await listed.client.images.v2.list({ account_id: listed.accountId, creator: 'fifth', sort_order: 'asc' });
    expect(byCreator.images!.map((i) => i.id)).toEqual(['list/00', 'list/05', 'list/10', 'list/15', 'list/20']);

    const even = await listed.client.images.v2.list({ account_id: listed.accountId, sort_order: 'asc', meta: { 'parity[eq]': 'even', 'index[lt:number]': '7' } } as never);
    expect(even.images!.map((i) => i.id)).toEqual(['list/00', 'list/02', 'list/04', 'list/06']);

    const hot = await listed.client.images.v2.list({ account_id: listed.accountId, sort_order: 'asc', meta: { 'tags.hot[eq:boolean]': 'true' } } as never);
    expect(hot.images!.map((i) => i.id)).toEqual(['list/00', 'list/01', 'list/02']);

    const some = await listed.client.images.v2.list({ account_id: listed.accountId, sort_order: 'desc', meta: { 'index[in:number]': '3|11|24' } } as never);
    expect(some.images!.map((i) => i.id)).toEqual(['list/24', 'list/11', 'list/03']);
  });

  it('refuses an unsupported operator and too many filters with Cloudflare\'s messages', async () => {
    const bad = await listed.client.images.v2.list({ account_id: listed.accountId, meta: { 'a[not-eq]': 'x' } } as never).catch((e: unknown) => e);
    expect((bad as { status: number }).status).toBe(400);
    expect((bad as { errors: unknown[] }).errors).toEqual([{ code: 5400, message: "Unsupported metadata filter operator: 'not-eq'" }]);
    const meta = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}[eq]`, 'x']));
    const many = await listed.client.images.v2.list({ account_id: listed.accountId, meta } as never).catch((e: unknown) => e);
    expect((many as { errors: Array<{ message: string }> }).errors[0]!.message).toBe('Too many metadata filters: 6 provided, maximum 5 allowed');
  });
});

describe('request validation via the SDK', () => {
  const failureOf = async (call: Promise<unknown>) =>
    (await call.catch((e: unknown) => e)) as { status: number; errors: Array<{ code: number; message: string; source?: { pointer: string } }> };

  it('names the field, what it must be and where it is', async () => {
    const order = await failureOf(pictor.client.images.v2.list({ ...account(), sort_order: 'newest' as never }));
    expect(order.status).toBe(400);
    expect(order.errors).toEqual([{ code: 5400, message: 'Invalid querystring parameter: sort_order must be one of "asc", "desc"', source: { pointer: '/sort_order' } }]);

    const perPage = await failureOf(pictor.client.images.v1.list({ ...account(), per_page: 5 }));
    expect(perPage.errors).toEqual([{ code: 5400, message: 'Invalid querystring parameter: per_page must be >= 10', source: { pointer: '/per_page' } }]);

    const noOptions = await failureOf(pictor.client.images.v1.variants.edit('public', account() as never));
    expect(noOptions.errors).toEqual([{ code: 5400, message: 'Invalid body parameter: options is required', source: { pointer: '/options' } }]);

    const signed = await failureOf(pictor.client.images.v1.edit('albums/2024/cat', { ...account(), requireSignedURLs: 'perhaps' as never }));
    expect(signed.errors).toEqual([{ code: 5400, message: 'Invalid body parameter: requireSignedURLs must be boolean', source: { pointer: '/requireSignedURLs' } }]);
  });
});

describe('image quota', () => {
  it('refuses uploads past PICTOR_IMAGE_QUOTA with 403/5403 and reports it in stats', async () => {
    const small = await startPictor({ env: { PICTOR_IMAGE_QUOTA: '2' } });
    try {
      const account = { account_id: small.accountId };
      const upload = async () => small.client.images.v1.create({ ...account, file: await toFile(await images.jpeg(10, 10), 'q.jpg') });
      const first = await upload();
      await upload();
      const over = (await upload().catch((e: unknown) => e)) as { status: number; errors: Array<{ code: number }> };
      expect(over.status).toBe(403);
      expect(over.errors[0]!.code).toBe(5403);
      expect(await small.client.images.v1.stats.get(account)).toEqual({ count: { allowed: 2, current: 2 } });
      await small.client.images.v1.delete(first.id!, account);
      // The freed slot takes a new image, which the API then serves.
      const again = await upload();
      expect((await small.client.images.v1.get(again.id!, account)).id).toBe(again.id);
      expect(await small.client.images.v1.stats.get(account)).toEqual({ count: { allowed: 2, current: 2 } });
    } finally {
      await small.close();
    }
  });
});

describe('over-size uploads through the SDK', () => {
  // A separate process: in-process, the test's own event loop hides the race this is about.
  it('answers 413/5413 that the SDK can read, not a dropped connection', async () => {
    const dataDir = tempDir();
    const stores = await createTestStores();
    const server = await spawnPictor({ PICTOR_DATA_DIR: dataDir, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, PICTOR_API_TOKEN: TEST_TOKEN, ...stores.env });
    try {
      const client = new Cloudflare({ baseURL: `${server.origin}/client/v4`, apiToken: TEST_TOKEN, maxRetries: 0 });
      // fetch (and so the SDK) reads no answer before it has sent the whole body.
      for (const size of [11, 25]) {
        const big = Buffer.concat([photo, Buffer.alloc(size * 1024 * 1024)]);
        const err = (await client.images.v1.create({ account_id: TEST_ACCOUNT_ID, file: await toFile(big, 'big.jpg') }).catch((e: unknown) => e)) as {
          status?: number;
          errors?: Array<{ code: number }>;
        };
        expect(err.status).toBe(413);
        expect(err.errors![0]!.code).toBe(5413);
      }
    } finally {
      await server.stop();
      await stores.remove();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
