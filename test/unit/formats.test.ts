import { describe, expect, it } from 'vitest';
import { accepts, negotiateFormat, type FormatRequest } from '../../src/render/formats.js';
import type { ImageFormat } from '../../src/media/image-format.js';

const chrome = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const webpOnly = 'image/webp,*/*';
const legacy = 'image/png,image/*;q=0.8,*/*;q=0.5';

function request(overrides: Partial<FormatRequest> & { format?: ImageFormat; hasAlpha?: boolean; animated?: boolean }): FormatRequest {
  const { format = 'jpeg', hasAlpha = false, animated = false, ...rest } = overrides;
  return { requested: undefined, accept: chrome, source: { format, hasAlpha, animated }, output: { width: 800, height: 600 }, ...rest };
}

describe('format=auto: the Accept matrix', () => {
  it.each([
    ['jpeg', chrome, 'avif'],
    ['jpeg', webpOnly, 'webp'],
    ['jpeg', legacy, 'jpeg'],
    ['jpeg', undefined, 'jpeg'],
    ['png', legacy, 'png'],
    ['gif', legacy, 'gif'],
    ['webp', legacy, 'jpeg'],
    ['heic', legacy, 'jpeg'],
    ['avif', legacy, 'jpeg'],
  ] as const)('%s source with Accept %s → %s', (format, accept, expected) => {
    const choice = negotiateFormat(request({ format, accept }));
    expect(choice.format).toBe(expected);
    expect(choice.varyAccept).toBe(true);
  });

  it('keeps transparency when falling back from formats browsers lack', () => {
    expect(negotiateFormat(request({ format: 'webp', hasAlpha: true, accept: legacy })).format).toBe('png');
    expect(negotiateFormat(request({ format: 'heic', hasAlpha: true, accept: legacy })).format).toBe('png');
  });

  it('skips AVIF for animations and for outputs above 1200 px', () => {
    expect(negotiateFormat(request({ format: 'gif', animated: true })).format).toBe('webp');
    expect(negotiateFormat(request({ format: 'gif', animated: true, accept: legacy })).format).toBe('gif');
    expect(negotiateFormat(request({ output: { width: 1201, height: 100 } })).format).toBe('webp');
    expect(negotiateFormat(request({ output: { width: 1200, height: 1200 } })).format).toBe('avif');
  });

  it('compression=fast picks JPEG for opaque stills without reading Accept', () => {
    expect(negotiateFormat(request({ compression: 'fast' }))).toEqual({ format: 'jpeg', progressive: true, varyAccept: false });
    expect(negotiateFormat(request({ compression: 'fast', hasAlpha: true })).format).toBe('avif');
  });

  it('serves SVG as SVG whatever is asked', () => {
    expect(negotiateFormat(request({ format: 'svg', requested: 'webp' }))).toEqual({
      format: 'svg',
      progressive: false,
      varyAccept: false,
    });
  });
});

describe('explicit formats do not depend on Accept', () => {
  it.each([
    ['avif', 'avif'],
    ['webp', 'webp'],
    ['jpeg', 'jpeg'],
    ['baseline-jpeg', 'jpeg'],
    ['json', 'json'],
  ] as const)('format=%s → %s', (requested, expected) => {
    const choice = negotiateFormat(request({ requested, accept: legacy }));
    expect(choice.format).toBe(expected);
    expect(choice.varyAccept).toBe(false);
  });

  it('format=avif falls back to WebP when AVIF is not possible', () => {
    expect(negotiateFormat(request({ requested: 'avif', output: { width: 2000, height: 100 } })).format).toBe('webp');
    expect(negotiateFormat(request({ requested: 'avif', animated: true })).format).toBe('webp');
  });

  it('JPEG is progressive between 50 and 3000 px, baseline outside or when asked', () => {
    expect(negotiateFormat(request({ requested: 'jpeg' })).progressive).toBe(true);
    expect(negotiateFormat(request({ requested: 'jpeg', output: { width: 49, height: 49 } })).progressive).toBe(false);
    expect(negotiateFormat(request({ requested: 'jpeg', output: { width: 3001, height: 100 } })).progressive).toBe(false);
    expect(negotiateFormat(request({ requested: 'baseline-jpeg' })).progressive).toBe(false);
  });
});

describe('accepts', () => {
  it.each([
    ['image/avif', 'image/avif', true],
    ['IMAGE/AVIF', 'image/avif', true],
    ['image/avif;q=0', 'image/avif', false],
    ['image/avif; q=0.5', 'image/avif', true],
    ['image/*', 'image/avif', false],
    ['*/*', 'image/webp', false],
    ['image/avifx', 'image/avif', false],
    ['', 'image/webp', false],
  ])('%s accepts %s: %s', (header, type, expected) => {
    expect(accepts(header, type)).toBe(expected);
  });
});
