/**
 * gravity=face on the labelled evaluation set, with the real detector in its inference thread and
 * the real planner: the crop window (in source pixels) holds every labelled face at zoom=0 and
 * closes in on them at zoom=1; without a face it is the saliency crop. Prints the detection rate
 * and mean IoU quoted in docs/transform-options.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVision, type Vision } from '../../src/ai/vision.js';
import { measureHints } from '../../src/render/measure.js';
import { planGeometry } from '../../src/render/plan-geometry.js';
import { inspectSource } from '../../src/render/source.js';
import { findFaces } from '../../src/render/find-faces.js';
import { parseOptionString } from '../../src/variants/option-parser.js';
import { around, asBox, contains, iou, visionSet, visionSetSkipReason, type Box, type LabelledImage } from '../helpers/vision-set.js';

let vision: Vision;
let set: Awaited<ReturnType<typeof visionSet>>;

beforeAll(async () => {
  vision = createVision({ faceDetection: true, segmentation: false, segmentationModel: undefined });
  if (!visionSetSkipReason) set = await visionSet();
});
afterAll(() => vision?.close());

async function cropWindow(image: LabelledImage, options: string, detect: Vision['detectFaces'] | 'off' = vision.detectFaces): Promise<Box> {
  const input = { bytes: image.bytes, format: 'png' as const };
  const source = await inspectSource(input);
  const spec = parseOptionString(options);
  return planGeometry(source, spec, await measureHints(input, source, spec, {}, detect === 'off' ? undefined : detect)).region;
}

const area = (b: Box) => b.width * b.height;

describe.skipIf(visionSetSkipReason !== undefined)('gravity=face on the evaluation set', () => {
  const faceCases = () => [
    { image: set.astronaut, size: 'w=200,h=200' },
    { image: set.camera, size: 'w=200,h=200' },
    { image: set.offCentre, size: 'w=300,h=300' },
    // Two faces 700 px apart: a wide box can hold both.
    { image: set.twoFaces, size: 'w=400,h=100' },
  ];

  it('keeps every labelled face in the crop at zoom=0, and closes in on them at zoom=1', async () => {
    for (const { image, size } of faceCases()) {
      const faces = image.faces.map(asBox);
      const wide = await cropWindow(image, `${size},fit=cover,gravity=face`);
      const tight = await cropWindow(image, `${size},fit=cover,gravity=face,zoom=1`);
      const half = await cropWindow(image, `${size},fit=cover,gravity=face,zoom=0.5`);
      for (const face of faces) {
        expect(contains(wide, face), `${image.name} zoom=0: ${JSON.stringify(wide)} holds ${JSON.stringify(face)}`).toBe(true);
        expect(contains(tight, face), `${image.name} zoom=1: ${JSON.stringify(tight)} holds ${JSON.stringify(face)}`).toBe(true);
        expect(contains(half, face), `${image.name} zoom=0.5 holds the face`).toBe(true);
      }
      // Tight: at most four times the labelled faces' box (the detector's box is a little larger
      // than the label, and 20% of room is left on each side), and zoom moves monotonically.
      expect(area(tight), `${image.name} zoom=1 window ${JSON.stringify(tight)}`).toBeLessThanOrEqual(4 * area(around(faces)));
      expect(area(half)).toBeLessThan(area(wide));
      expect(area(tight)).toBeLessThan(area(half));
    }
  });

  it('puts the face, not the brighter distractor, in the crop where saliency picks the distractor', async () => {
    const face = asBox(set.offCentre.faces[0]!);
    const salient = await cropWindow(set.offCentre, 'w=300,h=300,fit=cover,gravity=auto');
    expect(contains(salient, face)).toBe(false);
    expect(contains(await cropWindow(set.offCentre, 'w=300,h=300,fit=cover,gravity=face'), face)).toBe(true);
  });

  it('falls back to the saliency crop when there is no face', async () => {
    for (const image of [set.coffee, set.chelsea]) {
      const face = await cropWindow(image, 'w=150,h=150,fit=cover,gravity=face,zoom=1');
      expect(face).toEqual(await cropWindow(image, 'w=150,h=150,fit=cover,gravity=auto'));
      // ...which is not simply the centre.
      expect(face).not.toEqual(await cropWindow(image, 'w=150,h=150,fit=cover'));
    }
  });

  it('with face detection off, gravity=face is the saliency crop', async () => {
    const off = await cropWindow(set.offCentre, 'w=300,h=300,fit=cover,gravity=face', 'off');
    expect(off).toEqual(await cropWindow(set.offCentre, 'w=300,h=300,fit=cover,gravity=auto'));
  });

  it('finds the labelled faces and nothing on the faceless images (detection rate and mean IoU)', async () => {
    const images = [set.astronaut, set.camera, set.coffee, set.chelsea, set.offCentre, set.twoFaces];
    let labelled = 0;
    let found = 0;
    let falsePositives = 0;
    const overlaps: number[] = [];
    for (const image of images) {
      const detected = (await findFaces({ bytes: image.bytes, format: 'png' }, await inspectSource({ bytes: image.bytes, format: 'png' }), vision.detectFaces!)).map((f) => ({
        left: f.left * image.width,
        top: f.top * image.height,
        width: f.width * image.width,
        height: f.height * image.height,
      }));
      for (const label of image.faces.map(asBox)) {
        labelled++;
        const best = Math.max(0, ...detected.map((d) => iou(d, label)));
        if (best >= 0.5) {
          found++;
          overlaps.push(best);
        }
      }
      falsePositives += detected.filter((d) => image.faces.every((label) => iou(d, asBox(label)) < 0.5)).length;
    }
    const meanIou = overlaps.reduce((a, b) => a + b, 0) / overlaps.length;
    console.log(`[vision] faces: ${found}/${labelled} detected (IoU ≥ 0.5), mean IoU ${meanIou.toFixed(2)}, ${falsePositives} false positives`);
    expect(found).toBe(labelled);
    expect(falsePositives).toBe(0);
    expect(meanIou).toBeGreaterThan(0.5);
  });
});
