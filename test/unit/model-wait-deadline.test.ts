/**
 * The transform deadline does not count the wait for a vision model (issue 15): the first request
 * of a process waits for the model to load, and the model's cost is per image, not per pixel of
 * the source. A model that answers after the deadline has passed still gives a rendition; the
 * render's own steps stay bound to the limit.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FOREGROUND_INPUT_PX, type Vision } from '../../src/ai/vision.js';
import { ImagesError } from '../../src/errors.js';
import { Deadline } from '../../src/render/deadline.js';
import { renderImage } from '../../src/render/render.js';
import { parseOptionString } from '../../src/variants/option-parser.js';

const LIMIT_MS = 300;
const MODEL_WAIT_MS = 700;

const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), MODEL_WAIT_MS));

/** A vision whose models answer only after the render's whole time limit has passed. */
const slowVision: Vision = {
  detectFaces: () => later([{ left: 0.6, top: 0.6, width: 0.2, height: 0.2 }]),
  segmentForeground: () => later(new Uint8Array(FOREGROUND_INPUT_PX * FOREGROUND_INPUT_PX).fill(255)),
  segmentationUnavailable: undefined,
  close: async () => undefined,
};

async function render(options: string, vision: Vision, deadline = new Deadline(LIMIT_MS)) {
  const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080' } }).png().toBuffer();
  return renderImage({ bytes, format: 'png', deadline }, parseOptionString(options), { vision, accept: 'image/png' });
}

describe('the transform deadline and the vision models', () => {
  it('renders a face crop whose detector answered after the limit', async () => {
    const result = await render('w=100,h=100,fit=cover,gravity=face,f=png', slowVision);
    expect(result).toMatchObject({ width: 100, height: 100, format: 'png' });
  });

  it('renders a cut-out whose segmenter answered after the limit', async () => {
    const result = await render('w=100,segment=foreground,f=png', slowVision);
    expect(result).toMatchObject({ width: 100, format: 'png' });
  });

  it('still stops a render whose own time passed the limit (control)', async () => {
    // The same render, but the time passes outside the model's answer: 9522.
    const deadline = new Deadline(LIMIT_MS);
    await new Promise((resolve) => setTimeout(resolve, MODEL_WAIT_MS));
    const failure = await render('w=100,h=100,fit=cover,gravity=face,f=png', slowVision, deadline).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImagesError);
    expect((failure as ImagesError).code).toBe(9522);
  });
});
