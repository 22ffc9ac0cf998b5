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
