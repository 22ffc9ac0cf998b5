/** Source images for render tests, generated with sharp so every test states what it starts from. */
import sharp, { type Sharp } from 'sharp';

export type Rgb = [number, number, number];

/** Raw RGB pixels from a function of the position. */
function rawImage(width: number, height: number, color: (x: number, y: number) => Rgb): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(color(x, y), (y * width + x) * 3);
  }
  return data;
}

export const red: Rgb = [220, 30, 30];
export const blue: Rgb = [30, 30, 220];

/** Smooth gradients, like a photo's sky: compresses like real content. */
export function photoJpeg(width = 1080, height = 720): Promise<Buffer> {
  const data = rawImage(width, height, (x, y) => [Math.round((x / width) * 255), Math.round((y / height) * 255), 128]);
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** Left half red, right half blue: shows flips, rotations and crops in two pixels. */
export function halves(width: number, height: number): Sharp {
  return sharp(rawImage(width, height, (x) => (x < width / 2 ? red : blue)), { raw: { width, height, channels: 3 } });
}

/** 200×100 PNG: an opaque green square in the middle of transparency. */
export function transparentPng(): Promise<Buffer> {
  return sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: { create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 200, b: 0, alpha: 1 } } }, left: 75, top: 25 }])
    .png()
    .toBuffer();
}

/** Frames colored red, green, blue, 100 ms apart, looping forever. */
export const frameColors: Rgb[] = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
];

export function animatedGif(width = 60, height = 40): Promise<Buffer> {
  const frames = frameColors.map((color) => rawImage(width, height, (x) => (x < width / 2 ? color : [255, 255, 255])));
  return sharp(Buffer.concat(frames), { raw: { width, height: height * frames.length, channels: 3, pageHeight: height } })
    .gif({ delay: [100, 200, 300], loop: 0 })
    .toBuffer();
}

/** Stored 200×100 with EXIF Orientation 6 (display 100×200), plus Copyright and Artist tags. */
export function rotatedJpeg(): Promise<Buffer> {
  return halves(200, 100)
    .jpeg()
    .withExif({ IFD0: { Copyright: 'Jane Photographer', Artist: 'Jane' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A saturated red stored in the Display P3 profile. */
export function displayP3Png(): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 50, b: 50 } } })
    .withIccProfile('p3')
    .png()
    .toBuffer();
}

/** The pixel at (x, y) of an encoded image, first frame. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + info.channels)];
}

export async function meanBrightness(image: Buffer): Promise<number> {
  const { channels } = await sharp(image).stats();
  return channels.slice(0, 3).reduce((sum, channel) => sum + channel.mean, 0) / 3;
}

/** Within `tolerance` of the expected color on every channel (lossy codecs shift values a little). */
export function near(actual: number[], expected: number[], tolerance = 24): boolean {
  return expected.every((value, i) => Math.abs((actual[i] ?? NaN) - value) <= tolerance);
}
