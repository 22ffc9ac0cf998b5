/**
 * draw(): one image composited onto another, as the binding documents it: placed `top`/`left`/
 * `bottom`/`right` pixels from the target's edges (centred on an axis with neither), faded by
 * `opacity`, tiled with `repeat` (everywhere, or along `x` / `y`), blended by `composite`.
 * The part of the drawn image outside the target is cut off. Result: a lossless PNG the size of
 * the target, for the next step.
 */
import sharp, { type Blend, type OverlayOptions, type Sharp } from 'sharp';
import type { Deadline } from '../render/deadline.js';
import { limits } from '../limits.js';
import type { Composite, DrawOptions } from './binding-plan.js';

const blends: Record<Composite, Blend> = { over: 'over', in: 'in', atop: 'atop', out: 'out', xor: 'xor', lighter: 'add' };

interface Decoded {
  image: () => Sharp;
  width: number;
  height: number;
}

/** Upright (EXIF orientation applied), first frame, bounded by the pixel limit and the deadline. */
async function decode(bytes: Buffer, deadline: Deadline): Promise<Decoded> {
  const image = () => deadline.bound(sharp(bytes, { limitInputPixels: limits.maxPixels }).autoOrient());
  const { width, height } = (await sharp(bytes).metadata()).autoOrient;
  return { image, width, height };
}

/** Where the drawn image's top-left corner goes on one axis. */
function offset(start: number | undefined, end: number | undefined, outer: number, inner: number): number {
  if (start !== undefined) return start;
  if (end !== undefined) return outer - inner - end;
  return Math.floor((outer - inner) / 2);
}

export async function drawImage(targetBytes: Buffer, childBytes: Buffer, options: DrawOptions, deadline: Deadline): Promise<Buffer> {
  const target = await decode(targetBytes, deadline);
  const child = await decode(childBytes, deadline);
  let overlay = child.image().ensureAlpha();
  if (options.opacity < 1) {
    // dest-in with one tiled pixel of alpha `opacity` multiplies every pixel's alpha by it.
    const alpha = Buffer.from([0, 0, 0, Math.round(options.opacity * 255)]);
    overlay = sharp(await overlay.png({ compressionLevel: 0 }).toBuffer()).composite([{ input: alpha, raw: { width: 1, height: 1, channels: 4 }, tile: true, blend: 'dest-in' }]);
  }
  const x = offset(options.left, options.right, target.width, child.width);
  const y = offset(options.top, options.bottom, target.height, child.height);
  const layer = await placed(await overlay.png({ compressionLevel: 0 }).toBuffer(), child, target, options.repeat, x, y);
  const result = target.image().ensureAlpha();
  if (layer) result.composite([{ ...layer, blend: blends[options.composite] }]);
  return result.png({ compressionLevel: 1 }).toBuffer();
}

/**
 * The overlay as libvips can composite it: never larger than the target, at a non-negative
 * position. A tiled overlay is first laid out on a transparent strip or sheet the target's size.
 */
async function placed(overlay: Buffer, child: Decoded, target: Decoded, repeat: DrawOptions['repeat'], x: number, y: number): Promise<OverlayOptions | undefined> {
  if (repeat === false) return clipped(overlay, child, target, x, y);
  // One tile cut to what the sheet can show, repeated from the sheet's corner.
  const tile = await sharp(overlay).extract({ left: 0, top: 0, width: Math.min(child.width, target.width), height: Math.min(child.height, target.height) }).png({ compressionLevel: 0 }).toBuffer();
  const width = repeat === 'y' ? Math.min(child.width, target.width) : target.width;
  const height = repeat === 'x' ? Math.min(child.height, target.height) : target.height;
  const sheet = await sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: tile, tile: true, gravity: 'northwest' }])
    .png({ compressionLevel: 0 })
    .toBuffer();
  if (repeat === true) return { input: sheet, left: 0, top: 0 };
  const strip = { image: () => sharp(sheet), width, height };
  return repeat === 'x' ? clipped(sheet, strip, target, 0, y) : clipped(sheet, strip, target, x, 0);
}

async function clipped(overlay: Buffer, size: Pick<Decoded, 'width' | 'height'>, target: Decoded, x: number, y: number): Promise<OverlayOptions | undefined> {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  const width = Math.min(target.width, x + size.width) - left;
  const height = Math.min(target.height, y + size.height) - top;
  if (width <= 0 || height <= 0) return undefined;
  if (width === size.width && height === size.height) return { input: overlay, left, top };
  const visible = await sharp(overlay).extract({ left: left - x, top: top - y, width, height }).png({ compressionLevel: 0 }).toBuffer();
  return { input: visible, left, top };
}
