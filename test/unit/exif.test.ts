import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { insertJpegExif, readExifCopyright, withUprightOrientation } from '../../src/render/exif.js';

async function exifOf(exif: Record<string, string>, orientation?: number): Promise<Buffer> {
  let image = sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).jpeg().withExif({ IFD0: exif });
  if (orientation) image = image.withMetadata({ orientation });
  return (await sharp(await image.toBuffer()).metadata()).exif!;
}

describe('EXIF helpers', () => {
  it('reads the copyright, short or long', async () => {
    expect(readExifCopyright(await exifOf({ Copyright: 'Ann' }))).toBe('Ann');
    expect(readExifCopyright(await exifOf({ Copyright: '© 2026 A Long Name, all rights reserved' }))).toContain('A Long Name');
    expect(readExifCopyright(await exifOf({ Artist: 'Ann' }))).toBeUndefined();
    expect(readExifCopyright(undefined)).toBeUndefined();
  });

  it('resets orientation to upright and keeps the rest', async () => {
    const upright = withUprightOrientation(await exifOf({ Artist: 'Ann' }, 6));
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const metadata = await sharp(insertJpegExif(jpeg, upright)).metadata();
    expect(metadata.orientation).toBe(1);
    expect(metadata.exif?.toString('latin1')).toContain('Ann');
  });

  it('never throws on malformed EXIF', () => {
    const header = Buffer.from('Exif\0\0II*\0', 'latin1');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withHeader) => {
        const payload = withHeader ? Buffer.concat([header, bytes]) : Buffer.from(bytes);
        readExifCopyright(payload);
        withUprightOrientation(payload);
        insertJpegExif(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), payload);
      }),
      { numRuns: 2000 },
    );
  });
});
