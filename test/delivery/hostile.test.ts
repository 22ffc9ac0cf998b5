/**
 * Delivery at the edges of the limits: a huge width that scale-down serves at the image's own size,
 * and a 100-megapixel image asked for at full size. Bad option strings and hostile SVG are in the
 * hostile corpus (test/hostile/urls.ts, svg.ts).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: string;

beforeAll(async () => {
  pictor = await startPictor();
  photo = await upload(pictor, await images.jpeg(400, 300));
  await patchDeliveryConfig(pictor, { flexible_variants: true });
});
afterAll(async () => pictor?.close());

describe('huge sizes', () => {
  it('a huge width with scale-down simply serves the image at its own size', async () => {
    const { res, body } = await deliver(pictor, deliveryPath(pictor, photo, 'w=99999999'));
    expect(res.status).toBe(200);
    expect(await decode(body)).toMatchObject({ width: 400, height: 300 });
  });
});

describe('a 100-megapixel image', () => {
  let big: string;
  beforeAll(async () => {
    // A flat color encodes to about 1.3 MB of PNG, well inside the 10 MB upload limit.
    big = await upload(pictor, await images.solid(10_000, 10_000, 'png'));
  }, 30_000);

  it('is served at full size', async () => {
    const { res, body } = await deliver(pictor, deliveryPath(pictor, big, 'public'), { headers: { accept: 'image/png' } });
    expect(res.status).toBe(200);
    const meta = await sharp(body, { limitInputPixels: false }).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 10_000, 10_000]);
  }, 20_000);

  it('cannot be enlarged past the output limit', async () => {
    expectDeliveryError(await deliver(pictor, deliveryPath(pictor, big, 'w=12000,fit=contain')), 403, 9413);
  });
});
