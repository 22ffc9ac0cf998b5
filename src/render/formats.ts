/**
 * The output formats and how one is chosen. The table is the single source of each format's MIME
 * type, file extension and abilities; `negotiateFormat` reads it to pick the format and `encode.ts`
 * keys its encoders by the same names.
 */
import type { ImageFormat } from '../media/image-format.js';
import { limits } from '../limits.js';
import type { FormatOption } from './spec.js';
import type { Size } from './geometry.js';

export interface FormatInfo {
  readonly mime: string;
  readonly extension: string;
  /** Can carry transparency. */
  readonly alpha: boolean;
  /** Pictor can write it animated (sharp writes AVIF as a still image only). */
  readonly animation: boolean;
}

export const outputFormats = {
  avif: { mime: 'image/avif', extension: 'avif', alpha: true, animation: false },
  webp: { mime: 'image/webp', extension: 'webp', alpha: true, animation: true },
  jpeg: { mime: 'image/jpeg', extension: 'jpg', alpha: false, animation: false },
  png: { mime: 'image/png', extension: 'png', alpha: true, animation: false },
  gif: { mime: 'image/gif', extension: 'gif', alpha: true, animation: true },
  svg: { mime: 'image/svg+xml', extension: 'svg', alpha: true, animation: false },
  json: { mime: 'application/json', extension: 'json', alpha: false, animation: false },
} as const satisfies Record<string, FormatInfo>;

export type OutputFormat = keyof typeof outputFormats;
/** Formats produced by encoding pixels. */
export type RasterFormat = Exclude<OutputFormat, 'svg' | 'json'>;

export interface FormatRequest {
  /** spec.format; undefined means auto (the default for hosted images). */
  readonly requested: FormatOption | undefined;
  readonly compression?: 'fast' | undefined;
  /** The request's Accept header. */
  readonly accept?: string | undefined;
  readonly source: {
    readonly format: ImageFormat;
    readonly hasAlpha: boolean;
    /** The rendition should move: the source has several frames and anim is not false. */
    readonly animated: boolean;
  };
  /** Planned output size (AVIF is only produced up to limits.maxAvifSidePx per side). */
  readonly output: Size;
}

export interface FormatChoice {
  readonly format: OutputFormat;
  /** JPEG only: interlaced (progressive) scan. */
  readonly progressive: boolean;
  /** The choice read the Accept header, so the response must carry `Vary: Accept`. */
  readonly varyAccept: boolean;
}

export function negotiateFormat(request: FormatRequest): FormatChoice {
  const { requested, source, output } = request;
  const choose = (format: OutputFormat, varyAccept = false, progressive = isProgressiveSize(output)): FormatChoice => ({
    format,
    progressive: format === 'jpeg' && progressive,
    varyAccept,
  });
  // SVGs are served sanitized and never converted (Cloudflare ignores every option for them).
  if (source.format === 'svg') return choose('svg');
  switch (requested) {
    case 'json':
      return choose('json');
    case 'avif':
      return choose(avifPossible(request) ? 'avif' : 'webp');
    case 'webp':
      return choose('webp');
    case 'jpeg':
      return choose('jpeg');
    case 'baseline-jpeg':
      return choose('jpeg', false, false);
    case 'png':
      return choose('png');
    case undefined:
    case 'auto':
      if (request.compression === 'fast' && !source.animated && !source.hasAlpha) return choose('jpeg');
      if (accepts(request.accept, 'image/avif') && avifPossible(request)) return choose('avif', true);
      if (accepts(request.accept, 'image/webp')) return choose('webp', true);
      return choose(sourceFallback(source), true);
  }
}

/** AVIF is slow to encode: only for stills within the AVIF size limit (else WebP, as Cloudflare). */
function avifPossible({ source, output }: FormatRequest): boolean {
  return !source.animated && Math.max(output.width, output.height) <= limits.maxAvifSidePx;
}

/** Without AVIF/WebP support the source keeps its format; formats browsers lack become JPEG/PNG/GIF. */
function sourceFallback({ format, hasAlpha, animated }: FormatRequest['source']): RasterFormat {
  if (format === 'jpeg' || format === 'png' || format === 'gif') return format;
  if (animated) return 'gif';
  return hasAlpha ? 'png' : 'jpeg';
}

/** Cloudflare writes baseline JPEG below 50×50 and above 3000×3000, progressive in between. */
function isProgressiveSize({ width, height }: Size): boolean {
  const { minSidePx, maxSidePx } = limits.render.progressiveJpeg;
  return Math.min(width, height) >= minSidePx && Math.max(width, height) <= maxSidePx;
}

/** True when the Accept header lists this exact media type with a non-zero q. Wildcards do not count. */
export function accepts(accept: string | undefined, mediaType: string): boolean {
  if (!accept) return false;
  return accept.split(',').some((item) => {
    const [type, ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    if (type !== mediaType) return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
