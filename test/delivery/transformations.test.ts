/**
 * /cdn-cgi/image/<options>/<source> against a real origin on loopback: sources, origin control,
 * format negotiation, onerror=redirect, origin failures, revalidation, single flight, and purge
 * through the official SDK's client.cache.purge().
 */
import { readdirSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decode, deliver, expectDeliveryError, metric, metricTotal, type Delivered } from '../helpers/delivery.js';
import { jpeg, png } from '../helpers/images.js';
import { startScriptedOrigin, type ScriptedOrigin } from '../helpers/origin-server.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let photo: Buffer;
let transparent: Buffer;
/** What /mutable.jpg serves now (tests of purge replace it). */
let mutable: Buffer;
let origin: ScriptedOrigin;
let pictor: TestPictor;

const sendImage = (res: ServerResponse, body: Buffer, headers: Record<string, string> = {}) =>
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length, ...headers }).end(body);

beforeAll(async () => {
  photo = await jpeg(320, 240);
  transparent = await png(200, 100);
  mutable = await jpeg(300, 200);
  origin = await startScriptedOrigin((req, res) => {
    const path = req.url ?? '';
    if (path.startsWith('/img/photo.jpg')) return sendImage(res, photo, { 'cache-control': 'public, max-age=3600', etag: '"photo-v1"' });
    if (path === '/img/alpha.png') return sendImage(res, transparent, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' });
    if (path === '/etag.jpg' || path === '/lm.jpg') {
      const lastModified = 'Tue, 01 Dec 2026 10:00:00 GMT';
      if (req.headers['if-none-match'] === '"etag-v1"' || req.headers['if-modified-since'] === lastModified) return res.writeHead(304).end();
      return sendImage(res, photo, path === '/etag.jpg' ? { 'cache-control': 'no-cache', etag: '"etag-v1"' } : { 'cache-control': 'max-age=0, must-revalidate', 'last-modified': lastModified });
    }
    if (path.startsWith('/mutable')) return sendImage(res, mutable, { 'cache-control': 'max-age=86400' });
    if (path === '/herd.jpg') return void setTimeout(() => sendImage(res, photo, { 'cache-control': 'max-age=3600' }), 300);
    if (path.startsWith('/broken.jpg')) return res.writeHead(500).end('boom');
    if (path === '/private.jpg') return res.writeHead(403).end('no');
    if (path === '/page.html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>login</body></html>');
    if (path === '/slow.jpg') return; // never answers
    if (path === '/huge-declared.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(11 * 1024 * 1024) }).end();
    if (path === '/huge-streamed.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(1024 * 1024, 1);
      for (let i = 0; i < 11; i++) res.write(chunk);
      return res.end();
    }
    if (path === '/to-metadata.jpg') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (path === '/to-loopback-name.jpg') return res.writeHead(302, { location: `http://localhost:${origin.port}/img/photo.jpg` }).end();
    res.writeHead(404).end('not found');
  });
  pictor = await startPictor({
    env: {
      PICTOR_TRANSFORM_ORIGIN: origin.url('/'),
      PICTOR_TRANSFORM_SOURCES: 'https://cdn.example.com',
      // Long enough for 11 MB from loopback on a loaded machine; the slow origin never answers at all.
      PICTOR_URL_UPLOAD_TIMEOUT_MS: '3000',
      PICTOR_TRANSFORM_ERROR_TTL: '60',
    },
  });
});

afterAll(async () => {
  await pictor?.close();
  await origin?.close();
});

const get = (path: string, init?: RequestInit): Promise<Delivered> => deliver(pictor, path, init);

describe('sources', () => {
  it('resolves relative sources (with or without a leading slash) against PICTOR_TRANSFORM_ORIGIN and keeps their query', async () => {
    for (const source of ['/img/photo.jpg', 'img/photo.jpg', 'img/photo.jpg?v=2']) {
      const { res, body } = await get(`/cdn-cgi/image/width=100/${source}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cf-resized')).toBe('internal=ok');
      expect(await decode(body)).toMatchObject({ format: 'jpeg', width: 100, height: 75 });
    }
    expect(origin.seen.map((r) => r.path)).toContain('/img/photo.jpg?v=2');
  });

  it('accepts absolute sources on the default origin', async () => {
    const { res, body } = await get(`/cdn-cgi/image/w=64/${origin.url('/img/photo.jpg')}`);
    expect(res.status).toBe(200);
    expect((await decode(body)).width).toBe(64);
  });

  it('refuses absolute sources on origins that are not allowed', async () => {
    expectDeliveryError(await get('/cdn-cgi/image/w=64/https://elsewhere.example.org/a.jpg'), 403, 9401);
    // Same host, another port: another origin.
    expectDeliveryError(await get(`/cdn-cgi/image/w=64/http://127.0.0.1:${origin.port === 1 ? 2 : 1}/a.jpg`), 403, 9401);
  });

  it('refuses redirects from an allowed origin into metadata or loopback addresses it did not name', async () => {
    expectDeliveryError(await get('/cdn-cgi/image/w=64/to-metadata.jpg'), 403, 9401);
    expectDeliveryError(await get('/cdn-cgi/image/w=64/to-loopback-name.jpg'), 403, 9401);
  });

  it('refuses sources with spaces, credentials or paths that leave the origin', async () => {
    expectDeliveryError(await get('/cdn-cgi/image/w=64/http://user:pw@127.0.0.1/a.jpg'), 403, 9419);
    expectDeliveryError(await get('/cdn-cgi/image/w=64'), 403, 9419);
  });
});

describe('options', () => {
  it('parses Cloudflare options and aliases through the shared option table', async () => {
    const { res, body } = await get('/cdn-cgi/image/w=100,h=50,fit=cover,f=png,q=80,g=left,anim=false,metadata=none,sharpen=1,blur=2/img/photo.jpg');
    expect(res.status).toBe(200);
    expect(await decode(body)).toMatchObject({ format: 'png', width: 100, height: 50 });
    const trimmed = await get('/cdn-cgi/image/trim=10;20;30;40,f=jpeg/img/photo.jpg');
    expect(await decode(trimmed.body)).toMatchObject({ width: 260, height: 200 });
    const json = await get('/cdn-cgi/image/width=160,format=json/img/photo.jpg');
    expect(JSON.parse(json.body.toString())).toMatchObject({ width: 160, height: 120, original: { width: 320, height: 240, format: 'image/jpeg' } });
  });

  it('answers bad options with 400 / 9401 naming the option', async () => {
    const bad = await get('/cdn-cgi/image/width=abc/img/photo.jpg');
    expectDeliveryError(bad, 400, 9401);
    expect(bad.body.toString()).toContain('width');
    expectDeliveryError(await get('/cdn-cgi/image/onerror=retry/img/photo.jpg'), 400, 9401);
    expectDeliveryError(await get('/cdn-cgi/image/nonsense=1/img/photo.jpg'), 400, 9401);
  });
});

describe('format', () => {
  it('format=auto negotiates from Accept and says Vary: Accept', async () => {
    const path = '/cdn-cgi/image/width=120,format=auto/img/photo.jpg';
    const avif = await get(path, { headers: { accept: 'image/avif,image/webp,*/*' } });
    expect((await decode(avif.body)).format).toBe('heif');
    expect(avif.res.headers.get('content-type')).toBe('image/avif');
    expect(avif.res.headers.get('vary')).toBe('Accept');
    const webp = await get(path, { headers: { accept: 'image/webp,*/*' } });
    expect(webp.res.headers.get('content-type')).toBe('image/webp');
    const plain = await get(path, { headers: { accept: '*/*' } });
    expect(plain.res.headers.get('content-type')).toBe('image/jpeg');
    expect(plain.res.headers.get('vary')).toBe('Accept');
  });

  it('without a format option keeps a standard format close to the source, whatever Accept says', async () => {
    const photoOut = await get('/cdn-cgi/image/width=120/img/photo.jpg', { headers: { accept: 'image/avif,image/webp' } });
    expect(photoOut.res.headers.get('content-type')).toBe('image/jpeg');
    expect(photoOut.res.headers.get('vary')).toBeNull();
    const alphaOut = await get('/cdn-cgi/image/width=50/img/alpha.png', { headers: { accept: 'image/webp' } });
    expect(alphaOut.res.headers.get('content-type')).toBe('image/png');
  });
});

describe('origin failures', () => {
  it('answers with Cloudflare codes: 404 → 9404, 4xx → 9408, 5xx → 9509, non-image → 9412', async () => {
    expectDeliveryError(await get('/cdn-cgi/image/w=10/missing.jpg'), 404, 9404);
    expectDeliveryError(await get('/cdn-cgi/image/w=10/private.jpg'), 403, 9408);
    expectDeliveryError(await get('/cdn-cgi/image/w=10/broken.jpg'), 502, 9509);
    expectDeliveryError(await get('/cdn-cgi/image/w=10/page.html'), 415, 9412);
  });

  it('remembers origin errors briefly: a second request within PICTOR_TRANSFORM_ERROR_TTL does not reach the origin', async () => {
    const before = origin.seenFor('/broken.jpg').length;
    expectDeliveryError(await get('/cdn-cgi/image/w=11/broken.jpg'), 502, 9509);
    expectDeliveryError(await get('/cdn-cgi/image/w=12/broken.jpg'), 502, 9509);
    expect(origin.seenFor('/broken.jpg').length - before).toBeLessThanOrEqual(1);
  });

  it('refuses sources above the upload size limit, declared or streamed (413 / 9402)', async () => {
    expectDeliveryError(await get('/cdn-cgi/image/w=10/huge-declared.jpg'), 413, 9402);
    expectDeliveryError(await get('/cdn-cgi/image/w=10/huge-streamed.jpg'), 413, 9402);
  });

  it('gives up on a slow origin after the upload time limit (504 / 9505)', async () => {
    expectDeliveryError(await get('/cdn-cgi/image/w=10/slow.jpg'), 504, 9505);
  });

  it('onerror=redirect sends the browser to the source when the transformation fails', async () => {
    const { res } = await get('/cdn-cgi/image/w=10,onerror=redirect/broken.jpg?x=1', { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(origin.url('/broken.jpg?x=1'));
    expect(res.headers.get('cf-resized')).toBe('err=9509');
  });
});

describe('caching', () => {
  it('keeps a source as long as its Cache-Control allows: new sizes do not reach the origin again', async () => {
    await get('/cdn-cgi/image/w=30/mutable-cached.jpg');
    const seen = origin.seenFor('/mutable-cached.jpg').length;
    await get('/cdn-cgi/image/w=31/mutable-cached.jpg');
    await get('/cdn-cgi/image/w=32/mutable-cached.jpg');
    expect(origin.seenFor('/mutable-cached.jpg').length).toBe(seen);
  });

  it("reads the zone's account per request only while the purge bus cannot vouch for this process", async () => {
    const { services } = pictor;
    const accountReads = vi.spyOn(services.accounts, 'findAccount');
    const hits = async (upToDate: boolean) => {
      const bus = vi.spyOn(services.purge, 'upToDate').mockReturnValue(upToDate);
      try {
        await get('/cdn-cgi/image/w=33/mutable-cached.jpg');
        accountReads.mockClear();
        for (let i = 0; i < 3; i++) expect((await get('/cdn-cgi/image/w=33/mutable-cached.jpg')).res.status).toBe(200);
        return accountReads.mock.calls.length;
      } finally {
        bus.mockRestore();
      }
    };
    try {
      expect(await hits(true)).toBe(0);
      expect(await hits(false)).toBe(3);
    } finally {
      accountReads.mockRestore();
    }
  });

  it('revalidates with If-None-Match: the origin answers 304 and sends the body once', async () => {
    const first = await get('/cdn-cgi/image/w=40/etag.jpg');
    expect(first.res.status).toBe(200);
    const second = await get('/cdn-cgi/image/w=41/etag.jpg');
    expect(second.res.status).toBe(200);
    expect((await decode(second.body)).width).toBe(41);
    const requests = origin.seenFor('/etag.jpg');
    expect(requests).toHaveLength(2);
    expect(requests[0]!.headers['if-none-match']).toBeUndefined();
    expect(requests[1]!.headers['if-none-match']).toBe('"etag-v1"');
    expect(await metric(pictor.origin, 'pictor_origin_revalidations_total', { origin: origin.url('').replace(/\/$/, ''), outcome: 'unchanged' })).toBeGreaterThanOrEqual(1);
    // The rendition's ETag carries the origin's, as Cloudflare's does.
    expect(second.res.headers.get('etag')).toMatch(/^"cf-[^:]+:etag-v1"$/);
    expect(second.res.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
  });

  it('revalidates with If-Modified-Since when the origin sends only Last-Modified', async () => {
    await get('/cdn-cgi/image/w=40/lm.jpg');
    await get('/cdn-cgi/image/w=40/lm.jpg');
    const requests = origin.seenFor('/lm.jpg');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers['if-modified-since']).toBe('Tue, 01 Dec 2026 10:00:00 GMT');
  });

  it('answers a browser revalidation with 304', async () => {
    const first = await get('/cdn-cgi/image/w=50/img/photo.jpg');
    const again = await get('/cdn-cgi/image/w=50/img/photo.jpg', { headers: { 'if-none-match': first.res.headers.get('etag')! } });
    expect(again.res.status).toBe(304);
  });

  it('a herd of 100 requests for a new rendition costs one origin fetch and one transform', async () => {
    const transformsBefore = await metricTotal(pictor.origin, 'pictor_transforms_total');
    const results = await Promise.all(Array.from({ length: 100 }, () => get('/cdn-cgi/image/width=77/herd.jpg')));
    expect(results.map((r) => r.res.status)).toEqual(Array(100).fill(200));
    expect(origin.seenFor('/herd.jpg')).toHaveLength(1);
    expect((await metricTotal(pictor.origin, 'pictor_transforms_total')) - transformsBefore).toBe(1);
  });
});

describe('purge (client.cache.purge)', () => {
  /** Serves a new image at /mutable*, so a stale answer is told apart by its size. */
  async function changeMutable(width: number) {
    mutable = await jpeg(width, 100);
  }
  const widthOf = async (path: string) => (await decode((await get(path)).body)).width;

  it('by file: the next request fetches the source again and serves the new image', async () => {
    await changeMutable(300);
    expect(await widthOf('/cdn-cgi/image/fit=scale-down,w=1000/mutable-a.jpg')).toBe(300);
    await changeMutable(210);
    expect(await widthOf('/cdn-cgi/image/fit=scale-down,w=1000/mutable-a.jpg')).toBe(300); // cached
    const result = await pictor.client.cache.purge({ zone_id: pictor.accountId, files: [origin.url('/mutable-a.jpg')] });
    expect(result).toEqual({ id: pictor.accountId });
    expect(await widthOf('/cdn-cgi/image/fit=scale-down,w=1000/mutable-a.jpg')).toBe(210);
  });

  it('a kept source whose file vanished while its origin changed it: the next new size is made from the new bytes', async () => {
    await changeMutable(300);
    expect(await widthOf('/cdn-cgi/image/fit=scale-down,w=1000/mutable-vanished.jpg')).toBe(300);
    await changeMutable(210);
    // Evicted by another worker, say: the record still names the old version.
    const kept = join(pictor.dataDir, 'source-cache');
    for (const file of readdirSync(kept)) if (file !== '.tmp') rmSync(join(kept, file));
    const made = await get('/cdn-cgi/image/fit=scale-down,w=999/mutable-vanished.jpg');
    expect(made.res.status).toBe(200);
    expect((await decode(made.body)).width).toBe(210);
    expect(await widthOf('/cdn-cgi/image/fit=scale-down,w=1000/mutable-vanished.jpg')).toBe(210);
  });

  it('by file objects with url and headers', async () => {
    await changeMutable(300);
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable-b.jpg')).toBe(300);
    await changeMutable(220);
    await pictor.client.cache.purge({ zone_id: pictor.accountId, files: [{ url: origin.url('/mutable-b.jpg'), headers: { Accept: 'image/webp' } }] });
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable-b.jpg')).toBe(220);
  });

  it('by the most files one call may name, with long URLs (more than one bus message can carry)', async () => {
    await changeMutable(300);
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable-e.jpg')).toBe(300);
    await changeMutable(240);
    const files = Array.from({ length: 499 }, (_, i) => origin.url(`/elsewhere/${'x'.repeat(200)}-${i}.jpg`));
    const result = await pictor.client.cache.purge({ zone_id: pictor.accountId, files: [...files, origin.url('/mutable-e.jpg')] });
    expect(result).toEqual({ id: pictor.accountId });
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable-e.jpg')).toBe(240);
  });

  it('by prefix and by everything', async () => {
    await changeMutable(300);
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable/c.jpg')).toBe(300);
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable-d.jpg')).toBe(300);
    await changeMutable(230);
    await pictor.client.cache.purge({ zone_id: pictor.accountId, prefixes: [`127.0.0.1:${origin.port}/mutable/`] });
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable/c.jpg')).toBe(230);
    // Outside the prefix: kept on a synchronous bus; on a bus between nodes (Redis, PostgreSQL) every
    // source is re-checked with its origin after any purge, and this origin has changed it.
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable-d.jpg')).toBe(pictor.services.purge.synchronous ? 300 : 230);
    await pictor.client.cache.purge({ zone_id: pictor.accountId, purge_everything: true });
    expect(await widthOf('/cdn-cgi/image/w=1000/mutable-d.jpg')).toBe(230);
  });

  it('refuses other zones, bad bodies and credentials without write access to the zone', async () => {
    const post = (zone: string, body: unknown, token = pictor.token) =>
      fetch(`${pictor.apiBase}/zones/${zone}/purge_cache`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const otherZone = await post('0'.repeat(32), { purge_everything: true });
    expect(otherZone.status).toBe(400);
    expect(((await otherZone.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(7003);
    const both = await post(pictor.accountId, { files: [origin.url('/a.jpg')], purge_everything: true });
    expect(both.status).toBe(400);
    expect((await post(pictor.accountId, { files: ['not a url'] })).status).toBe(400);
    expect((await post(pictor.accountId, { purge_everything: true }, 'x'.repeat(40))).status).toBe(401);
    const { token } = await pictor.services.accounts.createToken(pictor.accountId, 'read', { name: 'reader' });
    const readOnly = await post(pictor.accountId, { purge_everything: true }, token);
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(10000);
  });
});

describe('transformations off', () => {
  it('answers 404 without Cf-Resized when neither origin setting is set', async () => {
    const off = await startPictor();
    try {
      const { res, body } = await deliver(off, '/cdn-cgi/image/w=10/img/photo.jpg');
      expect(res.status).toBe(404);
      expect(res.headers.get('cf-resized')).toBeNull();
      expect(body.toString()).toMatch(/^ERROR 9404: /);
    } finally {
      await off.close();
    }
  });
});
