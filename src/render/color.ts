import type { Rgba } from './spec.js';

/** A spec color in the form sharp's color options take (alpha 0..1). */
export function sharpColor({ r, g, b, a }: Rgba): { r: number; g: number; b: number; alpha: number } {
  return { r, g, b, alpha: a / 255 };
}
