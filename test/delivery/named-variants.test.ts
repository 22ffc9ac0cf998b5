/** Named variants created through the SDK, delivered for every fit mode; sizes decoded with sharp. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let large: string;
let small: string;

const fits = ['scale-down', 'contain', 'cover', 'crop', 'pad'] as const;
const variantOf = (fit: string) => `fit${fit.replace('-', '')}`;

beforeAll(async () => {
  pictor = await startPictor();
  large = await upload(pictor, await images.jpeg(400, 300));
  small = await upload(pictor, await images.jpeg(40, 30));
  for (const fit of fits) {
    await pictor.client.images.v1.variants.create({ account_id: pictor.accountId, id: variantOf(fit), options: { fit, width: 100, height: 100, metadata: 'none' } });
  }
});
afterAll(async () => pictor?.close());

describe('named variants, 100×100 box', () => {
  it.each([
    // fit, 400×300 source, 40×30 source
    ['scale-down', [100, 75], [40, 30]],
    ['contain', [100, 75], [100, 75]],
    ['cover', [100, 100], [100, 100]],
    ['crop', [100, 100], [40, 30]],
    ['pad', [100, 100], [100, 100]],
  ] as const)('fit=%s', async (fit, largeSize, smallSize) => {
    for (const [id, [width, height]] of [
      [large, largeSize],
      [small, smallSize],
    ] as const) {
      const { res, body } = await deliver(pictor, deliveryPath(pictor, id, variantOf(fit)));
      expect(res.status).toBe(200);
      expect(await decode(body)).toMatchObject({ format: 'jpeg', width, height });
    }
  });

  it('public serves the image at its own size', async () => {
    expect(await decode((await deliver(pictor, deliveryPath(pictor, large, 'public'))).body)).toMatchObject({ format: 'jpeg', width: 400, height: 300 });
  });

  it('every URL in the image object is served', async () => {
    const image = await pictor.client.images.v1.get(large, { account_id: pictor.accountId });
    expect(image.variants).toHaveLength(fits.length + 1);
    const widths = await Promise.all(image.variants!.map(async (url) => (await decode(Buffer.from(await (await fetch(url)).arrayBuffer()))).width));
    expect(widths.sort()).toEqual([100, 100, 100, 100, 100, 400]);
  });
});
