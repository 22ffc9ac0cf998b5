/**
 * gravity=face and segment=foreground: cold start (inference thread + model load, measured as the
 * first request's extra time), per-image latency per megapixel through renderImage, and the peak
 * RSS of the process (the inference thread included). Images: scikit-image's photographs from
 * Debian's python3-skimage, enlarged to several sizes. Run:
 *   npm run build && node dist/bench/ai.js
 * Prints a Markdown table (median of the runs after the first, one render at a time).
 */
import fs from 'node:fs';
import sharp from 'sharp';
import { createVision } from '../src/ai/vision.js';
import { renderImage } from '../src/render/render.js';
import { parseOptionString } from '../src/variants/option-parser.js';

const DATA = '/usr/lib/python3/dist-packages/skimage/data';
const RUNS = Number(process.env.BENCH_AI_RUNS ?? 4);

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(bytes: Buffer, options: string, vision: ReturnType<typeof createVision>): Promise<number> {
  // A fresh Buffer each time: the per-original caches of faces and masks must not answer.
  const input = { bytes: Buffer.from(bytes), format: 'png' as const };
  const started = performance.now();
  await renderImage(input, parseOptionString(options), { vision, accept: 'image/webp' });
  return performance.now() - started;
}

const vision = createVision({ faceDetection: true, segmentation: true, segmentationModel: undefined });
const astronaut = fs.readFileSync(`${DATA}/astronaut.png`);
const sizes = [512, 1024, 2048];
const images = await Promise.all(sizes.map((side) => sharp(astronaut).resize(side, side).png({ compressionLevel: 1 }).toBuffer()));

const rows: string[] = [];
const cases = [
  { name: 'gravity=auto (saliency, for comparison)', options: 'w=300,h=300,fit=cover,gravity=auto', runs: RUNS },
  { name: 'gravity=face,zoom=0.5', options: 'w=300,h=300,fit=cover,gravity=face,zoom=0.5', runs: RUNS },
  { name: 'segment=foreground', options: 'segment=foreground,w=512,format=webp', runs: Math.max(2, Math.ceil(RUNS / 2)) },
];
for (const { name, options, runs } of cases) {
  const cold = await timed(images[0]!, options, vision);
  const warmSmall: number[] = [];
  for (let i = 0; i < runs; i++) warmSmall.push(await timed(images[0]!, options, vision));
  const coldStart = cold - median(warmSmall);
  for (const [i, side] of sizes.entries()) {
    const times = i === 0 ? warmSmall : [];
    for (let r = times.length; r < runs; r++) times.push(await timed(images[i]!, options, vision));
    const ms = median(times);
    const mp = (side * side) / 1e6;
    rows.push(`| ${name} | ${side}×${side} | ${ms.toFixed(0)} | ${(ms / mp).toFixed(0)} | ${i === 0 ? coldStart.toFixed(0) : ''} | ${peakRssMb()} |`);
  }
}
await vision.close();
console.log('| Request | Source | ms per image (median) | ms per megapixel | cold start, ms | peak RSS so far, MB |');
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(rows.join('\n'));
