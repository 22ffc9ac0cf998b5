import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagesError } from '../../src/errors.js';
import type { ImageFormat } from '../../src/media/image-format.js';
import { renderImage, type RenderContext } from '../../src/render/render.js';
import { SvgSanitizer } from '../../src/render/svg-sanitizer.js';
import { parseOptionString } from '../../src/variants/option-parser.js';
import {
  animatedGif,
  blue,
  displayP3Png,
  frameColors,
  halves,
  meanBrightness,
  near,
  photoJpeg,
  pixelAt,
  red,
  rotatedJpeg,
  transparentPng,
} from './images.js';

const chrome = 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8';
const webpOnly = 'image/webp,*/*';

let photo: Buffer;
let halvesJpeg: Buffer;
let transparent: Buffer;
let gif: Buffer;
let rotated: Buffer;
let p3: Buffer;

beforeAll(async () => {
  [photo, halvesJpeg, transparent, gif, rotated, p3] = await Promise.all([
    photoJpeg(),
    halves(200, 100).jpeg({ quality: 95 }).toBuffer(),
    transparentPng(),
    animatedGif(),
    rotatedJpeg(),
    displayP3Png(),
  ]);
});

function render(bytes: Buffer, format: ImageFormat, options: string, ctx: RenderContext = {}) {
  return renderImage({ bytes, format }, parseOptionString(options), ctx);
}

async function metadataOf(body: Buffer) {
  return sharp(body, { animated: true }).metadata();
}

describe('every fit mode produces the planned size (1080×720 JPEG)', () => {
  it.each([
    ['fit=scale-down,w=500,h=500', 500, 333],
    ['fit=scale-down,w=2000,h=2000', 1080, 720],
    ['fit=contain,w=500,h=500', 500, 333],
    ['fit=contain,w=1200', 1200, 800],
    ['fit=scale-up,w=500,h=500', 1080, 720],
    ['fit=cover,w=500,h=500', 500, 500],
    ['fit=cover,w=1200,h=300', 1200, 300],
    ['fit=crop,w=500,h=500', 500, 500],
    ['fit=crop,w=1296,h=1296', 1080, 720],
    ['fit=aspect-crop,w=1920,h=1120', 1080, 630],
    ['fit=pad,w=400,h=400', 400, 400],
    ['fit=squeeze,w=300,h=300', 300, 300],
    ['w=300,h=200,fit=cover,dpr=2', 600, 400],
    ['w=360,rotate=90', 360, 540],
  ])('%s → %d×%d', async (options, width, height) => {
    const result = await render(photo, 'jpeg', `${options},f=jpeg`);
    const metadata = await metadataOf(result.body);
    expect([metadata.width, metadata.height]).toEqual([width, height]);
    expect([result.width, result.height]).toEqual([width, height]);
    expect(metadata.format).toBe('jpeg');
    expect(result.contentType).toBe('image/jpeg');
  });
});

describe('format negotiation (Accept matrix)', () => {
  it.each([
    [chrome, 'heif', 'image/avif'],
    [webpOnly, 'webp', 'image/webp'],
    [undefined, 'jpeg', 'image/jpeg'],
  ])('Accept %s → %s', async (accept, decoder, contentType) => {
    const result = await render(photo, 'jpeg', 'w=320', { accept });
    expect(result.contentType).toBe(contentType);
    expect(result.varyAccept).toBe(true);
    expect((await metadataOf(result.body)).format).toBe(decoder);
  });

  it('falls back from AVIF to WebP above 1200 px', async () => {
    const result = await render(photo, 'jpeg', 'fit=contain,w=1300', { accept: chrome });
    expect(result.contentType).toBe('image/webp');
  });

  it('keeps PNG as PNG (with its alpha) for browsers without WebP', async () => {
    const result = await render(transparent, 'png', 'w=100');
    const metadata = await metadataOf(result.body);
    expect([metadata.format, metadata.hasAlpha]).toEqual(['png', true]);
  });

  it('writes progressive JPEG by default and baseline when asked', async () => {
    expect((await metadataOf((await render(photo, 'jpeg', 'w=300,f=jpeg')).body)).isProgressive).toBe(true);
    expect((await metadataOf((await render(photo, 'jpeg', 'w=300,f=baseline-jpeg')).body)).isProgressive).toBe(false);
  });

  it('compression=fast picks JPEG whatever the browser accepts', async () => {
    const result = await render(photo, 'jpeg', 'w=300,compression=fast', { accept: chrome });
    expect([result.contentType, result.varyAccept]).toEqual(['image/jpeg', false]);
  });

  it('format=json describes the rendition and the original', async () => {
    const result = await render(photo, 'jpeg', 'w=540,f=json');
    expect(result.contentType).toBe('application/json');
    expect(JSON.parse(result.body.toString())).toEqual({
      width: 540,
      height: 360,
      original: { file_size: photo.length, width: 1080, height: 720, format: 'image/jpeg' },
    });
  });
});

