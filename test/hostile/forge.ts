/**
 * Hand-forged image bytes: headers that lie about their size, bombs, and frame counts no encoder
 * would produce on request. Built byte by byte because sharp refuses to write most of them.
 */
import zlib from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG uses it (zlib.crc32 is only in Node ≥ 20.15). */
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Buffer, crc?: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc ?? crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, tail]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit grayscale PNG declaring width×height, whose pixel data inflates from `idat` (default: one zero row). */
export function png(width: number, height: number, options: { idat?: Buffer; extra?: Buffer[] } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    ...(options.extra ?? []),
    pngChunk('IDAT', options.idat ?? zlib.deflateSync(Buffer.alloc(1 + Math.min(width, 4096)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid grayscale PNG of zeros: tiny on disk, width×height bytes once decoded. */
export function zeroPng(width: number, height: number): Buffer {
  return png(width, height, { idat: zlib.deflateSync(Buffer.alloc((width + 1) * height), { level: 9 }) });
}

/** A compressed chunk (zTXt) that inflates to `bytes` of zeros: a bomb in the metadata, not the pixels. */
export function zTxtBomb(bytes: number): Buffer {
  return pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), zlib.deflateSync(Buffer.alloc(bytes), { level: 9 })]));
}

const u16le = (v: number) => Buffer.from([v & 255, (v >> 8) & 255]);

/**
 * A GIF of `frames` 1×1 frames on a screenWidth×screenHeight canvas, colors alternating so no
 * encoder would merge them (about 23 bytes a frame). Each frame may declare a larger size than its
 * one pixel of LZW data (frameSize), as a pixel bomb does.
 */
export function tinyFrameGif(frames: number, options: { screen?: [number, number]; frameSize?: [number, number] } = {}): Buffer {
  const [sw, sh] = options.screen ?? [1, 1];
  const [fw, fh] = options.frameSize ?? [1, 1];
  const header = Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    u16le(sw),
    u16le(sh),
    Buffer.from([0xf0, 0, 0]), // global color table of 2 entries
    Buffer.from([255, 0, 0, 0, 0, 255]),
    Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 3, 1, 0, 0, 0]),
  ]);
  // LZW, minimum code size 2: clear (4), the pixel's index, end (5), at 3 bits each.
  const frame = (index: number) =>
    Buffer.concat([
      Buffer.from([0x21, 0xf9, 4, 0x04, 1, 0, 0, 0]), // 10 ms, keep previous frame
      Buffer.from([0x2c, 0, 0, 0, 0]),
      u16le(fw),
      u16le(fh),
      Buffer.from([0, 2, 2, 4 | (index << 3) | (1 << 6), 1, 0]),
    ]);
  const both = [frame(0), frame(1)];
  return Buffer.concat([header, ...Array.from({ length: frames }, (_, i) => both[i % 2]!), Buffer.from([0x3b])]);
}

/** Rewrites the size in a baseline JPEG's SOF0 segment. */
export function jpegWithSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  if (sof < 0) throw new Error('no SOF0 marker');
  out.writeUInt16BE(height, sof + 5);
  out.writeUInt16BE(width, sof + 7);
  return out;
}

/** Overwrites `length` bytes at the middle with a fixed pattern: corruption without changing the size. */
export function corruptMiddle(bytes: Buffer, length = 64): Buffer {
  const out = Buffer.from(bytes);
  const at = Math.floor(out.length / 2);
  for (let i = 0; i < length && at + i < out.length; i++) out[at + i] = (i * 37) & 255;
  return out;
}
