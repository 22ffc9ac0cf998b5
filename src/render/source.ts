/**
 * Reading a stored original: a header-only inspection (size, frames, alpha, EXIF) that guards the
 * limits before any pixel is decoded, and the decoder that starts every pipeline.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { errors, ImagesError } from '../errors.js';
import type { ImageFormat } from '../media/image-format.js';
import { limits } from '../limits.js';
import type { Deadline } from './deadline.js';
import { decodeHeic } from './heic-decoder.js';

export interface RenderInput {
  readonly bytes: Buffer;
  readonly format: ImageFormat;
  /** The transform's time limit: every decoder opened for this input is bound by it. */
  readonly deadline?: Deadline | undefined;
}

export interface SourceInfo {
  readonly format: ImageFormat;
  /** Display size of one frame, after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly hasAlpha: boolean;
  readonly fileSize: number;
  readonly exif?: Buffer | undefined;
  /** Animation timing, carried to the encoder (frames rebuilt from raw pixels lose it). */
  readonly delay?: number[] | undefined;
  readonly loop?: number | undefined;
}

/**
 * Header facts per original. Delivery hands the same Buffer for an original it keeps in memory,
 * so its many renditions read the header once.
 */
const inspected = new WeakMap<Buffer, Promise<SourceInfo>>();

export function inspectSource(input: RenderInput): Promise<SourceInfo> {
  let info = inspected.get(input.bytes);
  if (!info) {
    info = readSourceInfo(input);
    inspected.set(input.bytes, info);
    // A failure is not remembered: the next attempt reads the header again.
    info.catch(() => inspected.delete(input.bytes));
  }
  return info;
}

/** Header-only: refuses sources beyond the pixel limit (frames summed) before decoding. */
async function readSourceInfo(input: RenderInput): Promise<SourceInfo> {
  let metadata: Metadata;
  try {
    metadata = await sharp(input.bytes).metadata();
  } catch (cause) {
    throw withCause(errors.unsupportedSource('the stored file is not an image Pictor can read'), cause);
  }
  const frames = metadata.pages ?? 1;
  // libheif applies HEIF's own rotation while decoding, so HEIC sizes are already upright.
  const { width, height } = input.format === 'heic' ? metadata : metadata.autoOrient;
  if (!(width > 0 && height > 0)) throw errors.imageTooLarge('the image has width or height of size 0');
  // Uploads are refused past the frame limit; this guards originals stored before it existed.
  if (frames > limits.maxAnimationFrames) {
    throw errors.imageTooLarge(`the image has ${frames} frames, more than ${limits.maxAnimationFrames}`);
  }
  if (width * height * frames > limits.maxPixels) {
    throw errors.imageTooLarge(
      `the image is ${width}×${height}${frames > 1 ? ` × ${frames} frames` : ''}, more than ${limits.maxPixels / 1e6} megapixels`,
    );
  }
  return {
    format: input.format,
    width,
    height,
    frames,
    hasAlpha: metadata.hasAlpha,
    fileSize: input.bytes.length,
    exif: metadata.exif,
    delay: metadata.delay,
    loop: metadata.loop,
  };
}

/** The decoder for a render: all frames when the output is animated, else the first. */
export async function openImage(input: RenderInput, source: SourceInfo, animated: boolean): Promise<Sharp> {
  const image =
    input.format === 'heic'
      ? await openHeic(input, source)
      : // inspectSource has checked the frames' sum; this also bounds what libvips itself will allocate.
        sharp(input.bytes, { animated, limitInputPixels: limits.maxPixels });
  return withinDeadline(input, image);
}

/** Lets libvips stop this pipeline at the input's deadline (if it has one). */
export const withinDeadline = ({ deadline }: RenderInput, image: Sharp): Sharp => (deadline ? deadline.bound(image) : image);

/** Waits for a vision model's answer without counting the wait against the input's deadline (see Deadline.excluding). */
export const outsideDeadline = <T>({ deadline }: RenderInput, work: Promise<T>): Promise<T> => (deadline ? deadline.excluding(work) : work);

/**
 * sharp's prebuilt libheif decodes AV1 only, so HEVC-coded HEIC (phone photos) goes through the
 * heic-decode WebAssembly build, on a worker thread, to RGBA, already upright. Its embedded color
 * profile is not carried over: pixels are taken as sRGB.
 */
async function openHeic({ bytes, deadline }: RenderInput, source: SourceInfo): Promise<Sharp> {
  try {
    const { width, height, data } = await decodeHeic(bytes, { maxPixels: limits.maxPixels, timeoutMs: deadline?.remainingMs });
    const image = sharp(data, { raw: { width, height, channels: 4 } });
    return source.hasAlpha ? image : image.removeAlpha();
  } catch (cause) {
    if (deadline?.passed) throw withCause(errors.transformTimeout(deadline.limitMs), cause);
    throw withCause(errors.decodeFailed(), cause);
  }
}

/** Keeps the library error for the log; the public message stays the ImagesError's. */
export function withCause(error: ImagesError, cause: unknown): ImagesError {
  return Object.assign(error, { cause });
}
