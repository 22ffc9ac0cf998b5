import { limits } from '../limits.js';
import type { Quality, TransformSpec } from './spec.js';
import { isSlowConnection, type ClientHints } from './client-hints.js';
import type { RasterFormat } from './formats.js';

/** The quality asked for: slow-connection-quality on slow connections, else quality, else 85. */
export function requestedQuality(spec: TransformSpec, hints: ClientHints = {}): number {
  const chosen: Quality =
    (isSlowConnection(hints) ? spec.slowConnectionQuality : undefined) ?? spec.quality ?? limits.render.defaultQuality;
  return typeof chosen === 'number' ? chosen : limits.render.qualityLevels[chosen];
}

/**
 * The encoder's own quality number. Cloudflare publishes no per-format mapping. AVIF's scale is
 * stricter than JPEG's and WebP's (at q85 an AVIF came out larger than the WebP of the same image,
 * bench/avif-effort.ts), so AVIF gets 20 less and the default 85 keeps AVIF's size advantage.
 */
export function encoderQuality(format: RasterFormat, quality: number): number {
  return format === 'avif' ? Math.max(1, quality - 20) : quality;
}
