import sharp from 'sharp';
import type { RenderStep } from '../job.js';
import { fromPixels, toPixels } from '../pixels.js';

/**
 * segment=foreground: the foreground mask becomes the alpha channel of the upright source, before
 * any trim, crop or resize, so every later step carries it along. Settled to raw pixels because
 * sharp would otherwise join the channel after its resize.
 */
export const segment: RenderStep = async (image, { foreground }) => {
  if (!foreground) return image;
  const rgb = await toPixels(image.removeAlpha().toColorspace('srgb'));
  const alpha = await sharp(foreground.data, { raw: { width: foreground.width, height: foreground.height, channels: 1 } })
    .resize(rgb.width, rgb.height, { fit: 'fill' })
    // sharp writes one-band raw input back as three bands unless told otherwise.
    .extractChannel(0)
    .raw()
    .toBuffer();
  const joined = fromPixels(rgb).joinChannel(alpha, { raw: { width: rgb.width, height: rgb.height, channels: 1 } });
  return fromPixels(await toPixels(joined));
};