describe('transparency and background', () => {
  it('flattens onto white for JPEG', async () => {
    const result = await render(transparent, 'png', 'f=jpeg');
    expect(near(await pixelAt(result.body, 5, 5), [255, 255, 255])).toBe(true);
    expect(near(await pixelAt(result.body, 100, 50), [0, 200, 0])).toBe(true);
  });

  it('keeps transparency in WebP unless a background is asked for', async () => {
    const kept = await render(transparent, 'png', 'f=webp');
    expect((await pixelAt(kept.body, 5, 5))[3]).toBe(0);
    const painted = await render(transparent, 'png', 'f=webp,background=red');
    expect(near(await pixelAt(painted.body, 5, 5), [255, 0, 0])).toBe(true);
  });

  it('pads with the background color', async () => {
    const result = await render(photo, 'jpeg', 'fit=pad,w=400,h=400,background=%230000ff,f=jpeg');
    expect(near(await pixelAt(result.body, 200, 5), [0, 0, 255])).toBe(true);
    expect(near(await pixelAt(result.body, 200, 395), [0, 0, 255])).toBe(true);
  });

  it('pads white by default, untouched by brightness', async () => {
    const result = await render(photo, 'jpeg', 'fit=pad,w=400,h=400,brightness=0.5,f=jpeg');
    expect(near(await pixelAt(result.body, 200, 5), [255, 255, 255], 8)).toBe(true);
  });
});

describe('animation', () => {
  it('stays animated as WebP with frames and timing', async () => {
    const result = await render(gif, 'gif', 'w=30', { accept: chrome });
    const metadata = await metadataOf(result.body);
    expect(result.contentType).toBe('image/webp');
    expect([metadata.pages, metadata.width, metadata.pageHeight]).toEqual([3, 30, 20]);
    expect(metadata.delay).toEqual([100, 200, 300]);
    expect([result.width, result.height]).toEqual([30, 20]);
  });

  it('stays an animated GIF for browsers without WebP', async () => {
    const metadata = await metadataOf((await render(gif, 'gif', 'w=30')).body);
    expect([metadata.format, metadata.pages]).toEqual(['gif', 3]);
  });

  it('anim=false keeps the first frame only', async () => {
    const result = await render(gif, 'gif', 'anim=false', { accept: chrome });
    const metadata = await metadataOf(result.body);
    expect(metadata.pages ?? 1).toBe(1);
    expect(near(await pixelAt(result.body, 5, 5), frameColors[0]!, 40)).toBe(true);
  });

  it('rotates and flips each frame without reordering them', async () => {
    for (const options of ['rotate=90', 'flip=v', 'rotate=180,flip=h']) {
      const result = await render(gif, 'gif', `${options},f=webp`);
      const frames = await sharp(result.body, { animated: true }).raw().toBuffer({ resolveWithObject: true });
      const { width, pageHeight = 0, channels } = frames.info;
      // Each frame's colored half keeps that frame's color, in the original order.
      for (const [index, color] of frameColors.entries()) {
        const pixels = [0, width - 1].flatMap((x) => [0, pageHeight - 1].map((y) => (index * pageHeight + y) * width + x));
        const seen = pixels.map((pixel) => [...frames.data.subarray(pixel * channels, pixel * channels + 3)]);
        expect(seen.some((rgb) => near(rgb, color, 40)), `${options} frame ${index}`).toBe(true);
      }
      expect(frames.info.pages).toBe(3);
    }
  });
});

