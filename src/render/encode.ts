/**
 * The last step: one encoder per raster format (keyed like the format table), then the metadata
 * Cloudflare keeps. JPEG keeps the EXIF Copyright by default, all EXIF with metadata=keep; every
 * other format is written without metadata. Colors are already sRGB (sharp converts embedded
 * profiles on input), so no profile is embedded.
 */
import type { OutputInfo, Sharp } from 'sharp';
import { limits } from '../limits.js';
import { specDefaults } from './spec.js';
import { insertJpegExif, readExifCopyright, withUprightOrientation } from './exif.js';
import type { RasterFormat } from './formats.js';
import type { RenderJob } from './job.js';
import { encoderQuality } from './quality.js';

type Encoder = (image: Sharp, job: RenderJob) => Sharp;

const fast = (job: RenderJob) => job.spec.compression === 'fast';

/** Frame timing from the source; frames rebuilt from raw pixels would otherwise lose it. */
function animation({ animated, source }: RenderJob) {
  if (!animated) return {};
  return { loop: source.loop ?? 0, ...(source.delay?.length === source.frames && { delay: source.delay }) };
}

const encoders = {
  jpeg: (image, job) => image.jpeg({ quality: job.quality, progressive: job.output.progressive }),
  // An explicit quality allows palette (PNG8) output, as Cloudflare documents; otherwise lossless.
  png: (image, job) =>
    job.spec.quality === undefined
      ? image.png({ compressionLevel: fast(job) ? 1 : 6 })
      : image.png({ palette: true, quality: job.quality, effort: fast(job) ? 1 : 7 }),
  // quality=100 means lossless WebP (Cloudflare).
  webp: (image, job) =>
    image.webp({ quality: job.quality, lossless: job.quality === 100, effort: fast(job) ? 0 : 4, ...animation(job) }),
  gif: (image, job) => image.gif({ effort: fast(job) ? 1 : 7, ...animation(job) }),
  avif: (image, job) =>
    image.avif({ quality: encoderQuality('avif', job.quality), effort: fast(job) ? 0 : limits.render.avifEffort }),
} satisfies Record<RasterFormat, Encoder>;

export async function encode(image: Sharp, job: RenderJob, format: RasterFormat): Promise<{ data: Buffer; info: OutputInfo }> {
  const metadata = format === 'jpeg' ? (job.spec.metadata ?? specDefaults.metadata) : 'none';
  const copyright = metadata === 'copyright' ? readExifCopyright(job.source.exif) : undefined;
  const encoder = encoders[format](image, job);
  const { data, info } = await (copyright ? encoder.withExif({ IFD0: { Copyright: copyright } }) : encoder).toBuffer({
    resolveWithObject: true,
  });
  // sharp cannot carry EXIF through raw pixels, so "keep" writes the source's block back itself.
  const exif = metadata === 'keep' ? job.source.exif : undefined;
  return { data: exif ? insertJpegExif(data, withUprightOrientation(exif)) : data, info };
}
