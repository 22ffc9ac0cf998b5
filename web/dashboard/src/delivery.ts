/**
 * Delivery URLs as the page uses them. The API's `variants` URLs name the public delivery host
 * (PICTOR_DELIVERY_URL, perhaps a CDN); the page shows images from its own origin instead (same
 * server, and the only image origin its CSP allows), keeping the server's path encoding.
 */
import type { Image, Variant } from './api';

export interface VariantUrl {
  name: string;
  /** As the API gave it: what a user copies. */
  url: string;
  /** The same path on the page's origin: what the page loads. */
  local: string;
  /** The account hash, the segment before the image ID. */
  accountHash: string;
}

/** `<base>/<hash>/<id segments…>/<variant>` → its parts; the ID may hold `/`. */
export function parseVariantUrl(image: Image, url: string): VariantUrl | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const segments = u.pathname.split('/');
  const hashAt = segments.length - 2 - image.id.split('/').length;
  const accountHash = segments[hashAt];
  const name = segments[segments.length - 1];
  if (hashAt < 1 || !accountHash || !name) return undefined;
  return { name, url, accountHash, local: `${location.origin}/${segments.slice(hashAt).join('/')}` };
}

export const variantUrls = (image: Image): VariantUrl[] =>
  image.variants.map((url) => parseVariantUrl(image, url)).filter((v): v is VariantUrl => v !== undefined);

/** `/<hash>/<id>/<variant or options>` on the page's origin. */
export function localDeliveryUrl(accountHash: string, imageId: string, variantOrOptions: string): string {
  const id = imageId.split('/').map(encodeURIComponent).join('/');
  return `${location.origin}/${accountHash}/${id}/${variantOrOptions}`;
}

/**
 * The variant thumbnails use: the smallest named variant still at least 160 px on its longer side,
 * else the smallest, else `public`. Flexible options would be lighter but are refused on private
 * images, and the page never changes an account's variants on its own.
 */
export function thumbnailVariant(variants: Record<string, Variant>): string {
  const sized = Object.values(variants).map((v) => ({ id: v.id, side: Math.max(v.options.width || 0, v.options.height || 0) || Infinity }));
  sized.sort((a, b) => a.side - b.side);
  return (sized.find((v) => v.side >= 160) ?? sized[0])?.id ?? 'public';
}
