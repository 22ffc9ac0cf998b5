/**
 * Upload inspection of an SVG: sanitized once, here, off the main thread and within the
 * complexity limits (limits.render.svg); the sanitized document is what gets stored.
 */
import { errors } from '../errors.js';
import { SvgRefusal } from '../render/svg-sanitize.js';
import { sanitizeSvgOffThread, svgSize } from '../render/svg-sanitizer.js';
import type { InspectedImage } from './inspect.js';

export async function inspectSvg(bytes: Buffer): Promise<InspectedImage> {
  let sanitized;
  try {
    sanitized = await sanitizeSvgOffThread(bytes);
  } catch (error) {
    if (!(error instanceof SvgRefusal)) throw error;
    const problem = error.tooComplex ? 'The SVG is too complex' : 'The SVG could not be read';
    throw Object.assign(errors.badRequest(`${problem}: ${error.message}`), { cause: error });
  }
  const { width, height } = await svgSize(sanitized);
  if (width < 1 || height < 1) throw errors.badRequest('The SVG could not be read: it has no width and height or viewBox');
  const body = sanitized.body;
  return { format: 'svg', contentType: 'image/svg+xml', width, height, frames: 1, bytes: body.length, body };
}
