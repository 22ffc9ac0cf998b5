import type { Rgba } from './spec.js';

/** A spec colour in the form sharp's colour options take (alpha 0..1). */
export function sharpColour({ r, g, b, a }: Rgba): { r: number; g: number; b: number; alpha: number } {
  return { r, g, b, alpha: a / 255 };
}
