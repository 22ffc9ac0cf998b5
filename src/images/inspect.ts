/**
 * Decides whether uploaded bytes are an image Pictor accepts, before anything is stored.
 * Guards run cheapest first: magic bytes, declared type, header dimensions and frame count (pixel
 * and frame bombs are refused without decoding), then a full decode at reduced size that catches
 * truncated and corrupt files. The whole inspection of any format has a deadline (the transform
 * timeout): past it the upload is refused with 400 rather than holding a decode slot unbounded.
 */
import sharp from 'sharp';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import { Deadline } from '../render/deadline.js';
import { decodeHeic } from '../render/heic-decoder.js';
import type { SvgSanitizer } from '../render/svg-sanitizer.js';
import { inspectSvg } from './inspect-svg.js';
import { type ImageFormat, mimeOf } from '../media/image-format.js';
import { declaredTypeMatches, sniffFormat } from './sniff.js';

export interface InspectedImage {
  format: ImageFormat;
  contentType: string;
  width: number;
  /** Height of one frame. */
  height: number;
  frames: number;
  bytes: number;
}

export interface InspectOptions {
  /** Judges SVG uploads (shared with delivery; owned by the composition root). */
  readonly svgSanitizer: SvgSanitizer;
  /** The decode deadline, ms: the transform timeout (PICTOR_TRANSFORM_TIMEOUT_MS). */
  readonly decodeTimeoutMs: number;
}

const supportedList = 'JPEG, PNG, GIF, WebP, SVG, AVIF or HEIC';

export async function inspectImage(bytes: Buffer, declaredType: string | undefined, { svgSanitizer, decodeTimeoutMs }: InspectOptions): Promise<InspectedImage> {
  const deadline = new Deadline(decodeTimeoutMs);
  const format = sniffFormat(bytes);
  if (!format) throw errors.unsupportedImage(`The uploaded file is not a supported image: expected ${supportedList}`);
  if (!declaredTypeMatches(declaredType, format)) {
    throw errors.unsupportedImage(`The upload declares content-type ${declaredType} but the file is ${mimeOf[format]}`);
  }
  if (format === 'svg') return inspectSvg(bytes, svgSanitizer, deadline);

  const meta = await sharp(bytes, { animated: true, limitInputPixels: false }).metadata().catch(() => {
    throw corrupt(format);
  });
  const width = meta.width ?? 0;
  const frames = meta.pages ?? 1;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw corrupt(format);

  checkDimensions(width, height, frames);
  try {
    await (format === 'heic' && meta.compression === 'hevc' ? decodeHevc(bytes, deadline) : decodeWithSharp(bytes, format, deadline));
  } catch (error) {
    throw deadline.passed ? Object.assign(errors.decodeTimeout(deadline.limitMs), { cause: error }) : error;
  }
  // A decode that finished late is refused all the same: the limit is the same for every format
  // (libvips stops only at whole seconds past it, the HEIC worker at the limit itself).
  if (deadline.passed) throw errors.decodeTimeout(deadline.limitMs);
  return { format, contentType: mimeOf[format], width, height, frames, bytes: bytes.length };
}

function checkDimensions(width: number, height: number, frames: number): void {
  if (frames > limits.maxAnimationFrames) {
    throw errors.badRequest(`Image has ${frames} frames; the maximum is ${limits.maxAnimationFrames} frames per animation`);
  }
  if (width > limits.maxSidePx || height > limits.maxSidePx) {
    throw errors.badRequest(`Image is ${width}x${height} px; the maximum is ${limits.maxSidePx} px per side`);
  }
  const pixels = width * height * frames;
  if (pixels > limits.maxPixels) {
    const what = frames > 1 ? `${frames} frames of ${width}x${height} px total` : `${width}x${height} px is`;
    throw errors.badRequest(`Image too large: ${what} ${(pixels / 1e6).toFixed(1)} megapixels; the maximum is ${limits.maxPixels / 1e6} megapixels`);
  }
}

const corrupt = (format: ImageFormat) =>
  errors.badRequest(`The ${format.toUpperCase()} image could not be decoded: the file is truncated or corrupt`);

/** Longest side of each frame the validating decode produces: small enough to bound its memory. */
const PROBE_SIDE_PX = 32;

/**
 * Decodes every pixel (at reduced size where the codec allows), failing on truncation or errors.
 * Frames are only ever shrunk, so what the decode allocates is bounded by the input, checked
 * against limits.maxPixels, and its output by frames × PROBE_SIDE_PX² × 4 bytes (20 MB at most).
 */
async function decodeWithSharp(bytes: Buffer, format: ImageFormat, deadline: Deadline): Promise<void> {
  try {
    await deadline
      .limit(sharp(bytes, { animated: true, failOn: 'error', limitInputPixels: limits.maxPixels, sequentialRead: true }))
      .resize({ width: PROBE_SIDE_PX, height: PROBE_SIDE_PX, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer();
  } catch {
    throw corrupt(format);
  }
  // libnsgif tolerates a missing trailer (browsers show partial GIFs); a complete GIF ends with 0x3B.
  if (format === 'gif' && bytes[bytes.length - 1] !== 0x3b) throw corrupt(format);
}

/**
 * sharp's prebuilt libheif has no HEVC decoder; heic-decode (libheif compiled to wasm) does, on a
 * worker thread. checkDimensions has bounded the pixels; the decoder checks the size it finds again.
 */
async function decodeHevc(bytes: Buffer, deadline: Deadline): Promise<void> {
  try {
    await decodeHeic(bytes, { maxPixels: limits.maxPixels, timeoutMs: deadline.remainingMs });
  } catch {
    throw corrupt('heic');
  }
}
