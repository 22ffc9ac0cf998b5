/**
 * What a rendition is keyed by, seen over HTTP: requests that must get the same bytes share one
 * transform, requests that must not never do; the disk tier serves when memory is off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, metric, metricTotal, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: string;

beforeAll(async () => {
  // Memory tier off: every repeat must come from the disk tier.
  pictor = await startPictor({ env: { PICTOR_CACHE_MEMORY_MB: '0' } });
  photo = await upload(pictor, await images.jpeg(1600, 1200));
  await patchDeliveryConfig(pictor, { flexible_variants: true });
});
afterAll(async () => pictor?.close());

const transforms = () => metricTotal(pictor.origin, 'pictor_transforms_total');

describe('rendition keys', () => {
  it('width=auto: hints within one breakpoint share a rendition; another breakpoint gets its own', async () => {
    const path = deliveryPath(pictor, photo, 'width=auto');
    const before = await transforms();
    const widths = [];
    for (const hint of ['500', '600', '768']) {
      const { res, body } = await deliver(pictor, path, { headers: { 'sec-ch-width': hint } });
      expect(res.headers.get('vary')).toMatch(/Sec-CH-Width/);
      widths.push((await decode(body)).width);
    }
    expect(widths).toEqual([768, 768, 768]);
    expect((await transforms()) - before).toBe(1);

    const wide = await deliver(pictor, path, { headers: { 'sec-ch-width': '1100' } });
    expect((await decode(wide.body)).width).toBe(1200);
    expect((await transforms()) - before).toBe(2);
  });

  it('slow-connection-quality: slow and fast clients never share bytes', async () => {
    const path = deliveryPath(pictor, photo, 'w=300,scq=5');
    const fast = await deliver(pictor, path);
    const slow = await deliver(pictor, path, { headers: { 'save-data': 'on' } });
    expect(slow.body.length).toBeLessThan(fast.body.length);
    expect(slow.res.headers.get('etag')).not.toBe(fast.res.headers.get('etag'));
  });
});

describe('Vary', () => {
  const varyNames = (res: Response) => (res.headers.get('vary') ?? '').split(',').map((name) => name.trim().toLowerCase());

  // Every request header that changes the bytes must be in Vary, or a shared cache keying on Vary
  // hands one client's rendition to another (a mobile width to a desktop, low quality to everyone).
  it.each([
    ['width=auto', 'sec-ch-width', '300'],
    ['width=auto', 'width', '300'],
    ['width=auto', 'sec-ch-viewport-width', '300'],
    ['width=auto', 'viewport-width', '300'],
    ['width=auto', 'sec-ch-ua-mobile', '?1'],
    ['w=300,scq=5', 'save-data', 'on'],
    ['w=300,scq=5', 'ect', '2g'],
    ['w=300,scq=5', 'rtt', '300'],
    ['w=300,scq=5', 'downlink', '1'],
  ])('%s: a response changed by %s names it in Vary', async (options, header, value) => {
    const path = deliveryPath(pictor, photo, options);
    const plain = await deliver(pictor, path);
    const hinted = await deliver(pictor, path, { headers: { [header]: value } });
    expect(hinted.res.headers.get('etag')).not.toBe(plain.res.headers.get('etag'));
    expect(varyNames(hinted.res)).toContain(header);
    expect(varyNames(plain.res)).toContain(header);
  });

  it('width=auto with a DPR hint names DPR in Vary', async () => {
    const path = deliveryPath(pictor, photo, 'width=auto');
    const oneX = await deliver(pictor, path, { headers: { 'viewport-width': '300' } });
    for (const dpr of ['sec-ch-dpr', 'dpr']) {
      const twoX = await deliver(pictor, path, { headers: { 'viewport-width': '300', [dpr]: '3' } });
      expect(twoX.res.headers.get('etag')).not.toBe(oneX.res.headers.get('etag'));
      expect(varyNames(twoX.res)).toContain(dpr);
    }
  });
});

describe('disk tier', () => {
  it('serves repeats from disk, and a purge reaches it', async () => {
    const path = deliveryPath(pictor, photo, 'w=200');
    const diskHits = () => metric(pictor.origin, 'pictor_rendition_cache_total', { tier: 'disk', result: 'hit' });
    const hitsBefore = await diskHits();
    const first = await deliver(pictor, path);
    const again = await deliver(pictor, path);
    expect(first.res.headers.get('x-pictor-cache')).toBe('miss');
    expect(again.res.headers.get('x-pictor-cache')).toBe('hit-disk');
    expect((await diskHits()) - hitsBefore).toBe(1);
    expect(again.res.headers.get('etag')).toBe(first.res.headers.get('etag'));
    expect(await decode(again.body)).toMatchObject({ width: 200, height: 150 });

    await pictor.client.images.v1.delete(photo, { account_id: pictor.accountId });
    expectDeliveryError(await deliver(pictor, path), 404, 9431);
  });
});
