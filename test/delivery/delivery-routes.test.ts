/** Delivery URLs: both route forms, custom ids with `/` and `%25`, and the error each unknown part gets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photoId: string;
const customId = 'albums/2024/50%off';

beforeAll(async () => {
  pictor = await startPictor();
  const photo = await images.jpeg(64, 48);
  photoId = await upload(pictor, photo);
  await upload(pictor, photo, { id: customId });
});
afterAll(async () => pictor?.close());

describe('delivery routes', () => {
  it.each([
    ['/<hash>/<id>/<variant>', false],
    ['/cdn-cgi/imagedelivery/<hash>/<id>/<variant>', true],
  ])('serves %s', async (_form, customDomain) => {
    for (const id of [photoId, customId]) {
      const delivered = await deliver(pictor, deliveryPath(pictor, id, 'public', { customDomain }));
      expect(delivered.res.status).toBe(200);
      expect(delivered.res.headers.get('content-type')).toBe('image/jpeg');
      expect(await decode(delivered.body)).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    }
  });

  it('sends a custom id with % as %25, and does not decode it twice', async () => {
    expect(deliveryPath(pictor, customId, 'public')).toContain('/albums/2024/50%25off/public');
    expectDeliveryError(await deliver(pictor, `/${pictor.accountHash}/albums/2024/50%off/public`), 403, 9426);
    // %2550 decodes once to "%50", which is not "P": a different (unknown) image.
    expectDeliveryError(await deliver(pictor, `/${pictor.accountHash}/albums/2024/%2550%25off/public`), 404, 9431);
  });

  it('lists working delivery URLs in the image object', async () => {
    const image = await pictor.client.images.v1.get(customId, { account_id: pictor.accountId });
    for (const url of image.variants!) expect((await fetch(url)).status).toBe(200);
  });
});

describe('delivery errors (never a 500)', () => {
  it.each([
    ['unknown account hash', () => `/AAAAAAAAAAAAAAAAAAAAAA/${photoId}/public`, 403, 9427],
    ['unknown image', () => deliveryPath(pictor, 'no-such-image', 'public'), 404, 9431],
    ['unknown image under the custom domain', () => deliveryPath(pictor, 'no-such-image', 'public', { customDomain: true }), 404, 9431],
    ['unknown variant', () => deliveryPath(pictor, photoId, 'nosuchvariant'), 404, 9431],
    ['a variant name with punctuation', () => deliveryPath(pictor, photoId, 'bad-name!'), 403, 9426],
    ['no variant segment', () => `/${pictor.accountHash}/${photoId}`, 403, 9426],
    ['an empty segment', () => `/${pictor.accountHash}//${photoId}/public`, 403, 9426],
    ['malformed percent-encoding', () => `/${pictor.accountHash}/%E0%A4%A/public`, 403, 9426],
    ['options while flexible variants are off', () => deliveryPath(pictor, photoId, 'w=10'), 403, 9429],
    ['a 5000-character image id', () => deliveryPath(pictor, 'x'.repeat(5000), 'public'), 404, 9431],
    ['a 5000-character account hash', () => `/${'A'.repeat(5000)}/${photoId}/public`, 403, 9427],
  ] as const)('%s', async (_name, path, status, code) => {
    expectDeliveryError(await deliver(pictor, path()), status, code);
  });

  it('a malformed API path still gets the API envelope', async () => {
    const res = await pictor.api('/images/v1/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, errors: [{ code: 5400 }] });
  });
});
