/**
 * The Images binding's backend over real HTTP: `@cloudflare/images` (npm) pointed at Pictor, and
 * the multipart form workerd's images-api module sends for `.draw()` and `info()` (its field
 * names: `image`, `draw_image`, `transforms` with imageIndex / drawImageIndex entries,
 * `output_format`). test/api/images-binding-workerd.embedded.test.ts runs the real workerd binding.
 */
import { Image } from '@cloudflare/images';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: Buffer;

beforeAll(async () => {
  photo = await images.jpeg(400, 300);
  pictor = await startPictor();
});

afterAll(async () => {
  await pictor?.close();
});

/** What `@cloudflare/images` takes as its binding: anything with fetch(path, init). */
const binding = (token = pictor.token) => ({
  fetch: (path: string, init: RequestInit) => pictor.api(`/images/binding${path}`, { ...init, headers: { authorization: `Bearer ${token}` } }),
});

/** The form workerd's images-api module posts to /transform. */
function workerdForm(fields: { image: Buffer; drawImages?: Buffer[]; transforms?: unknown[]; format: string; quality?: number }): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(fields.image)]), 'blob');
  for (const draw of fields.drawImages ?? []) form.append('draw_image', new Blob([new Uint8Array(draw)]), 'blob');
  form.append('transforms', JSON.stringify(fields.transforms ?? []));
  form.append('output_format', fields.format);
  if (fields.quality !== undefined) form.append('output_quality', String(fields.quality));
  return form;
}

const post = (path: string, body: FormData) => pictor.api(`/images/binding${path}`, { method: 'POST', body });

/** Mean color of a region, for checking where an overlay landed. */
async function meanColor(image: Buffer, region: { left: number; top: number; width: number; height: number }): Promise<number[]> {
  // stats() reads the input, not the pipeline: extract into a buffer first.
  const { channels } = await sharp(await sharp(image).extract(region).toBuffer()).stats();
  return channels.slice(0, 3).map((c) => Math.round(c.mean));
}