describe('orientation, color profiles, metadata', () => {
  it('applies EXIF orientation before anything else', async () => {
    const result = await render(rotated, 'jpeg', 'f=jpeg');
    expect([result.width, result.height]).toEqual([100, 200]);
    // Stored left=red/right=blue, turned 90° clockwise: red at the top, blue at the bottom.
    expect(near(await pixelAt(result.body, 50, 5), red, 40)).toBe(true);
    expect(near(await pixelAt(result.body, 50, 195), blue, 40)).toBe(true);
  });

  it('keeps only the EXIF copyright by default (JPEG)', async () => {
    const metadata = await metadataOf((await render(rotated, 'jpeg', 'w=50,f=jpeg')).body);
    const exif = metadata.exif?.toString('latin1') ?? '';
    expect(exif).toContain('Jane Photographer');
    expect(exif).not.toMatch(/Jane\0/);
    expect([undefined, 1]).toContain(metadata.orientation);
  });

  it('metadata=keep keeps the EXIF block with orientation reset to upright', async () => {
    const metadata = await metadataOf((await render(rotated, 'jpeg', 'w=50,rotate=90,metadata=keep,f=jpeg')).body);
    expect(metadata.exif?.toString('latin1')).toMatch(/Jane\0/);
    expect(metadata.exif?.toString('latin1')).toContain('Jane Photographer');
    expect(metadata.orientation).toBe(1);
  });

  it('metadata=none and non-JPEG outputs carry no EXIF', async () => {
    expect((await metadataOf((await render(rotated, 'jpeg', 'metadata=none,f=jpeg')).body)).exif).toBeUndefined();
    expect((await metadataOf((await render(rotated, 'jpeg', 'metadata=keep,f=webp')).body)).exif).toBeUndefined();
  });

  it('converts a Display P3 source to sRGB and embeds no profile', async () => {
    const result = await render(p3, 'png', 'f=webp');
    const metadata = await metadataOf(result.body);
    expect(metadata.hasProfile).toBe(false);
    expect(near(await pixelAt(result.body, 8, 8), [200, 50, 50], 6)).toBe(true);
  });
});

