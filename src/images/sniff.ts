/** Recognizes an image format from its first bytes; the declared Content-Type is never trusted. */
import type { ImageFormat } from '../media/image-format.js';

const ascii = (bytes: Buffer, start: number, end: number) => bytes.toString('latin1', start, end);

/** ISO-BMFF brands: AVIF and HEIF/HEIC share the container. */
const avifBrands = new Set(['avif', 'avis']);
const heicBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

function sniffIsoBmff(bytes: Buffer): ImageFormat | undefined {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(bytes, i, i + 4));
  if (brands.some((b) => avifBrands.has(b))) return 'avif';
  if (brands.some((b) => heicBrands.has(b))) return 'heic';
  return undefined;
}

function looksLikeSvg(bytes: Buffer): boolean {
  // Skip BOM, XML declaration, comments, doctype and whitespace, then expect an <svg element.
  let head = bytes.toString('utf8', 0, Math.min(bytes.length, 4096)).replace(/^\uFEFF/, '');
  for (;;) {
    const before = head;
    head = head.replace(/^\s+/, '').replace(/^<\?xml[\s\S]*?\?>/, '').replace(/^<!--[\s\S]*?-->/, '').replace(/^<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
    if (head === before) break;
  }
  return /^<svg[\s>]/i.test(head) || /^<[a-z]+:svg[\s>]/i.test(head);
}

export function sniffFormat(bytes: Buffer): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  return sniffIsoBmff(bytes) ?? (looksLikeSvg(bytes) ? 'svg' : undefined);
}

/** Declared types that may carry each format (aliases browsers and tools send). */
const declaredAliases: Record<ImageFormat, string[]> = {
  jpeg: ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  png: ['image/png', 'image/x-png', 'image/apng'],
  gif: ['image/gif'],
  webp: ['image/webp'],
  svg: ['image/svg+xml', 'image/svg', 'text/xml', 'application/xml'],
  avif: ['image/avif', 'image/avif-sequence'],
  heic: ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
};

/** Types that say nothing about the content, so the sniffed format decides. */
const neutralTypes = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

/** True when the declared Content-Type is absent/neutral or agrees with the sniffed format. */
export function declaredTypeMatches(declared: string | undefined, format: ImageFormat): boolean {
  const type = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  return neutralTypes.has(type) || declaredAliases[format].includes(type);
}
