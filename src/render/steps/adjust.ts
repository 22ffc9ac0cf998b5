import type { TransformSpec } from '../spec.js';
import type { RenderStep } from '../job.js';

export const hasAdjustments = (spec: TransformSpec) =>
  [spec.brightness, spec.saturation, spec.contrast, spec.gamma, spec.blur, spec.sharpen].some((value) => value !== undefined);

/** brightness, saturation, contrast, gamma, blur, sharpen, on the resized image. */
export const adjust: RenderStep = (image, { spec }) => {
  const { brightness, saturation, contrast, gamma, blur, sharpen } = spec;
  if (brightness !== undefined || saturation !== undefined) {
    image = image.modulate({ ...(brightness !== undefined && { brightness }), ...(saturation !== undefined && { saturation }) });
  }
  // Contrast pivots on mid-grey so 0.5 flattens towards grey instead of darkening.
  if (contrast !== undefined) image = image.linear(contrast, 128 * (1 - contrast));
  // sharp's gamma(a, b) raises values to a/b, each within 1..3: the exponent is split between them.
  if (gamma !== undefined) image = gamma >= 1 ? image.gamma(gamma, 1) : image.gamma(1, Math.min(3, 1 / gamma));
  // A blur radius r is about two standard deviations of the Gaussian.
  if (blur !== undefined) image = image.blur(Math.max(0.3, blur / 2));
  // Strength scales sharp's default mask (m1 = 1, m2 = 2), so sharpen=1 is sharp's standard sharpening.
  if (sharpen !== undefined) image = image.sharpen({ sigma: 1, m1: sharpen, m2: 2 * sharpen });
  return image;
};
