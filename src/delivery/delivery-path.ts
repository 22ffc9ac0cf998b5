/**
 * Splits a delivery path: `/<hash>/<image id…>/<variant or options>`, optionally under
 * `/cdn-cgi/imagedelivery`. Image IDs may contain `/`; each segment is percent-decoded once, so a
 * `%` in a custom ID arrives as `%25` and a `/` inside a segment (`%2F`) stays part of the ID.
 */
import { errors } from '../errors.js';

export interface DeliveryPath {
  hash: string;
  imageId: string;
  /** The last segment, decoded: a variant name or an option string. */
  variant: string;
  /** The path as requested (still percent-encoded): what a signature covers. */
  requestPath: string;
  /** The same image at `/<hash>/…`, for signatures made for the canonical host. */
  canonicalPath: string;
}

export const CUSTOM_DOMAIN_PREFIX = '/cdn-cgi/imagedelivery';

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errors.deliveryUrlInvalid('malformed percent-encoding');
  }
}

export function parseDeliveryPath(rawPath: string): DeliveryPath {
  const requestPath = rawPath;
  const canonicalPath = rawPath.startsWith(`${CUSTOM_DOMAIN_PREFIX}/`) ? rawPath.slice(CUSTOM_DOMAIN_PREFIX.length) : rawPath;
  const segments = canonicalPath.split('/').slice(1);
  if (segments.length < 3 || segments.some((s) => s === '')) {
    throw errors.deliveryUrlInvalid('expected /<account hash>/<image id>/<variant name or options>');
  }
  const [hash, ...rest] = segments;
  const variant = decodeSegment(rest.pop()!);
  const imageId = rest.map(decodeSegment).join('/');
  return { hash: hash!, imageId, variant, requestPath, canonicalPath };
}
