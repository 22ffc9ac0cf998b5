/**
 * The little EXIF handling `metadata=keep|copyright` needs, on untrusted bytes: read the Copyright
 * tag, reset Orientation (pixels are already rotated upright), and put an EXIF block into a JPEG.
 * Payloads are what sharp's `metadata().exif` returns: "Exif\0\0" followed by a TIFF structure.
 * Every read is bounds-checked; anything malformed reads as "no such tag".
 */

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const TIFF_START = EXIF_HEADER.length;
const TAG_ORIENTATION = 0x0112;
const TAG_COPYRIGHT = 0x8298;
const TYPE_ASCII = 2;
const TYPE_SHORT = 3;
const MAX_COPYRIGHT_LENGTH = 1024;

interface IfdEntry {
  type: number;
  count: number;
  /** Offset of the entry's 4-byte value field, within the payload. */
  valueField: number;
}

function readIfd0Entry(exif: Buffer, wantedTag: number): { entry: IfdEntry; littleEndian: boolean } | undefined {
  if (exif.length < TIFF_START + 8 || !exif.subarray(0, TIFF_START).equals(EXIF_HEADER)) return undefined;
  const order = exif.toString('latin1', TIFF_START, TIFF_START + 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const littleEndian = order === 'II';
  const u16 = (at: number) => (littleEndian ? exif.readUInt16LE(at) : exif.readUInt16BE(at));
  const u32 = (at: number) => (littleEndian ? exif.readUInt32LE(at) : exif.readUInt32BE(at));
  const ifd = TIFF_START + u32(TIFF_START + 4);
  if (ifd + 2 > exif.length) return undefined;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > exif.length) return undefined;
    if (u16(at) === wantedTag) return { entry: { type: u16(at + 2), count: u32(at + 4), valueField: at + 8 }, littleEndian };
  }
  return undefined;
}

/** The EXIF Copyright text, if the payload has a well-formed one. */
export function readExifCopyright(exif: Buffer | undefined): string | undefined {
  const found = exif && readIfd0Entry(exif, TAG_COPYRIGHT);
  if (!found || found.entry.type !== TYPE_ASCII) return undefined;
  const { count, valueField } = found.entry;
  const start = count <= 4 ? valueField : TIFF_START + (found.littleEndian ? exif.readUInt32LE(valueField) : exif.readUInt32BE(valueField));
  const end = start + Math.min(count, MAX_COPYRIGHT_LENGTH);
  if (end > exif.length) return undefined;
  // EXIF ASCII is NUL-terminated; photographer and editor parts may be NUL-separated. Printable only.
  const text = exif.toString('latin1', start, end).replace(/\0+$/, '').replace(/\0/g, ' ').replace(/[^\x20-\x7e]/g, '').trim();
  return text === '' ? undefined : text;
}

/** A copy of the payload whose Orientation says "upright", since the pixels were rotated already. */
export function withUprightOrientation(exif: Buffer): Buffer {
  const copy = Buffer.from(exif);
  const found = readIfd0Entry(copy, TAG_ORIENTATION);
  if (found && found.entry.type === TYPE_SHORT && found.entry.count === 1) {
    if (found.littleEndian) copy.writeUInt16LE(1, found.entry.valueField);
    else copy.writeUInt16BE(1, found.entry.valueField);
  }
  return copy;
}

/**
 * Inserts the payload as an APP1 segment after SOI and any JFIF APP0 segment. Returns the JPEG
 * unchanged when the payload is not EXIF or does not fit one segment.
 */
export function insertJpegExif(jpeg: Buffer, exif: Buffer): Buffer {
  const segmentLength = exif.length + 2;
  if (segmentLength > 0xffff || !exif.subarray(0, TIFF_START).equals(EXIF_HEADER)) return jpeg;
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return jpeg;
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0 && jpeg.length >= 6) at = 4 + jpeg.readUInt16BE(4);
  if (at > jpeg.length) return jpeg;
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(segmentLength, 2);
  return Buffer.concat([jpeg.subarray(0, at), header, exif, jpeg.subarray(at)]);
}
