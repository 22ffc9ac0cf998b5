/**
 * TransformSpec: the one typed description of a transformation. Flexible-variant strings
 * (`w=400,fit=cover`) and named variants both end up as this frozen value; the renderer and the
 * rendition cache key read only this. The render engine owns this contract; src/variants parses
 * options into it (and never the other way round).
 *
 * A field that is absent means "Cloudflare's default"; the parser never stores a value equal to the
 * default, so two requests that mean the same thing have the same spec (and the same cache key).
 * Exceptions are noted on the field: an explicit value that changes behavior is kept.
 */

export const fits = ['scale-down', 'contain', 'cover', 'crop', 'aspect-crop', 'pad', 'squeeze', 'scale-up'] as const;
export type Fit = (typeof fits)[number];

export const sides = ['left', 'right', 'top', 'bottom'] as const;
export type Side = (typeof sides)[number];

/** Relative position in the source image: 0 = left/top edge, 1 = right/bottom edge. */
export interface FocalPoint {
  readonly x: number;
  readonly y: number;
}

/** `auto` = saliency; `face` = every detected face in the crop, else saliency. */
export type Gravity = 'auto' | 'face' | Side | FocalPoint;

export const qualityLevelNames = ['high', 'medium-high', 'medium-low', 'low'] as const;
export type QualityLevel = (typeof qualityLevelNames)[number];
/** 1..100, or a perceptual level resolved per output format at render time. */
export type Quality = number | QualityLevel;

export const formatOptions = ['auto', 'avif', 'webp', 'jpeg', 'baseline-jpeg', 'png', 'json'] as const;
export type FormatOption = (typeof formatOptions)[number];

export const metadataModes = ['keep', 'copyright', 'none'] as const;
export type MetadataMode = (typeof metadataModes)[number];

export const flips = ['h', 'v', 'hv'] as const;
export type Flip = (typeof flips)[number];

export const rotations = [90, 180, 270] as const;
export type Rotation = (typeof rotations)[number];

/** sRGB color with 8-bit channels; `a` is alpha as a byte (255 = opaque) so it round-trips exactly. */
export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

/**
 * A trim length: an integer number of pixels (multiplied by dpr), or a fraction of the image side
 * when strictly between 0 and 1.
 */
export type TrimLength = number;

/** `trim=top;right;bottom;left` and/or `trim.top`, `trim.left`, `trim.width`, `trim.height`. */
export interface TrimSides {
  readonly kind: 'sides';
  readonly top: TrimLength;
  readonly right: TrimLength;
  readonly bottom: TrimLength;
  readonly left: TrimLength;
  /** Kept width measured from the left edge after `left`; replaces `right`. */
  readonly width?: TrimLength;
  /** Kept height measured from the top edge after `top`; replaces `bottom`. */
  readonly height?: TrimLength;
}

/** `trim=border` with optional `trim.border.color`, `.tolerance`, `.keep`. */
export interface TrimBorder {
  readonly kind: 'border';
  /** Border color; detected from the top-left pixel when absent. */
  readonly color?: Rgba;
  /** Largest color difference still counted as border, 0..255. */
  readonly tolerance?: number;
  /** Pixels of the detected border to leave in place. */
  readonly keep?: number;
}

export type Trim = TrimSides | TrimBorder;

export interface TransformSpec {
  /** Output width in px, or `auto` (client hints). Default: the source width. */
  readonly width?: number | 'auto';
  readonly height?: number;
  /** Default `scale-down`. */
  readonly fit?: Fit;
  /** Default: the centre. */
  readonly gravity?: Gravity;
  /** 0..1, only meaningful with gravity=face. Default 0. */
  readonly zoom?: number;
  /** Multiplies width, height and trim pixels. Default 1, at most 2. */
  readonly dpr?: number;
  /** Default 85. An explicit value is kept even when 85: it enables palette PNG output. */
  readonly quality?: Quality;
  /** Replaces `quality` when the client hints report a slow connection. */
  readonly slowConnectionQuality?: Quality;
  /** Default `auto`. */
  readonly format?: FormatOption;
  readonly compression?: 'fast';
  /** Only `false` is stored; the default keeps animations. */
  readonly anim?: false;
  /** Default `copyright`. */
  readonly metadata?: MetadataMode;
  /**
   * Fill for transparent pixels and padding. Kept even when white: an explicit background is
   * painted under transparent pixels, the default only where the output format needs it.
   */
  readonly background?: Rgba;
  /** Blur radius 0..250; 0 (default) is not stored. */
  readonly blur?: number;
  /** Sharpen strength 0..10; 0 (default) is not stored. */
  readonly sharpen?: number;
  /** Multipliers; 1 (default) and 0 ("ignored", as Cloudflare documents) are not stored. */
  readonly brightness?: number;
  readonly contrast?: number;
  /** Exponent: below 1 lightens mid-tones, above 1 darkens. 1 and 0 are not stored. */
  readonly gamma?: number;
  /** Multiplier; 0 = greyscale, 1 (default) is not stored. */
  readonly saturation?: number;
  readonly rotate?: Rotation;
  /** Applied before `rotate`. */
  readonly flip?: Flip;
  readonly trim?: Trim;
  /** `foreground`: the background made transparent (before trim, crop and resize). */
  readonly segment?: 'foreground';
}

/** What an absent field means, in one place (docs/transform-options.md quotes these). */
export const specDefaults = {
  fit: 'scale-down',
  dpr: 1,
  quality: 85,
  format: 'auto',
  anim: true,
  metadata: 'copyright',
  background: { r: 255, g: 255, b: 255, a: 255 },
  gravity: { x: 0.5, y: 0.5 },
} as const satisfies Partial<Record<keyof TransformSpec, unknown>>;

export type SpecDraft = { -readonly [K in keyof TransformSpec]: TransformSpec[K] };

/** Freezes a finished draft (and its nested values) into a TransformSpec; unset fields are dropped. */
export function freezeSpec(draft: SpecDraft): TransformSpec {
  const spec = Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== undefined));
  deepFreeze(spec);
  return spec as TransformSpec;
}

function deepFreeze(value: object): void {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  }
  Object.freeze(value);
}
