/**
 * Upload inspection has a decode deadline (the transform timeout) for every format: HEIC on its
 * worker, SVG in the sanitizer's worker, the rest in libvips. Past it the upload is refused with a
 * 400 / 5400 error saying the image took too long to decode; within a generous deadline the same
 * bytes pass, so the refusal is the deadline's and not the image's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ImagesError } from '../../src/errors.js';
import { inspectImage } from '../../src/images/inspect.js';
import { SvgSanitizer } from '../../src/render/svg-sanitizer.js';
import * as images from '../helpers/images.js';

const svgSanitizer = new SvgSanitizer();
afterAll(() => svgSanitizer.close());

const inspect = (bytes: Buffer, decodeTimeoutMs: number) => inspectImage(bytes, undefined, { svgSanitizer, decodeTimeoutMs });

async function refusal(bytes: Buffer, decodeTimeoutMs: number): Promise<ImagesError> {
  const error = await inspect(bytes, decodeTimeoutMs).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ImagesError);
  return error as ImagesError;
}

/** Each takes far longer than 20 ms to decode, on any machine. */
const slow: Array<[string, () => Promise<Buffer> | Buffer]> = [
  ['a 12 MP HEVC HEIC (worker)', images.bigHeic],
  ['a 36 MP PNG (libvips, which cannot shrink a PNG while decoding it)', () => images.solid(6000, 6000)],
  ['an SVG of 10,000 elements (sanitizer worker)', () => images.svg('<rect x="1" y="1" width="2" height="2" fill="#fff"/>'.repeat(10_000))],
];

describe('upload inspection past its decode deadline', () => {
  for (const [what, make] of slow) {
    it(`refuses ${what} with 400 / 5400, and accepts it given time`, async () => {
      const bytes = await make();
      const error = await refusal(bytes, 20);
      expect({ status: error.status, code: error.code, message: error.message }).toEqual({
        status: 400,
        code: 5400,
        message: 'The image took too long to decode: longer than the 20 ms allowed',
      });
      expect((await inspect(bytes, 60_000)).bytes).toBe(bytes.length);
    }, 60_000);
  }
});
