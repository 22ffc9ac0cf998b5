/**
 * An animated output is as large as all its frames: a tiny many-frame source enlarged by a flexible
 * variant must not escape the 100-megapixel limit that a single frame would hit (issue 10, item 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let twelveFrames: string;

beforeAll(async () => {
  pictor = await startPictor();
  await patchDeliveryConfig(pictor, { flexible_variants: true });
  twelveFrames = await upload(pictor, images.tinyFramesGif(12));
});
afterAll(async () => pictor?.close());

describe('animated output and the pixel limit', () => {
  it('refuses 12 frames of 3000×3000 (108 MP) with 9413 before rendering', async () => {
    const delivered = await deliver(pictor, deliveryPath(pictor, twelveFrames, 'w=3000,h=3000,fit=contain'), { headers: { accept: 'image/webp' } });
    expectDeliveryError(delivered, 403, 9413);
    expect(delivered.body.toString()).toContain('3000×3000 × 12 frames');
  });

  it('still renders the same size when only one frame is kept (anim=false)', async () => {
    const { res, body } = await deliver(pictor, deliveryPath(pictor, twelveFrames, 'w=3000,h=3000,fit=contain,anim=false'), { headers: { accept: 'image/webp' } });
    expect(res.status).toBe(200);
    expect(await decode(body)).toMatchObject({ width: 3000, height: 3000, pages: 1 });
  });

  it('renders every frame while their sum stays under the limit', async () => {
    const { res, body } = await deliver(pictor, deliveryPath(pictor, twelveFrames, 'w=300,h=300,fit=contain'), { headers: { accept: 'image/webp' } });
    expect(res.status).toBe(200);
    expect(await decode(body)).toMatchObject({ format: 'webp', width: 300, height: 300, pages: 12 });
  });
});
