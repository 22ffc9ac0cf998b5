import sharp, { type Sharp } from 'sharp';
import type { TransformSpec } from '../spec.js';
import type { RenderStep } from '../job.js';
import { fromPixels, toPixels } from '../pixels.js';

/** flip, then rotate (Cloudflare's order). */
export const flipAndRotate: RenderStep = (image, { spec, animated }) => {
  if (!spec.flip && !spec.rotate) return image;
  // sharp turns an animation as one tall strip, which would reverse the frame order (and it cannot
  // rotate a strip by 90°): only a horizontal flip is safe on the strip itself.
  if (animated && (spec.rotate !== undefined || spec.flip?.includes('v'))) return turnEachFrame(image, spec);
  return turn(image, spec);
};

function turn(image: Sharp, { flip, rotate }: TransformSpec): Sharp {
  if (flip?.includes('h')) image = image.flop();
  if (flip?.includes('v')) image = image.flip();
  return rotate ? image.rotate(rotate) : image;
}

async function turnEachFrame(image: Sharp, spec: TransformSpec): Promise<Sharp> {
  const strip = await toPixels(image);
  const frameBytes = strip.width * strip.frameHeight * strip.channels;
  const frames: Buffer[] = [];
  let size = { width: strip.width, height: strip.frameHeight };
  for (let offset = 0; offset < strip.data.length; offset += frameBytes) {
    const frame = sharp(strip.data.subarray(offset, offset + frameBytes), {
      raw: { width: strip.width, height: strip.frameHeight, channels: strip.channels },
    });
    const { data, info } = await turn(frame, spec).raw().toBuffer({ resolveWithObject: true });
    frames.push(data);
    size = { width: info.width, height: info.height };
  }
  return fromPixels({
    data: Buffer.concat(frames),
    width: size.width,
    height: size.height * frames.length,
    frameHeight: size.height,
    channels: strip.channels,
  });
}
