/**
 * The labelled evaluation set of gravity=face and segment=foreground (test/fixtures/vision-set.json):
 * scikit-image's photographs from Debian's python3-skimage, and composites built from them here.
 * Without the package the suites skip with the reason printed, except under
 * PICTOR_REQUIRE_SERVICES=1 (CI), where a missing package is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const SKIMAGE_DATA = '/usr/lib/python3/dist-packages/skimage/data';
export type LabelBox = [left: number, top: number, width: number, height: number];

export interface LabelledImage {
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  faces: LabelBox[];
  foreground: LabelBox[];
  background: LabelBox[];
}

const missing = ['astronaut.png', 'camera.png', 'coffee.png', 'chelsea.png'].filter((f) => !fs.existsSync(path.join(SKIMAGE_DATA, f)));
export const visionSetSkipReason = missing.length > 0 ? `no ${missing.join(', ')} in ${SKIMAGE_DATA} (apt-get install python3-skimage)` : undefined;
if (visionSetSkipReason) {
  if (process.env.PICTOR_REQUIRE_SERVICES === '1') throw new Error(`PICTOR_REQUIRE_SERVICES=1 but ${visionSetSkipReason}`);
  console.warn(`[vision tests] SKIPPED: ${visionSetSkipReason}`);
}

interface Labels {
  images: Record<string, { faces: LabelBox[]; foreground?: LabelBox[]; background?: LabelBox[] }>;
}
const labels = JSON.parse(fs.readFileSync(new URL('../fixtures/vision-set.json', import.meta.url), 'utf8')) as Labels;
type Name = 'astronaut.png' | 'camera.png' | 'coffee.png' | 'chelsea.png';

async function photo(name: Name): Promise<LabelledImage> {
  const bytes = fs.readFileSync(path.join(SKIMAGE_DATA, name));
  const { width, height } = await sharp(bytes).metadata();
  const label = labels.images[name]!;
  return { name, bytes, width, height, faces: label.faces, foreground: label.foreground ?? [], background: label.background ?? [] };
}

const shift = (boxes: LabelBox[], dx: number, dy: number): LabelBox[] => boxes.map(([l, t, w, h]) => [l + dx, t + dy, w, h]);

/** Places photos on a dark canvas (PNG), their face labels moved with them. */
async function composite(name: string, width: number, height: number, parts: { image: LabelledImage; left: number; top: number }[]): Promise<LabelledImage> {
  const layers = await Promise.all(parts.map(async ({ image, left, top }) => ({ input: await sharp(image.bytes).toColorspace('srgb').png().toBuffer(), left, top })));
  const bytes = await sharp({ create: { width, height, channels: 3, background: '#202020' } }).composite(layers).png().toBuffer();
  return { name, bytes, width, height, faces: parts.flatMap(({ image, left, top }) => shift(image.faces, left, top)), foreground: [], background: [] };
}

/** A 400×400 checkerboard of saturated yellow and red: everything a saliency detector looks for. */
async function distractor(): Promise<LabelledImage> {
  const cells = Array.from({ length: 100 }, (_, i) => `<rect x="${(i % 10) * 40}" y="${Math.floor(i / 10) * 40}" width="40" height="40" fill="${(i + Math.floor(i / 10)) % 2 ? '#ffe000' : '#ff2000'}"/>`);
  const bytes = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">${cells.join('')}</svg>`)).png().toBuffer();
  return { name: 'distractor', bytes, width: 400, height: 400, faces: [], foreground: [], background: [] };
}

export async function visionSet() {
  const [astronaut, camera, coffee, chelsea] = await Promise.all((['astronaut.png', 'camera.png', 'coffee.png', 'chelsea.png'] as const).map(photo));
  return {
    astronaut: astronaut!,
    camera: camera!,
    coffee: coffee!,
    chelsea: chelsea!,
    /** The astronaut far right, a bright, saturated, detailed distractor on the left. */
    offCentre: await composite('astronaut right of a bright distractor', 1200, 600, [
      { image: await distractor(), left: 60, top: 100 },
      { image: astronaut!, left: 668, top: 44 },
    ]),
    /** Two faces side by side. */
    twoFaces: await composite('astronaut beside the cameraman', 1024, 512, [
      { image: astronaut!, left: 0, top: 0 },
      { image: camera!, left: 512, top: 0 },
    ]),
  };
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const asBox = ([left, top, width, height]: LabelBox): Box => ({ left, top, width, height });

export function contains(outer: Box, inner: Box, slack = 2): boolean {
  return (
    inner.left >= outer.left - slack &&
    inner.top >= outer.top - slack &&
    inner.left + inner.width <= outer.left + outer.width + slack &&
    inner.top + inner.height <= outer.top + outer.height + slack
  );
}

export function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left));
  const h = Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top));
  const overlap = w * h;
  return overlap / (a.width * a.height + b.width * b.height - overlap);
}

export function around(boxes: Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const right = Math.max(...boxes.map((b) => b.left + b.width));
  const bottom = Math.max(...boxes.map((b) => b.top + b.height));
  return { left, top, width: right - left, height: bottom - top };
}
