// The limit: the same work as a server request, done in a plain in-process loop with no HTTP.
// Keeps `concurrency` operations in flight for the duration and prints one JSON line.
// Run by sharp-loop.mjs in its own process, so its peak RSS is its own.
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { openCpuWindow } from '../lib/cpu-window.mjs';
import { ownPeakRssMb } from '../lib/proc.mjs';
import { quantile } from '../lib/stats.mjs';
import { checkImage } from '../lib/check-image.mjs';

const job = JSON.parse(process.argv[2]);
const input = readFileSync(job.file);

function transformOnce() {
  const { width, format, quality } = job.transform;
  // qualityFor: the offset Pictor applies to the requested quality for this encoder (AVIF: −20).
  const { qualityFor = 0, ...options } = job.encoderOptions[format] ?? {};
  return sharp(input).resize(width).toFormat(format, { quality: quality + qualityFor, ...options }).toBuffer();
}

// What an upload has to do at least: learn the image's format and size, then store it durably
// (temp file, fsync, rename), as Pictor's blob store does.
async function uploadOnce() {
  await sharp(input).metadata();
  await writeDurably();
}

// The same plus the decode Pictor runs to refuse truncated and corrupt files (src/images/inspect.ts:
// every pixel decoded, shrunk on load to at most 32 px): the least a validating upload costs.
async function validatedUploadOnce() {
  await sharp(input).metadata();
  await sharp(input, { failOn: 'error', sequentialRead: true }).resize({ width: 32, height: 32, fit: 'inside', withoutEnlargement: true }).raw().toBuffer();
  await writeDurably();
}

async function writeDurably() {
  const target = path.join(job.writeDir, randomUUID());
  const handle = await open(`${target}.tmp`, 'w');
  await handle.writeFile(input);
  await handle.sync();
  await handle.close();
  await rename(`${target}.tmp`, target);
}

const operation = { upload: uploadOnce, 'validated-upload': validatedUploadOnce, transform: transformOnce }[job.op];

async function loopFor(seconds, latencies) {
  const deadline = performance.now() + seconds * 1000;
  async function lane() {
    while (performance.now() < deadline) {
      const startedAt = performance.now();
      await operation();
      latencies?.push(performance.now() - startedAt);
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, lane));
}

if (job.writeDir) mkdirSync(job.writeDir, { recursive: true });
try {
  const sample = job.op !== 'transform' ? null : await checkImage(await transformOnce(), job.transform);
  if (job.warmupSec > 0) await loopFor(job.warmupSec, null);
  const latencies = [];
  const closeWindow = openCpuWindow('self');
  await loopFor(job.durationSec, latencies);
  const cpu = closeWindow();
  process.stdout.write(
    JSON.stringify({
      requests: latencies.length,
      rps: latencies.length / cpu.seconds,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      errors: 0,
      peakRssMb: ownPeakRssMb(),
      sample,
      ...cpu,
    }) + '\n',
  );
} finally {
  if (job.writeDir) rmSync(job.writeDir, { recursive: true, force: true });
}
