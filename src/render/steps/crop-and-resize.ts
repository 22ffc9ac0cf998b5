import type { Box, Size } from '../geometry.js';
import { sameSize } from '../geometry.js';
import type { RenderStep } from '../job.js';

const FILL = { fit: 'fill' } as const;

/**
 * Trim, resize and crop as planned. When shrinking, the whole (trimmed) image is resized and then
 * cropped, so sharp can decode JPEG and WebP at reduced size (shrink-on-load); cropping first would
 * decode every pixel. When enlarging, the crop comes first so the intermediate image stays small.
 */
export const cropAndResize: RenderStep = (image, { plan, source }) => {
  const { trim, resized, crop, region } = plan;
  if (sameSize(trim, resized)) return isWhole(region, source) ? image : image.extract(region);
  if (crop && (resized.width > trim.width || resized.height > trim.height)) {
    return image.extract(region).resize(crop.width, crop.height, FILL);
  }
  const trimmed = isWhole(trim, source) ? image : image.extract(trim);
  const scaled = trimmed.resize(resized.width, resized.height, FILL);
  return crop ? scaled.extract(crop) : scaled;
};

const isWhole = (box: Box, source: Size) => box.left === 0 && box.top === 0 && sameSize(box, source);