describe('each adjustment parameter changes the pixels as documented', () => {
  const small = 'w=200,f=webp,q=100';
  it('brightness and gamma lighten or darken', async () => {
    const base = await meanBrightness((await render(photo, 'jpeg', small)).body);
    expect(await meanBrightness((await render(photo, 'jpeg', `${small},brightness=1.5`)).body)).toBeGreaterThan(base + 10);
    expect(await meanBrightness((await render(photo, 'jpeg', `${small},brightness=0.5`)).body)).toBeLessThan(base - 10);
    expect(await meanBrightness((await render(photo, 'jpeg', `${small},gamma=0.5`)).body)).toBeGreaterThan(base + 10);
    expect(await meanBrightness((await render(photo, 'jpeg', `${small},gamma=2`)).body)).toBeLessThan(base - 10);
  });

  it('contrast spreads or narrows the values', async () => {
    const spread = async (options: string) => (await sharp((await render(photo, 'jpeg', options)).body).stats()).channels[0]!.stdev;
    const base = await spread(small);
    expect(await spread(`${small},contrast=2`)).toBeGreaterThan(base * 1.3);
    expect(await spread(`${small},contrast=0.5`)).toBeLessThan(base * 0.7);
  });

  it('saturation=0 is greyscale', async () => {
    const [r, g, b] = await pixelAt((await render(halvesJpeg, 'jpeg', 'saturation=0,f=webp,q=100')).body, 20, 20);
    expect(Math.abs(r! - g!) + Math.abs(g! - b!)).toBeLessThan(6);
  });

  it('blur softens and sharpen crisps the red/blue edge', async () => {
    const edge = async (options: string) => (await sharp((await render(halvesJpeg, 'jpeg', options)).body).stats()).entropy;
    const base = await edge('f=webp,q=100');
    expect(await edge('blur=20,f=webp,q=100')).toBeGreaterThan(base);
    const sharpened = await render(halvesJpeg, 'jpeg', 'sharpen=5,f=webp,q=100');
    expect(sharpened.body.equals((await render(halvesJpeg, 'jpeg', 'f=webp,q=100')).body)).toBe(false);
  });

  it('flip and rotate move the halves', async () => {
    expect(near(await pixelAt((await render(halvesJpeg, 'jpeg', 'flip=h,f=webp,q=100')).body, 5, 50), blue, 40)).toBe(true);
    const turned = await render(halvesJpeg, 'jpeg', 'rotate=270,f=webp,q=100');
    expect([turned.width, turned.height]).toEqual([100, 200]);
    expect(near(await pixelAt(turned.body, 50, 195), red, 40)).toBe(true);
  });

  it('lower quality gives smaller files', async () => {
    const size = async (options: string) => (await render(photo, 'jpeg', options)).body.length;
    expect(await size('w=500,q=30,f=jpeg')).toBeLessThan(await size('w=500,q=90,f=jpeg'));
    expect(await size('w=500,q=low,f=webp')).toBeLessThan(await size('w=500,q=high,f=webp'));
  });

  it('slow-connection-quality applies only on slow connections', async () => {
    const size = async (ctx: RenderContext) => (await render(photo, 'jpeg', 'w=500,q=90,scq=20,f=jpeg', ctx)).body.length;
    expect(await size({ clientHints: { saveData: true } })).toBeLessThan(await size({}));
  });
});

