/**
 * Format negotiation and what delivery does to pixels and metadata: Accept → AVIF / WebP / source
 * format with Vary: Accept, AVIF only up to 1200 px, SVG sanitized and never resized, animations
 * kept, EXIF orientation applied, color profiles converted to sRGB, the metadata policy.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';
import { displayP3Png, near, pixelAt, rotatedJpeg } from '../unit/images.js';

let pictor: TestPictor;
const ids: Record<string, string> = {};

beforeAll(async () => {
  pictor = await startPictor();
  const sources = {
    jpeg: images.jpeg(400, 300),
    png: images.png(400, 300),
    big: images.jpeg(1600, 1200),
    gif: images.animatedGif(64, 48, 3),
    svg: Promise.resolve(images.svg()),
    rotated: rotatedJpeg(),
    p3: displayP3Png(),
  };
  for (const [name, bytes] of Object.entries(sources)) ids[name] = await upload(pictor, await bytes);
  await patchDeliveryConfig(pictor, { flexible_variants: true });
});
afterAll(async () => pictor?.close());

const get = async (source: string, variant: string, accept: string) => {
  const delivered = await deliver(pictor, deliveryPath(pictor, ids[source]!, variant), { headers: { accept } });
  expect(delivered.res.status).toBe(200);
  return delivered;
};

const chrome = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

describe('Accept matrix (public variant)', () => {
  it.each([
    ['jpeg', chrome, 'heif', 'image/avif'],
    ['jpeg', 'image/webp,*/*', 'webp', 'image/webp'],
    ['jpeg', 'image/avif;q=0,image/webp', 'webp', 'image/webp'],
    ['jpeg', 'image/*,*/*', 'jpeg', 'image/jpeg'],
    ['jpeg', '', 'jpeg', 'image/jpeg'],
    ['png', 'text/html,*/*', 'png', 'image/png'],
    ['png', 'image/webp', 'webp', 'image/webp'],
    // AVIF is only produced up to 1200 px per side.
    ['big', chrome, 'webp', 'image/webp'],
  ])('%s source, Accept "%s" → %s', async (source, accept, format, contentType) => {
    const { res, body } = await get(source, 'public', accept);
    expect(res.headers.get('content-type')).toBe(contentType);
    expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
    expect((await decode(body)).format).toBe(format);
  });

  it('AVIF again once the output is within 1200 px', async () => {
    const { res, body } = await get('big', 'w=1200', chrome);
    expect(res.headers.get('content-type')).toBe('image/avif');
    expect(await decode(body)).toMatchObject({ format: 'heif', width: 1200, height: 900 });
  });

  it('one URL, two Accept headers: two renditions, neither served for the other', async () => {
    const first = await get('jpeg', 'w=123', 'image/webp');
    const second = await get('jpeg', 'w=123', 'image/jpeg');
    expect(first.res.headers.get('content-type')).toBe('image/webp');
    expect(second.res.headers.get('content-type')).toBe('image/jpeg');
    expect(second.res.headers.get('etag')).not.toBe(first.res.headers.get('etag'));
  });

  it('an explicit format does not read Accept and sends no Vary: Accept', async () => {
    const { res } = await get('jpeg', 'f=webp,w=100', 'image/avif');
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('vary') ?? '').not.toMatch(/Accept/);
  });
});

describe('SVG', () => {
  it('is served as SVG, never converted or resized', async () => {
    for (const variant of ['public', 'w=10,h=10,fit=cover', 'f=avif']) {
      const { res, body } = await get('svg', variant, chrome);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(await decode(body)).toMatchObject({ format: 'svg', width: 120, height: 80 });
    }
  });
});

describe('animations', () => {
  it.each([
    ['', 'gif'],
    ['image/webp', 'webp'],
    [chrome, 'webp'],
  ])('stay animated (Accept "%s" → %s)', async (accept, format) => {
    expect(await decode((await get('gif', 'public', accept)).body)).toMatchObject({ format, width: 64, height: 48, pages: 3 });
  });

  it('anim=false keeps the first frame only', async () => {
    expect(await decode((await get('gif', 'anim=false', '')).body)).toMatchObject({ format: 'gif', pages: 1 });
  });
});

describe('orientation, color and metadata', () => {
  it('applies EXIF orientation (stored 200×100, orientation 6 → 100×200 upright)', async () => {
    const { body } = await get('rotated', 'public', '');
    const meta = await sharp(body).metadata();
    expect([meta.width, meta.height]).toEqual([100, 200]);
    expect([undefined, 1]).toContain(meta.orientation);
    // Stored left red / right blue; turned clockwise, red ends on top.
    expect(near(await pixelAt(body, 50, 5), [220, 30, 30], 40)).toBe(true);
  });

  it('converts a Display P3 source to sRGB and embeds no profile', async () => {
    const { body } = await get('p3', 'public', 'image/webp');
    expect((await sharp(body).metadata()).hasProfile).toBe(false);
    expect(near(await pixelAt(body, 8, 8), [200, 50, 50], 8)).toBe(true);
  });

  it.each([
    // [variant, expected EXIF: has Copyright, has Artist]
    ['public', false, false], // public's own policy is metadata=none
    ['metadata=copyright', true, false],
    ['w=200', true, false], // the default policy keeps the copyright
    ['metadata=keep', true, true],
    ['metadata=none', false, false],
  ])('JPEG output, %s', async (variant, copyright, artist) => {
    const exif = (await sharp((await get('rotated', variant, '')).body).metadata()).exif?.toString('latin1') ?? '';
    expect(exif.includes('Jane Photographer')).toBe(copyright);
    expect(/Jane\0/.test(exif)).toBe(artist);
  });

  it('WebP output carries no EXIF even with metadata=keep', async () => {
    expect((await sharp((await get('rotated', 'metadata=keep', 'image/webp')).body).metadata()).exif).toBeUndefined();
  });
});
