/**
 * Flexible variants over HTTP: one row per parameter and alias, each decoded with sharp for its
 * format and size, and, where the parameter does not change the size, for the effect it documents.
 */
import sharp, { type Stats } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';
import { near, pixelAt } from '../unit/images.js';

type Source = 'photo' | 'gif' | 'bordered';
let pictor: TestPictor;
const ids = {} as Record<Source, string>;
/** The photo at its own size, default options: what the effect checks compare against. */
let baseline: { bytes: number; stats: Stats };

beforeAll(async () => {
  pictor = await startPictor();
  ids.photo = await upload(pictor, await images.jpeg(400, 300));
  ids.gif = await upload(pictor, await images.animatedGif(64, 48, 3));
  // A 100×80 picture inside a 20 px white frame.
  ids.bordered = await upload(
    pictor,
    await sharp(await images.png(100, 80))
      .flatten({ background: '#0000ff' })
      .extend({ top: 20, bottom: 20, left: 20, right: 20, background: '#ffffff' })
      .png()
      .toBuffer(),
  );
  await patchDeliveryConfig(pictor, { flexible_variants: true });
  const { body } = await get('photo', 'w=400');
  baseline = { bytes: body.length, stats: await sharp(body).stats() };
});
afterAll(async () => pictor?.close());

async function get(source: Source, options: string, headers: Record<string, string> = {}) {
  const delivered = await deliver(pictor, deliveryPath(pictor, ids[source], options), { headers: { accept: '*/*', ...headers } });
  expect(delivered.res.status, delivered.body.toString().slice(0, 200)).toBe(200);
  return delivered;
}

const mean = (stats: Stats, channel = 0) => stats.channels[channel]!.mean;
const stdev = (stats: Stats) => stats.channels[0]!.stdev;

interface Row {
  options: string;
  source?: Source;
  headers?: Record<string, string>;
  expected: { format: string; width: number; height: number; pages?: number };
  /** The documented effect, given the decoded stats and byte size of the output. */
  effect?: (out: { stats: Stats; bytes: number; body: Buffer }) => void | Promise<void>;
}

const jpeg = (width: number, height: number) => ({ format: 'jpeg', width, height });
const redLeft = ({ stats }: { stats: Stats }) => expect(mean(stats)).toBeLessThan(60);
const redRight = ({ stats }: { stats: Stats }) => expect(mean(stats)).toBeGreaterThan(195);
const topLeft =
  ([red, green]: [number, number]) =>
  async ({ body }: { body: Buffer }) =>
    expect(near((await pixelAt(body, 2, 2)).slice(0, 2), [red, green], 30)).toBe(true);

