/** Test images generated with sharp (plus a committed HEIC, which nothing here can encode). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** A smooth gradient with some structure, so codecs behave as on photos rather than on noise. */
function gradient(width: number, height: number, channels: 3 | 4 = 3): Buffer {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1);
      data[i + 2] = ((x + y) * 7) % 256;
      if (channels === 4) data[i + 3] = x < width / 2 ? 255 : 96;
    }
  }
  return data;
}

const raw = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp(gradient(width, height, channels), { raw: { width, height, channels } });

export const jpeg = (width = 320, height = 240) => raw(width, height).jpeg({ quality: 85 }).toBuffer();
export const png = (width = 320, height = 240) => raw(width, height, 4).png().toBuffer();
export const webp = (width = 320, height = 240) => raw(width, height).webp().toBuffer();
export const avif = (width = 64, height = 48) => raw(width, height).avif({ effort: 0 }).toBuffer();

/** Solid-color image of any size, cheap to encode even when huge. */
export const solid = (width: number, height: number, format: 'png' | 'jpeg' = 'png') =>
  sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    [format]()
    .toBuffer();

/** Animated GIF: `frames` distinct frames of width×height (identical frames would be merged by the encoder). */
export async function animatedGif(width = 64, height = 48, frames = 3): Promise<Buffer> {
  const strip = Buffer.concat(Array.from({ length: frames }, (_, i) => gradient(width, height).map((v) => (v + i * 40) % 256)));
  return sharp(strip, { raw: { width, height: height * frames, channels: 3, pageHeight: height } }).gif({ loop: 0 }).toBuffer();
}

export const svg = (extra = '') =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80"><rect width="120" height="80" fill="#36c"/>${extra}</svg>`);

export const heic = () => fs.readFileSync(path.join(fixtures, 'red-64x48.heic'));
/** A 12 MP HEVC HEIC (26 KB): seconds of decoding work. */
export const bigHeic = () => fs.readFileSync(path.join(fixtures, 'gradient-4000x3000.heic'));

const u24 = (v: number) => Buffer.from([v & 255, (v >> 8) & 255, (v >> 16) & 255]);
function riffChunk(tag: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(tag, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
}

/**
 * An animated WebP whose frames are 1x1 px on a width×height canvas: a ~1 KB file that decodes to
 * `frames` full canvases (an animation pixel bomb, or an exact-limit animation, built instantly).
 */
export async function sparseAnimatedWebp(width: number, height: number, frames: number): Promise<Buffer> {
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#f00' } }).webp({ lossless: true }).toBuffer();
  const frame = riffChunk('ANMF', Buffer.concat([u24(0), u24(0), u24(0), u24(0), u24(100), Buffer.from([0]), pixel.subarray(12)]));
  const body = Buffer.concat([
    Buffer.from('WEBP'),
    riffChunk('VP8X', Buffer.concat([Buffer.from([0x02, 0, 0, 0]), u24(width - 1), u24(height - 1)])),
    riffChunk('ANIM', Buffer.from([255, 255, 255, 255, 0, 0])),
    ...Array.from({ length: frames }, () => frame),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

/**
 * A GIF of `frames` 1×1 frames alternating black and white, written byte by byte (23 bytes a frame:
 * graphic control extension, image descriptor, 3-bit LZW of clear, pixel, end): 100,000 frames in
 * 2.3 MB, built instantly. The frame-count bomb of hostile uploads.
 */
export function tinyFramesGif(frames: number): Buffer {
  const header = Buffer.from([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
  const loop = Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 3, 1, 0, 0, 0]);
  // LZW codes (3 bits each, LSB first): clear (4), the pixel's palette index, end (5).
  const frame = (index: 0 | 1) => {
    const codes = 4 | (index << 3) | (5 << 6);
    return Buffer.from([0x21, 0xf9, 4, 4, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, codes & 255, codes >> 8, 0]);
  };
  const black = frame(0);
  const white = frame(1);
  return Buffer.concat([header, loop, ...Array.from({ length: frames }, (_, i) => (i % 2 ? white : black)), Buffer.from([0x3b])]);
}
