/**
 * Hostile image files: pixel bombs (huge sizes declared in the header), decompression bombs,
 * truncated and corrupt files of each format, lying names and types, polyglots, and animations
 * whose frames are tiny on disk and huge once decoded or rendered.
 */
import zlib from 'node:zlib';
import sharp from 'sharp';
import { expect } from 'vitest';
import * as images from '../helpers/images.js';
import type { HostileInput } from './corpus.js';
import { corruptMiddle, jpegWithSize, png, pngChunk, tinyFrameGif, zeroPng, zTxtBomb } from './forge.js';
import { expectRefused, idOf, uploadAndDeliver, uploadFile } from './uploads.js';

const tiff = () => sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } }).tiff().toBuffer();

/** Every format sharp decodes for Pictor, as a small valid file. */
const formats: Record<string, () => Promise<Buffer>> = {
  jpeg: () => images.jpeg(64, 48),
  png: () => images.png(64, 48),
  gif: () => images.animatedGif(32, 24, 3),
  webp: () => images.webp(64, 48),
  avif: () => images.avif(64, 48),
  heic: async () => images.heic(),
  tiff,
};

/** A refused upload: bombs and broken files never get stored. */
const refused = (name: string, bytes: () => Promise<Buffer> | Buffer, issue?: number): HostileInput => ({
  name,
  issue,
  async run(probe) {
    expectRefused(await uploadAndDeliver(probe, await bytes()));
  },
});

/** Anything but a 5xx: stored (and then rendered without a 5xx) or refused. */
const survived = (name: string, bytes: () => Promise<Buffer> | Buffer, filename?: string, type?: string): HostileInput => ({
  name,
  async run(probe) {
    await uploadAndDeliver(probe, await bytes(), filename, type);
  },
});

const pixelBombs: HostileInput[] = [
  refused('PNG declaring 100000×100000', () => png(100_000, 100_000)),
  refused('PNG declaring 2^31-1 × 1', () => png(2 ** 31 - 1, 1)),
  refused('PNG declaring 0×0', () => png(0, 0)),
  refused('GIF declaring a 65535×65535 screen and frame', () => tinyFrameGif(1, { screen: [65_535, 65_535], frameSize: [65_535, 65_535] })),
  refused('GIF frame declared far beyond its 1×1 screen', () => tinyFrameGif(2, { frameSize: [65_535, 65_535] })),
  refused('JPEG declaring 65500×65500', async () => jpegWithSize(await images.jpeg(64, 48), 65_500, 65_500)),
  refused('JPEG declaring 12001×10', async () => jpegWithSize(await images.jpeg(64, 48), 12_001, 10)),
  refused('WebP canvas of 16384×16384', () => images.sparseAnimatedWebp(16_384, 16_384, 1)),
  refused('animated WebP of 3 × 10000×10000 frames (300 MP summed)', () => images.sparseAnimatedWebp(10_000, 10_000, 3)),
];

const decompressionBombs: HostileInput[] = [
  refused('PNG of zeros 12000×9000 (108 MP, ~100 KB)', () => zeroPng(12_000, 9_000)),
  refused('PNG of zeros 12001×100 (too wide)', () => zeroPng(12_001, 100)),
  survived('1×1 PNG whose IDAT inflates to 64 MB', () => png(1, 1, { idat: zlib.deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }) })),
  survived('1×1 PNG with a zTXt chunk inflating to 64 MB', () => png(1, 1, { extra: [zTxtBomb(64 * 1024 * 1024)] })),
];

const truncated: HostileInput[] = Object.entries(formats).flatMap(([format, bytes]) => [
  refused(`${format} cut to its first 16 bytes`, async () => (await bytes()).subarray(0, 16)),
  survived(`${format} cut in half`, async () => {
    const whole = await bytes();
    return whole.subarray(0, Math.floor(whole.length / 2));
  }),
]);

const corrupt: HostileInput[] = [
  ...Object.entries(formats).map(([format, bytes]) => survived(`${format} with 64 bytes overwritten in the middle`, async () => corruptMiddle(await bytes()))),
  refused('PNG with a wrong IHDR checksum', async () => {
    const good = png(64, 48);
    good.writeUInt32BE(0xdeadbeef, 8 + 8 + 13);
    return good;
  }),
  survived('JPEG with garbage after its end marker', async () => Buffer.concat([await images.jpeg(64, 48), Buffer.alloc(4096, 0x41)])),
  refused('WebP whose RIFF size claims 4 GB', async () => {
    const webp = Buffer.from(await images.webp(64, 48));
    webp.writeUInt32LE(0xfffffff0, 4);
    return webp;
  }),
];

