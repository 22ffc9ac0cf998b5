import { limits } from '../limits.js';
import type { Quality, TransformSpec } from '../variants/transform-spec.js';
import { isSlowConnection, type ClientHints } from './client-hints.js';
import type { RasterFormat } from './formats.js';

/** The quality asked for: slow-connection-quality on slow connections, else quality, else 85. */
export function requestedQuality(spec: TransformSpec, hints: ClientHints = {}): number {
  const chosen: Quality =
    (isSlowConnection(hints) ? spec.slowConnectionQuality : undefined) ?? spec.quality ?? limits.render.defaultQuality;
  return typeof chosen === 'number' ? chosen : limits.render.qualityLevels[chosen];
}

/**
 * The encoder's own quality number. AVIF's scale is stricter than JPEG's: at the same number it is
 * larger than WebP (measured: q85 effort 2 gave 21.6 kB vs WebP's 16.4 kB), so it gets 20 less.
 */
export function encoderQuality(format: RasterFormat, quality: number): number {
  return format === 'avif' ? Math.max(1, quality - 20) : quality;
}