describe('@cloudflare/images against Pictor', () => {
  it('resizes and answers a JPEG with the cf-images-output-* facts', async () => {
    const image = new Image(binding(), photo);
    await image.resize(100, 80, { fit: 'cover' });
    const { jpeg, info } = await image.jpeg();
    expect(info).toEqual({ flattened: false, format: 'image/jpeg', width: 100, height: 80 });
    const decoded = await sharp(Buffer.from(jpeg)).metadata();
    expect([decoded.format, decoded.width, decoded.height]).toEqual(['jpeg', 100, 80]);
  });

  it('applies resize steps in order, each on the previous result', async () => {
    const image = new Image(binding(), photo);
    await image.resize(200, 200, { fit: 'scale-down' });
    await image.resize(50, 50, { fit: 'pad' });
    const { info } = await image.jpeg();
    expect([info.width, info.height]).toEqual([50, 50]);
  });

  it('answers raw rgb and rgba pixels of the output size', async () => {
    const transparent = await images.png(8, 6);
    const rgbImage = new Image(binding(), transparent);
    const { rgb, info } = await rgbImage.rgb();
    expect(info).toMatchObject({ format: 'rgb', width: 8, height: 6, flattened: true });
    expect(rgb.length).toBe(8 * 6 * 3);
    const { rgba, info: rgbaInfo } = await new Image(binding(), transparent).rgba();
    expect([rgbaInfo.width, rgbaInfo.height, rgba.length]).toEqual([8, 6, 8 * 6 * 4]);
    // The right half of the test PNG is translucent (alpha 96).
    expect(rgba[(0 * 8 + 7) * 4 + 3]).toBe(96);
  });

  it('fails with the backend error (code in the text), not a 500, for a non-image or a bad size', async () => {
    const notImage = new Image(binding(), Buffer.from('hello, not an image'));
    await expect(notImage.jpeg()).rejects.toThrow(/backend returned error 415: ERROR 9412: .*not an image/);
    const bad = new Image(binding(), photo);
    await bad.resize(-5, 10);
    await expect(bad.jpeg()).rejects.toThrow(/backend returned error 400: ERROR 9401: .*width/);
    const fit = new Image(binding(), photo);
    await fit.resize(10, 10, { fit: 'stretch' });
    await expect(fit.jpeg()).rejects.toThrow(/error 400: ERROR 9401: .*fit/);
  });

  it('serves a read-only token of the account; refuses a token of another account (403 / 10000)', async () => {
    const { accounts } = pictor.services;
    const readOnly = await accounts.createToken(pictor.accountId, 'read');
    const image = new Image(binding(readOnly.token), photo);
    await image.resize(30, 30);
    expect((await image.jpeg()).info.width).toBe(30);
    const other = await accounts.createAccount();
    const stranger = await accounts.createToken(other.id, 'write');
    await expect(new Image(binding(stranger.token), photo).jpeg()).rejects.toThrow(/backend returned error 403: ERROR 10000: Authentication error/);
  });

  it('refuses a request without a valid account token with the binding error header', async () => {
    const response = await pictor.api('/images/binding/transform', { method: 'POST', body: workerdForm({ image: photo, format: 'image/jpeg' }), headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('cf-images-binding')).toBe('err=9109');
    expect(await response.text()).toBe('ERROR 9109: Invalid access token');
  });
});

describe('the workerd binding protocol', () => {
  it('info(): format, file size and upright size; SVG reports only its format', async () => {
    const info = new FormData();
    info.append('image', new Blob([new Uint8Array(photo)]), 'blob');
    const response = await post('/info', info);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ format: 'image/jpeg', file_size: photo.length, width: 400, height: 300 });
    const svg = new FormData();
    svg.append('image', new Blob([images.svg()]), 'blob');
    expect(await (await post('/info', svg)).json()).toEqual({ format: 'image/svg+xml' });
  });

  it('draws a watermark with opacity at bottom/right, after transforming both images', async () => {
    const canvas = await images.solid(200, 100); // (10,120,200)
    const mark = await sharp({ create: { width: 80, height: 80, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
    const response = await post('/transform', workerdForm({
      image: canvas,
      drawImages: [mark],
      transforms: [
        { imageIndex: 1, width: 40, height: 20, fit: 'squeeze' },
        { drawImageIndex: 1, targetImageIndex: 0, opacity: 0.5, bottom: 10, right: 10 },
        { imageIndex: 0, width: 100 },
      ],
      format: 'image/png',
    }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cf-images-output-format')).toBe('image/png');
    const out = Buffer.from(await response.arrayBuffer());
    expect(await sharp(out).metadata()).toMatchObject({ width: 100, height: 50 });
    // The 40×20 mark sat at x 150..190, y 70..90 of the canvas: 75..95 × 35..45 after halving.
    const [r, g, b] = await meanColor(out, { left: 77, top: 37, width: 16, height: 6 });
    expect(r).toBeGreaterThan(120); // half red over the blue canvas
    expect(r).toBeLessThan(145);
    expect(g).toBeLessThan(70);
    expect(b).toBeLessThan(110);
    expect(await meanColor(out, { left: 5, top: 5, width: 20, height: 20 })).toEqual([10, 120, 200]);
  });

  it('tiles a drawn image with repeat, and places top/left', async () => {
    const canvas = await images.solid(60, 60);
    const dot = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } }).png().toBuffer();
    const tiled = await post('/transform', workerdForm({ image: canvas, drawImages: [dot], transforms: [{ drawImageIndex: 1, targetImageIndex: 0, repeat: true }], format: 'image/png' }));
    expect(await meanColor(Buffer.from(await tiled.arrayBuffer()), { left: 0, top: 0, width: 60, height: 60 })).toEqual([255, 255, 255]);
    const placed = await post('/transform', workerdForm({ image: canvas, drawImages: [dot], transforms: [{ drawImageIndex: 1, targetImageIndex: 0, top: 0, left: 50 }], format: 'image/png' }));
    const out = Buffer.from(await placed.arrayBuffer());
    expect(await meanColor(out, { left: 50, top: 0, width: 10, height: 10 })).toEqual([255, 255, 255]);
    expect(await meanColor(out, { left: 0, top: 0, width: 10, height: 10 })).toEqual([10, 120, 200]);
  });

  it('answers unsupported or malformed transforms with a 9xxx binding error, never a 500', async () => {
    const cases: Array<[FormData, number, RegExp]> = [
      [workerdForm({ image: photo, transforms: [{ imageIndex: 0, border: { color: 'red', width: 4 } }], format: 'image/jpeg' }), 9401, /border/],
      [workerdForm({ image: photo, transforms: [{ imageIndex: 0, wobble: 3 }], format: 'image/jpeg' }), 9401, /wobble/],
      [workerdForm({ image: photo, transforms: [{ imageIndex: 0, rotate: 45 }], format: 'image/jpeg' }), 9401, /rotate/],
      [workerdForm({ image: photo, transforms: [{ drawImageIndex: 1, targetImageIndex: 0 }], format: 'image/jpeg' }), 9401, /drawImageIndex/],
      [workerdForm({ image: photo, drawImages: [photo], transforms: [{ drawImageIndex: 1, targetImageIndex: 0, opacity: 2 }], format: 'image/jpeg' }), 9401, /opacity/],
      [workerdForm({ image: photo, format: 'image/gif' }), 9401, /gif/],
      [workerdForm({ image: photo, format: 'image/tiff' }), 9401, /output_format/],
      [workerdForm({ image: images.svg() as unknown as Buffer, format: 'image/png' }), 9412, /SVG/],
    ];
    const text = new FormData();
    text.append('text_input', JSON.stringify({ text: 'hi', font: { url: 'x' } }));
    text.append('output_format', 'image/png');
    cases.push([text, 9401, /text/]);
    const broken = workerdForm({ image: photo, format: 'image/jpeg' });
    broken.set('transforms', '[{');
    cases.push([broken, 9401, /JSON/]);
    // 12000×10000 = 120 MP, beyond the pixel limit, as the canvas and as a drawn image: refused from the header.
    const bomb = await sharp({ create: { width: 12_000, height: 10_000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
    cases.push([workerdForm({ image: bomb, transforms: [{ width: 10 }], format: 'image/jpeg' }), 9413, /megapixels/]);
    cases.push([workerdForm({ image: photo, drawImages: [bomb], transforms: [{ drawImageIndex: 1, targetImageIndex: 0 }], format: 'image/jpeg' }), 9413, /megapixels/]);
    for (const [form, code, message] of cases) {
      const response = await post('/transform', form);
      expect(response.status, message.source).toBeLessThan(500);
      expect(response.headers.get('cf-images-binding')).toBe(`err=${code}`);
      expect(await response.text()).toMatch(new RegExp(`^ERROR ${code}: .*${message.source}`));
    }
  });
});

describe('the binding on the transform queue', () => {
  let busy: TestPictor;

  beforeAll(async () => {
    busy = await startPictor({ env: { PICTOR_TRANSFORM_CONCURRENCY: '1', PICTOR_TRANSFORM_QUEUE: '0' } });
  });

  afterAll(async () => {
    await busy?.close();
  });

  it('shares the queue with renditions: a full queue answers 429 / 9529, a free one the image', async () => {
    const request = () => busy.api('/images/binding/transform', { method: 'POST', body: workerdForm({ image: photo, transforms: [{ width: 50 }], format: 'image/jpeg' }) });
    let release!: () => void;
    // The one slot, held as a rendition would hold it.
    const held = busy.services.transformQueue.run(() => new Promise<void>((resolve) => (release = resolve)));
    const refused = await request();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('cf-images-binding')).toBe('err=9529');
    expect(refused.headers.get('retry-after')).toBe('1');
    release();
    await held;
    const served = await request();
    expect(served.status).toBe(200);
    expect(served.headers.get('cf-images-output-width')).toBe('50');
  });
});
