import { specDefaults } from '../spec.js';
import { sharpColor } from '../color.js';
import { outputFormats } from '../formats.js';
import type { RenderStep } from '../job.js';

/**
 * Paints the background under transparent pixels: always when the output format has no alpha
 * (white unless asked otherwise), and wherever an opaque background was asked for.
 */
export const flatten: RenderStep = (image, { spec, output, source }) => {
  if (!source.hasAlpha) return image;
  const asked = spec.background;
  const needed = !outputFormats[output.format].alpha || (asked !== undefined && asked.a === 255);
  return needed ? image.flatten({ background: sharpColor(asked ?? specDefaults.background) }) : image;
};
