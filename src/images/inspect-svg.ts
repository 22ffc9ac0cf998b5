/**
 * Upload inspection of an SVG: sanitized off the main thread and within the complexity limits
 * (limits.render.svg), so what cannot be sanitized is refused now rather than at every delivery.
 * The upload itself is what gets stored (GET …/blob and exports give back the very bytes, as
 * Cloudflare does); delivery serves the sanitized document, made once per image version.
 */
import { errors } from '../errors.js';
import type { Deadline } from '../render/deadline.js';
import { SvgRefusal } from '../render/svg-sanitize.js';
import { svgSize, type SvgSanitizer } from '../render/svg-sanitizer.js';
import type { InspectedImage } from './inspect.js';

export async function inspectSvg(bytes: Buffer, sanitizer: SvgSanitizer, deadline: Deadline): Promise<InspectedImage> {
  let sanitized;
  try {
    sanitized = await sanitizer.sanitize(bytes, deadline.remainingMs);
  } catch (error) {
    if (!(error instanceof SvgRefusal)) throw error;
    if (deadline.passed) throw Object.assign(errors.decodeTimeout(deadline.limitMs), { cause: error });
    const problem = error.tooComplex ? 'The SVG is too complex' : 'The SVG could not be read';
    throw Object.assign(errors.badRequest(`${problem}: ${error.message}`), { cause: error });
  }
  const { width, height } = await svgSize(sanitized);
  if (width < 1 || height < 1) throw errors.badRequest('The SVG could not be read: it has no width and height or viewBox');
  return { format: 'svg', contentType: 'image/svg+xml', width, height, frames: 1, bytes: bytes.length };
}