/** [name, bytes, filename, declared type] */
const lyingFiles: Array<[string, () => Promise<Buffer> | Buffer, string, string]> = [
  ['PNG bytes named .jpg, typed image/jpeg', () => images.png(32, 24), 'photo.jpg', 'image/jpeg'],
  ['JPEG bytes named .svg, typed image/svg+xml', () => images.jpeg(32, 24), 'icon.svg', 'image/svg+xml'],
  ['SVG text named .png, typed image/png', () => images.svg(), 'x.png', 'image/png'],
  ['HTML with a script, typed image/png', () => Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'x.png', 'image/png'],
  ['plain text, typed image/jpeg', () => Buffer.from('just some text, not an image at all\n'.repeat(20)), 'x.jpg', 'image/jpeg'],
  ['PDF magic, typed image/png', () => Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'), 'x.png', 'image/png'],
  ['ZIP magic, typed image/gif', () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200)]), 'x.gif', 'image/gif'],
  ['ELF executable header, typed image/webp', () => Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(120)]), 'x.webp', 'image/webp'],
  ['an empty file', () => Buffer.alloc(0), 'empty.png', 'image/png'],
  ['a single byte', () => Buffer.from([0x89]), 'one.png', 'image/png'],
  ['the PNG signature alone', () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'sig.png', 'image/png'],
  ['"GIF89a" alone', () => Buffer.from('GIF89a'), 'sig.gif', 'image/gif'],
  ['a RIFF/WEBP header alone', () => Buffer.from('RIFF\x04\x00\x00\x00WEBP', 'latin1'), 'sig.webp', 'image/webp'],
  ['JPEG start and end markers alone', () => Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'sig.jpg', 'image/jpeg'],
  ['an ftyp box claiming AVIF, nothing else', () => Buffer.from('\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1', 'latin1'), 'x.avif', 'image/avif'],
  ['a BMP (a format Pictor does not take)', () => bmp(), 'x.bmp', 'image/bmp'],
];

function bmp(): Buffer {
  const head = Buffer.alloc(54);
  head.write('BM', 0, 'latin1');
  head.writeUInt32LE(54 + 4, 2);
  head.writeUInt32LE(54, 10);
  head.writeUInt32LE(40, 14);
  head.writeInt32LE(1, 18);
  head.writeInt32LE(1, 22);
  head.writeUInt16LE(1, 26);
  head.writeUInt16LE(24, 28);
  return Buffer.concat([head, Buffer.from([0, 0, 255, 0])]);
}

const lying: HostileInput[] = lyingFiles.map(([name, bytes, filename, type]) => survived(name, bytes, filename, type));

/** A stored polyglot is delivered as an image, never as markup a browser would run. */
const polyglot = (name: string, bytes: () => Promise<Buffer>): HostileInput => ({
  name,
  async run(probe) {
    const answer = await uploadFile(probe, await bytes(), 'poly.png', 'image/png');
    if (answer.status !== 200) return;
    const delivered = await probe.deliver(`${encodeURIComponent(idOf(answer))}/public`);
    expect(delivered.headers.get('content-type')).toMatch(/^image\//);
  },
});

const polyglots: HostileInput[] = [
  polyglot('GIF with an HTML/JS trailer', async () => Buffer.concat([await images.animatedGif(8, 8, 1), Buffer.from('<script>alert(document.domain)</script>')])),
  polyglot('PNG with a ZIP appended', async () => Buffer.concat([await images.png(16, 16), Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64)])),
  polyglot('JPEG with PHP in a comment segment', async () => {
    const jpeg = await images.jpeg(16, 16);
    const payload = Buffer.from('<?php system($_GET["c"]); ?><script>alert(1)</script>');
    const com = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([(payload.length + 2) >> 8, (payload.length + 2) & 255]), payload]);
    return Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2)]);
  }),
  polyglot('PNG carrying an SVG with onload in a tEXt chunk', async () =>
    png(16, 16, { extra: [pngChunkText('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')] }),
  ),
  polyglot('JPEG followed by a whole SVG document', async () => Buffer.concat([await images.jpeg(16, 16), images.svg('<script>alert(1)</script>')])),
];

function pngChunkText(text: string): Buffer {
  return pngChunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1'));
}

const animations: HostileInput[] = [
  {
    name: 'GIF of 100,000 1×1 frames (2.3 MB) is refused, without enlarging a frame',
    issue: 2,
    async run(probe) {
      expectRefused(await uploadFile(probe, tinyFrameGif(100_000), 'frames.gif', 'image/gif'));
    },
  },
  {
    name: '12-frame GIF asked for at w=3000,h=3000,fit=contain as WebP (108 MP of output) is refused with 9413',
    issue: 1,
    async run(probe) {
      const stored = await uploadFile(probe, tinyFrameGif(12), 'twelve.gif', 'image/gif');
      expect(stored.status).toBe(200);
      const answer = await probe.deliver(`${idOf(stored)}/w=3000,h=3000,fit=contain`, { headers: { accept: 'image/webp' } });
      expect(answer.status).toBe(403);
      expect(answer.text()).toMatch(/^ERROR 9413: /);
    },
  },
];

export const imageInputs: HostileInput[] = [...pixelBombs, ...decompressionBombs, ...truncated, ...corrupt, ...lying, ...polyglots, ...animations];
