/** HTTP caching of delivered images: Cache-Control from the TTLs, strong ETag and 304, headers, HEAD. */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: string;
let privatePhoto: string;
const swr = 'stale-while-revalidate=7200';

beforeAll(async () => {
  pictor = await startPictor();
  photo = await upload(pictor, await images.jpeg(200, 150));
  privatePhoto = await upload(pictor, await images.jpeg(200, 150), { requireSignedURLs: true });
});
afterAll(async () => pictor?.close());

const publicPath = () => deliveryPath(pictor, photo, 'public');

describe('Cache-Control', () => {
  it('defaults to two days for the browser plus stale-while-revalidate', async () => {
    const { res } = await deliver(pictor, publicPath());
    expect(res.headers.get('cache-control')).toBe(`public, max-age=172800, ${swr}`);
  });

  it('follows the account browser_ttl, and a variant browser_ttl over it', async () => {
    await patchDeliveryConfig(pictor, { browser_ttl: 3600 });
    try {
      expect((await deliver(pictor, publicPath())).res.headers.get('cache-control')).toBe(`public, max-age=3600, ${swr}`);
      await pictor.client.images.v1.variants.create({
        account_id: pictor.accountId,
        id: 'week',
        options: { fit: 'scale-down', width: 100, height: 100, metadata: 'none', browser_ttl: 604800 } as never,
      });
      expect((await deliver(pictor, deliveryPath(pictor, photo, 'week'))).res.headers.get('cache-control')).toBe(`public, max-age=604800, ${swr}`);
    } finally {
      await patchDeliveryConfig(pictor, { browser_ttl: 172800 });
    }
  });

  it('private images are cached privately, never past the signature expiry', async () => {
    const { keys } = await pictor.client.images.v1.keys.list({ account_id: pictor.accountId });
    const path = deliveryPath(pictor, privatePhoto, 'public');
    const exp = Math.floor(Date.now() / 1000) + 600;
    const sig = createHmac('sha256', keys![0]!.value!).update(`${path}?exp=${exp}`).digest('hex');
    const { res } = await deliver(pictor, `${path}?exp=${exp}&sig=${sig}`);
    expect(res.status).toBe(200);
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(res.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(590);
    expect(maxAge).toBeLessThanOrEqual(600);
  });

  it('errors are not cached', async () => {
    const missing = await deliver(pictor, deliveryPath(pictor, 'missing', 'public'));
    expectDeliveryError(missing, 404, 9431);
    expect(missing.res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('ETag and 304', () => {
  it('sends a strong ETag that stays the same across requests', async () => {
    const a = await deliver(pictor, publicPath());
    const b = await deliver(pictor, publicPath());
    expect(a.res.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(b.res.headers.get('etag')).toBe(a.res.headers.get('etag'));
  });

  it('answers If-None-Match with 304, no body and the caching headers', async () => {
    const first = await deliver(pictor, publicPath(), { headers: { accept: 'image/webp' } });
    const etag = first.res.headers.get('etag')!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const { res, body } = await deliver(pictor, publicPath(), { headers: { accept: 'image/webp', 'if-none-match': ifNoneMatch } });
      expect(res.status).toBe(304);
      expect(body.length).toBe(0);
      expect(res.headers.get('etag')).toBe(etag);
      expect(res.headers.get('cache-control')).toBe(first.res.headers.get('cache-control'));
      expect(res.headers.get('vary')).toBe(first.res.headers.get('vary'));
    }
  });

  it('a stale or foreign ETag gets the full image', async () => {
    const { res, body } = await deliver(pictor, publicPath(), { headers: { 'if-none-match': '"not-this-one"' } });
    expect(res.status).toBe(200);
    expect((await decode(body)).width).toBe(200);
  });

  it('an ETag of another format of the same URL does not match', async () => {
    const webpTag = (await deliver(pictor, publicPath(), { headers: { accept: 'image/webp' } })).res.headers.get('etag')!;
    const { res } = await deliver(pictor, publicPath(), { headers: { accept: 'image/jpeg', 'if-none-match': webpTag } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
  });
});

describe('headers and HEAD', () => {
  it('sends Content-Type and a Content-Length that matches the body', async () => {
    const { res, body } = await deliver(pictor, publicPath(), { headers: { accept: 'image/webp' } });
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('HEAD answers with the GET headers and no body', async () => {
    for (const accept of ['image/webp', 'image/jpeg']) {
      const get = await deliver(pictor, publicPath(), { headers: { accept } });
      const head = await deliver(pictor, publicPath(), { method: 'HEAD', headers: { accept } });
      expect(head.res.status).toBe(200);
      expect(head.body.length).toBe(0);
      for (const name of ['content-type', 'content-length', 'etag', 'cache-control', 'vary']) {
        expect([name, head.res.headers.get(name)]).toEqual([name, get.res.headers.get(name)]);
      }
    }
  });

  it('HEAD of a conditional request is a 304, of a missing image a bodiless 404', async () => {
    const etag = (await deliver(pictor, publicPath())).res.headers.get('etag')!;
    expect((await deliver(pictor, publicPath(), { method: 'HEAD', headers: { 'if-none-match': etag } })).res.status).toBe(304);
    const missing = await deliver(pictor, deliveryPath(pictor, 'missing', 'public'), { method: 'HEAD' });
    expect(missing.res.status).toBe(404);
    expect(missing.res.headers.get('cf-resized')).toBe('err=9431');
    expect(missing.body.length).toBe(0);
  });
});
