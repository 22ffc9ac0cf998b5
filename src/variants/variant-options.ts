/**
 * Options of a named variant. Cloudflare's schema requires fit, metadata, width and height; its docs
 * also show width-only variants and `browser_ttl`, so missing fit/metadata take their defaults.
 */
import type { VariantOptions } from './model.js';
import { errors, ImagesError } from '../errors.js';
import { limits } from '../limits.js';
import { specFromNamedVariant } from './option-parser.js';

const fits = ['scale-down', 'contain', 'cover', 'crop', 'pad'] as const;
const metadataPolicies = ['keep', 'copyright', 'none'] as const;

function dimension(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limits.maxSidePx) {
    throw errors.badRequest(`options.${name} must be an integer from 1 to ${limits.maxSidePx}`, { pointer: `/options/${name}` });
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw errors.badRequest(`options.${name} must be one of ${allowed.join(', ')}`, { pointer: `/options/${name}` });
  }
  return value as T;
}

export function validateVariantOptions(input: unknown): VariantOptions {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw errors.badRequest('options must be an object with fit, width, height and metadata', { pointer: '/options' });
  }
  const o = input as Record<string, unknown>;
  const width = dimension('width', o.width);
  const height = dimension('height', o.height);
  if (width === undefined && height === undefined) throw errors.badRequest('options needs a width or a height', { pointer: '/options' });
  const options: VariantOptions = {
    fit: oneOf('fit', o.fit, fits, 'scale-down'),
    ...(width === undefined ? {} : { width }),
    ...(height === undefined ? {} : { height }),
    metadata: oneOf('metadata', o.metadata, metadataPolicies, 'none'),
  };
  if (o.browser_ttl !== undefined) {
    const ttl = o.browser_ttl;
    const { min, max } = limits.browserTtlSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < min || ttl > max) {
      throw errors.badRequest(`options.browser_ttl must be an integer from ${min} to ${max} seconds`, { pointer: '/options/browser_ttl' });
    }
    options.browser_ttl = ttl;
  }
  // Any other flexible-variant option (blur, quality, format, …) may be part of a named variant.
  for (const [key, value] of Object.entries(o)) {
    if (!(key in options) && !['fit', 'width', 'height', 'metadata', 'browser_ttl'].includes(key)) options[key] = value;
  }
  try {
    specFromNamedVariant(options);
  } catch (err) {
    if (err instanceof ImagesError) throw errors.badRequest(`Invalid variant options: ${err.message}`, { pointer: '/options' });
    throw err;
  }
  return options;
}
