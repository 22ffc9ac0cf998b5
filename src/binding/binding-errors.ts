/**
 * The Images binding's refusals. Workers' binding (workerd's images-api module) turns an answer
 * carrying `cf-images-binding: err=<code>` into an ImagesError with that code, so these keep
 * Cloudflare's 9xxx codes: options through the shared table (9401), non-images (9412).
 */
import { errors, ImagesError } from '../errors.js';

export const bindingErrors = {
  invalid: (detail: string) => errors.invalidOption(detail),
  unsupported: (detail: string) => errors.unsupportedOption(detail),
  missingImage: () => errors.invalidOption('the form has no "image" file part to transform'),
  notAnImage: (part: string) => new ImagesError(9412, 415, `Could not transform the image: the ${part} part is not an image Pictor can read`),
  svgNotTransformable: () => new ImagesError(9412, 415, 'Could not transform the image: SVG images can be inspected with /info but not transformed'),
} as const;