const rows: Row[] = [
  { options: 'width=200', expected: jpeg(200, 150) },
  { options: 'w=200', expected: jpeg(200, 150) },
  { options: 'height=150', expected: jpeg(200, 150) },
  { options: 'h=150', expected: jpeg(200, 150) },
  { options: 'fit=scale-down,w=800,h=800', expected: jpeg(400, 300) },
  { options: 'fit=contain,w=800,h=800', expected: jpeg(800, 600) },
  { options: 'fit=scale-up,w=100,h=100', expected: jpeg(400, 300) },
  { options: 'fit=cover,w=100,h=100', expected: jpeg(100, 100) },
  { options: 'fit=crop,w=100,h=100', expected: jpeg(100, 100) },
  { options: 'fit=aspect-crop,w=150,h=150', expected: jpeg(150, 150) },
  { options: 'fit=pad,w=100,h=100', expected: jpeg(100, 100) },
  { options: 'fit=squeeze,w=100,h=50', expected: jpeg(100, 50) },
  // The photo's red channel grows from left to right, so a crop's side shows in its mean.
  { options: 'gravity=left,fit=cover,w=30,h=300', expected: jpeg(30, 300), effect: redLeft },
  { options: 'g=right,fit=cover,w=30,h=300', expected: jpeg(30, 300), effect: redRight },
  { options: 'g=0x0.5,fit=cover,w=30,h=300', expected: jpeg(30, 300), effect: redLeft },
  { options: 'g=auto,fit=cover,w=100,h=100', expected: jpeg(100, 100) },
  { options: 'zoom=0.5,g=face,fit=cover,w=100,h=100', expected: jpeg(100, 100) },
  { options: 'face-zoom=0.5,g=face,fit=cover,w=100,h=100', expected: jpeg(100, 100) },
  { options: 'dpr=2,w=100', expected: jpeg(200, 150) },
  { options: 'quality=10', expected: jpeg(400, 300), effect: ({ bytes }) => expect(bytes).toBeLessThan(baseline.bytes / 2) },
  { options: 'q=low', expected: jpeg(400, 300), effect: ({ bytes }) => expect(bytes).toBeLessThan(baseline.bytes) },
  {
    options: 'slow-connection-quality=10',
    headers: { 'save-data': 'on' },
    expected: jpeg(400, 300),
    effect: ({ bytes }) => expect(bytes).toBeLessThan(baseline.bytes / 2),
  },
  { options: 'scq=10', headers: { ect: '2g' }, expected: jpeg(400, 300), effect: ({ bytes }) => expect(bytes).toBeLessThan(baseline.bytes / 2) },
  // Without a slow-connection hint, the normal quality applies.
  { options: 'scq=10', expected: jpeg(400, 300), effect: ({ bytes }) => expect(bytes).toBe(baseline.bytes) },
  { options: 'format=avif,w=200', expected: { format: 'heif', width: 200, height: 150 } },
  { options: 'f=webp,w=200', expected: { format: 'webp', width: 200, height: 150 } },
  { options: 'format=jpeg,w=200', headers: { accept: 'image/webp' }, expected: jpeg(200, 150) },
  { options: 'format=auto,w=200', headers: { accept: 'image/webp' }, expected: { format: 'webp', width: 200, height: 150 } },
  {
    options: 'format=baseline-jpeg,w=200',
    expected: jpeg(200, 150),
    effect: async ({ body }) => expect((await sharp(body).metadata()).isProgressive).toBe(false),
  },
  { options: 'w=200', expected: jpeg(200, 150), effect: async ({ body }) => expect((await sharp(body).metadata()).isProgressive).toBe(true) },
  { options: 'compression=fast,w=200', headers: { accept: 'image/avif,image/webp' }, expected: jpeg(200, 150) },
  { options: 'anim=false', source: 'gif', headers: { accept: 'image/webp' }, expected: { format: 'webp', width: 64, height: 48, pages: 1 } },
  { options: 'anim=true', source: 'gif', headers: { accept: 'image/webp' }, expected: { format: 'webp', width: 64, height: 48, pages: 3 } },
  { options: 'metadata=keep,w=200', expected: jpeg(200, 150) },
  { options: 'metadata=none,w=200', expected: jpeg(200, 150), effect: async ({ body }) => expect((await sharp(body).metadata()).exif).toBeUndefined() },
  {
    options: 'background=%23ff0000,fit=pad,w=400,h=400',
    expected: jpeg(400, 400),
    // 50 px red bars above and below the picture: a quarter of the area.
    effect: ({ stats }) => expect(mean(stats)).toBeGreaterThan(mean(baseline.stats) + 20),
  },
  { options: 'blur=20', expected: jpeg(400, 300), effect: ({ stats }) => expect(stats.sharpness).toBeLessThan(baseline.stats.sharpness * 0.8) },
  { options: 'sharpen=10', expected: jpeg(400, 300), effect: ({ stats }) => expect(stats.sharpness).toBeGreaterThan(baseline.stats.sharpness * 1.2) },
  { options: 'brightness=1.5', expected: jpeg(400, 300), effect: ({ stats }) => expect(mean(stats, 1)).toBeGreaterThan(mean(baseline.stats, 1) + 20) },
  { options: 'contrast=2', expected: jpeg(400, 300), effect: ({ stats }) => expect(stdev(stats)).toBeGreaterThan(stdev(baseline.stats) * 1.3) },
  { options: 'gamma=2', expected: jpeg(400, 300), effect: ({ stats }) => expect(mean(stats, 1)).toBeLessThan(mean(baseline.stats, 1) - 10) },
  {
    options: 'saturation=0',
    expected: jpeg(400, 300),
    effect: ({ stats }) => {
      if (stats.channels.length === 1) return;
      expect(Math.abs(mean(stats, 0) - mean(stats, 2))).toBeLessThan(2);
    },
  },
  { options: 'rotate=90', expected: jpeg(300, 400) },
  { options: 'rotate=90,w=150', expected: jpeg(150, 200) },
  // Red grows to the right and green downwards: a flip shows in the top-left pixel.
  { options: 'flip=h', expected: jpeg(400, 300), effect: topLeft([255, 0]) },
  { options: 'flip=v', expected: jpeg(400, 300), effect: topLeft([0, 255]) },
  { options: 'flip=hv', expected: jpeg(400, 300), effect: topLeft([255, 255]) },
  { options: 'trim=10;20;30;40', expected: jpeg(340, 260) },
  { options: 'trim.top=10,trim.left=20,trim.width=100,trim.height=50', expected: jpeg(100, 50) },
  { options: 'trim=border', source: 'bordered', expected: { format: 'png', width: 100, height: 80 } },
  { options: 'trim=border,trim.border.color=%23ffffff,trim.border.tolerance=10,trim.border.keep=5', source: 'bordered', expected: { format: 'png', width: 110, height: 90 } },
  { options: 'upscale=interpolate,fit=contain,w=800', expected: jpeg(800, 600) },
];

describe('flexible variants: one row per parameter', () => {
  it.each(rows.map((row) => [row.options + (row.headers ? ` (${Object.entries(row.headers).map((e) => e.join(': '))})` : ''), row] as const))(
    '%s',
    async (_label, row) => {
      const { body } = await get(row.source ?? 'photo', row.options, row.headers);
      expect(await decode(body)).toMatchObject({ pages: 1, ...row.expected });
      await row.effect?.({ stats: await sharp(body).stats(), bytes: body.length, body });
    },
  );

  it('format=json describes the rendition instead of sending pixels', async () => {
    const { res, body } = await get('photo', 'format=json,w=200');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(body.toString())).toMatchObject({ width: 200, height: 150, original: { width: 400, height: 300, format: 'image/jpeg' } });
  });

  it('the same options in another order or with aliases are the same rendition', async () => {
    const a = await get('photo', 'width=120,fit=cover,height=90,quality=60');
    const b = await get('photo', 'q=60,h=90,w=120,fit=cover');
    expect(b.res.headers.get('etag')).toBe(a.res.headers.get('etag'));
    expect(b.res.headers.get('x-pictor-cache')).toBe('hit-memory');
  });

  it('turning flexible variants off refuses option strings with 9429', async () => {
    await patchDeliveryConfig(pictor, { flexible_variants: false });
    try {
      expectDeliveryError(await deliver(pictor, deliveryPath(pictor, ids.photo, 'w=200')), 403, 9429);
    } finally {
      await patchDeliveryConfig(pictor, { flexible_variants: true });
    }
  });
});