describe('trim, gravity and width=auto on real pixels', () => {
  it('trims sides before resizing', async () => {
    const result = await render(halvesJpeg, 'jpeg', 'trim=0;100;0;0,f=webp,q=100');
    expect([result.width, result.height]).toEqual([100, 100]);
    expect(near(await pixelAt(result.body, 90, 50), red, 40)).toBe(true);
  });

  it('trim=border removes a uniform frame', async () => {
    const framed = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#ffffff' } })
      .composite([{ input: await halves(60, 40).png().toBuffer(), left: 30, top: 20 }])
      .png()
      .toBuffer();
    const result = await render(framed, 'png', 'trim=border');
    expect([result.width, result.height]).toEqual([60, 40]);
    const kept = await render(framed, 'png', 'trim=border,trim.border.keep=5');
    expect([kept.width, kept.height]).toEqual([70, 50]);
  });

  it('gravity picks the side that is kept', async () => {
    const left = await render(halvesJpeg, 'jpeg', 'fit=cover,w=50,h=100,g=left,f=webp,q=100');
    const right = await render(halvesJpeg, 'jpeg', 'fit=cover,w=50,h=100,g=right,f=webp,q=100');
    expect(near(await pixelAt(left.body, 25, 50), red, 40)).toBe(true);
    expect(near(await pixelAt(right.body, 25, 50), blue, 40)).toBe(true);
  });

  it('gravity=auto crops towards the salient part', async () => {
    const busy = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#808080' } })
      .composite([{ input: await halves(60, 60).png().toBuffer(), left: 320, top: 70 }])
      .png()
      .toBuffer();
    const result = await render(busy, 'png', 'fit=cover,w=200,h=200,g=auto,f=webp,q=100');
    // The 60 px red/blue square (x 320..380) must be wholly inside the 200 px wide crop.
    const row = await sharp(result.body).extract({ left: 0, top: 100, width: 200, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    const { channels } = row.info;
    const pixels = Array.from({ length: 200 }, (_, x) => [...row.data.subarray(x * channels, x * channels + 3)]);
    expect(pixels.filter((rgb) => near(rgb, red, 40)).length).toBeGreaterThanOrEqual(28);
    expect(pixels.filter((rgb) => near(rgb, blue, 40)).length).toBeGreaterThanOrEqual(28);
  });

  it('crops, rotates and pads in the declared order', async () => {
    // Source left half red: gravity=left keeps it, whichever way the image is then turned.
    const turned = await render(halvesJpeg, 'jpeg', 'fit=cover,w=100,h=100,g=left,rotate=90,f=webp,q=100');
    expect([turned.width, turned.height]).toEqual([100, 100]);
    expect(near(await pixelAt(turned.body, 10, 10), red, 40)).toBe(true);
    expect(near(await pixelAt(turned.body, 90, 90), red, 40)).toBe(true);
    const padded = await render(halvesJpeg, 'jpeg', 'trim=0;100;0;0,fit=pad,w=120,h=100,rotate=90,contrast=1.5,f=webp,q=100');
    expect([padded.width, padded.height]).toEqual([120, 100]);
    expect(near(await pixelAt(padded.body, 2, 50), [255, 255, 255], 4)).toBe(true);
    expect(near(await pixelAt(padded.body, 60, 50), red, 60)).toBe(true);
  });

  it('width=auto follows the client hints', async () => {
    const result = await render(photo, 'jpeg', 'w=auto,fit=contain,f=jpeg', { clientHints: { viewportWidth: 375, dpr: 2 } });
    expect(result.width).toBe(768);
  });
});

describe('other sources', () => {
  it('decodes HEVC HEIC through heic-decode', async () => {
    const heic = readFileSync(new URL('../fixtures/red-blue-96x64.heic', import.meta.url));
    const result = await render(heic, 'heic', 'w=48');
    expect(result.contentType).toBe('image/jpeg');
    expect([result.width, result.height]).toEqual([48, 32]);
    expect(near(await pixelAt(result.body, 5, 16), red, 40)).toBe(true);
    expect(near(await pixelAt(result.body, 43, 16), blue, 40)).toBe(true);
  });

  it('serves SVG sanitized and unresized, ignoring options', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" onload="alert(1)"><script>alert(2)</script><rect width="40" height="20" fill="red"/></svg>');
    const svgSanitizer = new SvgSanitizer();
    afterAll(() => svgSanitizer.close());
    const result = await render(svg, 'svg', 'w=10,f=webp', { accept: chrome, svgSanitizer });
    expect(result.contentType).toBe('image/svg+xml');
    expect([result.width, result.height, result.varyAccept]).toEqual([40, 20, false]);
    expect(result.body.toString()).not.toMatch(/alert|script|onload/);
  });
});

describe('guards', () => {
  it('refuses a source above 100 megapixels from its header alone', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    const huge = withPngSize(png, 20_000, 10_000);
    await expect(render(huge, 'png', 'w=100')).rejects.toMatchObject({ code: 9413, status: 403 });
  });

  it('reports bytes that are not an image as 9412', async () => {
    await expect(render(Buffer.from('not an image at all'), 'jpeg', 'w=100')).rejects.toMatchObject({ code: 9412 });
  });

  it('reports a truncated image as a decode error', async () => {
    const error = await render(photo.subarray(0, 2000), 'jpeg', 'w=100,f=jpeg').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImagesError);
    expect(error).toMatchObject({ code: 9516, status: 422 });
  });
});

/** A PNG whose IHDR claims another size (with a correct CRC), for header-only guards. */
function withPngSize(png: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(png);
  copy.writeUInt32BE(width, 16);
  copy.writeUInt32BE(height, 20);
  copy.writeUInt32BE(crc32(copy.subarray(12, 29)), 29);
  return copy;
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
