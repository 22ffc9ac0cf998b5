/**
 * gravity=face (flexible and named variants) and segment=foreground over HTTP, with the real
 * models: the face crop shows the labelled face where saliency shows the distractor; the segmented
 * rendition is transparent over the labelled background and opaque over the subject (mean alpha
 * per region printed for docs/transform-options.md), filled on JPEG, and combined with resizing.
 * PICTOR_FACE_DETECTION=off and PICTOR_SEGMENTATION=off fall back as documented.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';
import { visionSet, visionSetSkipReason, type LabelBox } from '../helpers/vision-set.js';

/** Model inference on a shared 2-core machine: generous, not a performance bound. */
const SEGMENT_TIMEOUT_MS = 300_000;

let pictor: TestPictor;
let set: Awaited<ReturnType<typeof visionSet>>;
const ids: Record<'astronaut' | 'coffee' | 'offCentre', string> = { astronaut: '', coffee: '', offCentre: '' };

async function get(server: TestPictor, id: string, options: string) {
  const delivered = await deliver(server, deliveryPath(server, id, options), { headers: { accept: 'image/webp,image/png' } });
  expect(delivered.res.status, delivered.body.toString().slice(0, 200)).toBe(200);
  return delivered.body;
}

/** Distance between two images' mean colors (RGB), 0..441. */
async function colorDistance(a: Buffer, b: Buffer): Promise<number> {
  const mean = async (image: Buffer) => (await sharp(image).removeAlpha().stats()).channels.slice(0, 3).map((c) => c.mean);
  const [x, y] = await Promise.all([mean(a), mean(b)]);
  return Math.hypot(...x.map((v, i) => v - y[i]!));
}

/** Mean of one channel over a labelled region of the (full-size) rendition. */
async function meanIn(image: Buffer, [left, top, width, height]: LabelBox, channel: number): Promise<number> {
  // stats() reads its input, not the result of extract(): cut the region out first.
  const region = await sharp(image).extract({ left, top, width, height }).toBuffer();
  return (await sharp(region).stats()).channels[channel]!.mean;
}

