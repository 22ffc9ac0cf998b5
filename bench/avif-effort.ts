/**
 * How long AVIF encoding takes at each effort, against WebP and JPEG, for the largest AVIF Pictor
 * writes (limits.maxAvifSidePx). Picks limits.render.avifEffort. Run:
 *   npm run build && node dist/bench/avif-effort.js
 * Prints a Markdown table (median of several runs, one encode at a time).
 */
import sharp, { type Sharp } from 'sharp';
import { limits } from '../src/limits.js';
import { encoderQuality } from '../src/render/quality.js';

const RUNS = 5;
const quality = limits.render.defaultQuality;

interface RawImage {
  data: Buffer;
  info: { width: number; height: number; channels: 3 };
}

/** Photo-like content: smooth gradients, a soft disc and mild noise (pure noise would not compress). */
function photoLike(width: number, height: number): RawImage {
  const data = Buffer.alloc(width * height * 3);
  let seed = 1;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 8;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = Math.hypot(x - width / 2, y - height / 2) < height / 3;
      const at = (y * width + x) * 3;
      data[at] = clamp(128 + 100 * Math.sin(x / 90) + noise());
      data[at + 1] = clamp((inDisc ? 190 : 90) + noise());
      data[at + 2] = clamp((255 * y) / height + noise());
    }
  }
  return { data, info: { width, height, channels: 3 } };
}

const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)));

async function measure(label: string, encode: (image: Sharp) => Sharp, source: RawImage, runs = RUNS) {
  const timings: number[] = [];
  let bytes = 0;
  for (let run = 0; run <= runs; run++) {
    const started = process.hrtime.bigint();
    const output = await encode(sharp(source.data, { raw: source.info })).toBuffer();
    if (run > 0) timings.push(Number(process.hrtime.bigint() - started) / 1e6); // run 0 warms up
    bytes = output.length;
  }
  timings.sort((a, b) => a - b);
  console.log(`| ${label} | ${timings[Math.floor(timings.length / 2)]!.toFixed(0)} | ${(bytes / 1024).toFixed(1)} |`);
}

const side = limits.maxAvifSidePx;
const source = photoLike(side, Math.round((side * 3) / 4));
console.log(`${side}×${source.info.height} photo-like image, quality ${quality}, sharp ${sharp.versions.sharp}, concurrency ${sharp.concurrency()}\n`);
console.log('| encoder | median ms | kB |\n| --- | --- | --- |');
await measure(`JPEG q${quality}`, (image) => image.jpeg({ quality, progressive: true }), source);
await measure(`WebP q${quality} effort 4`, (image) => image.webp({ quality, effort: 4 }), source);
// Same number as JPEG/WebP, to show why AVIF gets quality - 20 (src/render/quality.ts).
await measure(`AVIF q${quality} effort ${limits.render.avifEffort}`, (image) => image.avif({ quality, effort: limits.render.avifEffort }), source);
for (const effort of [0, 1, 2, 3, 4]) {
  await measure(`AVIF q${encoderQuality('avif', quality)} effort ${effort}`, (image) => image.avif({ quality: encoderQuality('avif', quality), effort }), source, effort >= 4 ? 2 : RUNS);
}
