/**
 * Settling a pipeline into raw pixels and starting a new one from them. sharp applies its
 * operations in a fixed internal order rather than call order; raw pixels are the barrier that
 * makes later steps see the result of earlier ones. Animations stay one strip of equal frames.
 */
import sharp, { type Sharp } from 'sharp';

export interface Pixels {
  readonly data: Buffer;
  readonly width: number;
  /** Height of the whole strip; equal to frameHeight for a still image. */
  readonly height: number;
  readonly frameHeight: number;
  readonly channels: 1 | 2 | 3 | 4;
}

export async function toPixels(image: Sharp): Promise<Pixels> {
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, frameHeight: info.pageHeight ?? info.height, channels: info.channels };
}

export function fromPixels({ data, width, height, frameHeight, channels }: Pixels): Sharp {
  const frames = height / frameHeight;
  return sharp(data, { raw: { width, height, channels, ...(frames > 1 ? { pageHeight: frameHeight } : {}) } });
}