describe.skipIf(visionSetSkipReason !== undefined)('faces and foreground over HTTP', () => {
  beforeAll(async () => {
    set = await visionSet();
    // The default 30 s transform deadline: the first segmentation loads the model, and that plus
    // inference took longer than 30 s on a loaded 2-core machine. The wait for a model is not
    // counted against the deadline (test/unit/model-wait-deadline.test.ts).
    pictor = await startPictor();
    await patchDeliveryConfig(pictor, { flexible_variants: true });
    ids.astronaut = await upload(pictor, set.astronaut.bytes);
    ids.coffee = await upload(pictor, set.coffee.bytes);
    ids.offCentre = await upload(pictor, set.offCentre.bytes);
  });
  afterAll(async () => pictor?.close());

  it('crops to the face where saliency picks the distractor, in flexible and named variants', async () => {
    const [left, top, width, height] = set.offCentre.faces[0]!;
    const faceCut = await sharp(set.offCentre.bytes).extract({ left, top, width, height }).png().toBuffer();
    const face = await get(pictor, ids.offCentre, 'w=100,h=100,fit=cover,gravity=face,zoom=1,metadata=none');
    const salient = await get(pictor, ids.offCentre, 'w=100,h=100,fit=cover,gravity=auto,metadata=none');
    expect(await decode(face)).toMatchObject({ width: 100, height: 100 });
    // The face crop frames the face with some room around it: its colors are the face's, while
    // the saliency crop is the red and yellow checkerboard.
    const faceDistance = await colorDistance(face, faceCut);
    const salientDistance = await colorDistance(salient, faceCut);
    expect(salientDistance, `face crop ${faceDistance.toFixed(0)}, saliency crop ${salientDistance.toFixed(0)} from the face's colors`).toBeGreaterThan(2 * faceDistance);

    await pictor.client.images.v1.variants.create({
      account_id: pictor.accountId,
      id: 'avatar',
      // gravity and zoom are flexible-variant options a named variant may carry; the SDK's type lists only the four required ones.
      options: { fit: 'cover', width: 100, height: 100, metadata: 'none', gravity: 'face', zoom: 1 } as never,
    });
    const named = await get(pictor, ids.offCentre, 'avatar');
    expect(await colorDistance(named, face)).toBeLessThan(2);
    expect((await sharp(named).raw().toBuffer()).equals(await sharp(face).raw().toBuffer())).toBe(true);
  });

  it(
    'segment=foreground: transparent background, opaque subject, for a portrait and an object',
    async () => {
      for (const [name, image, format] of [
        ['astronaut', set.astronaut, 'png'],
        ['coffee', set.coffee, 'webp'],
      ] as const) {
        const body = await get(pictor, ids[name], `segment=foreground,format=${format}`);
        expect(await decode(body)).toMatchObject({ format, width: image.width, height: image.height });
        const subject = await Promise.all(image.foreground.map((box) => meanIn(body, box, 3)));
        const background = await Promise.all(image.background.map((box) => meanIn(body, box, 3)));
        console.log(`[vision] ${name} segment=foreground (${format}) mean alpha: subject ${subject.map((a) => a.toFixed(0)).join(', ')}; background ${background.map((a) => a.toFixed(0)).join(', ')}`);
        for (const alpha of subject) expect(alpha).toBeGreaterThan(220);
        for (const alpha of background) expect(alpha).toBeLessThan(25);
      }
    },
    SEGMENT_TIMEOUT_MS,
  );

  it(
    'segment=foreground on JPEG fills the background (white, or the background option), and combines with crop and rotate',
    async () => {
      const white = await get(pictor, ids.coffee, 'segment=foreground,format=jpeg');
      const red = await get(pictor, ids.coffee, 'segment=foreground,format=jpeg,background=red');
      for (const box of set.coffee.background) {
        for (const channel of [0, 1, 2]) expect(await meanIn(white, box, channel)).toBeGreaterThan(235);
        expect(await meanIn(red, box, 0)).toBeGreaterThan(235);
        expect(await meanIn(red, box, 1)).toBeLessThan(25);
      }
      // The subject keeps its own colors (the cup is red-brown, not white).
      expect(await meanIn(white, set.coffee.foreground[0]!, 2)).toBeLessThan(150);

      // Segment first, then crop to a 100×200 box and turn it: still transparent around the cup.
      const turned = await get(pictor, ids.coffee, 'segment=foreground,w=200,h=100,fit=cover,rotate=90,format=png');
      expect(await decode(turned)).toMatchObject({ format: 'png', width: 200, height: 100 });
      const { channels } = await sharp(turned).stats();
      expect(channels).toHaveLength(4);
      expect(channels[3]!.min).toBe(0);
      expect(channels[3]!.max).toBe(255);
    },
    SEGMENT_TIMEOUT_MS,
  );
});

describe.skipIf(visionSetSkipReason !== undefined)('with PICTOR_FACE_DETECTION=off and PICTOR_SEGMENTATION=off', () => {
  let off: TestPictor;
  let id: string;
  beforeAll(async () => {
    set ??= await visionSet();
    off = await startPictor({ env: { PICTOR_FACE_DETECTION: 'off', PICTOR_SEGMENTATION: 'off' } });
    await patchDeliveryConfig(off, { flexible_variants: true });
    id = await upload(off, set.offCentre.bytes);
  });
  afterAll(async () => off?.close());

  it('gravity=face is the saliency crop, and segment=foreground is refused with 9401', async () => {
    const face = await get(off, id, 'w=100,h=100,fit=cover,gravity=face,zoom=1');
    expect(face.equals(await get(off, id, 'w=100,h=100,fit=cover,gravity=auto'))).toBe(true);
    const refused = await deliver(off, deliveryPath(off, id, 'segment=foreground'));
    expectDeliveryError(refused, 400, 9401);
    expect(refused.body.toString()).toMatch(/PICTOR_SEGMENTATION=off/);
  });
});
