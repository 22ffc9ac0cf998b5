/**
 * `pictor import cloudflare` of 10,000 images from a source Pictor into an empty embedded
 * installation: wall time and the importer's peak RSS (from /usr/bin/time), with the client-side
 * rate limit lifted (against Cloudflare itself the default 1200 requests / 5 min bounds an import
 * at about 4 images a second, whatever the machine).
 * Run:
 *   npm run build && node dist/bench/scale/import-10k.js [images] [concurrency]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { buildApp } from '../../src/http/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { configFrom } from '../../src/config.js';
import { createServices } from '../../src/services.js';

const IMAGES = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = process.argv[3] ?? '8';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TOKEN = 'pictor-bench-token-0123456789abcdef';
const main = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'src', 'main.js');

/** A distinct small PNG per index (about 200 bytes to 1 KB, like thumbnails). */
function picture(i: number): Promise<Buffer> {
  const pixels = Buffer.alloc(24 * 24 * 3, i % 251);
  pixels.writeUInt32BE(i, 0);
  return sharp(pixels, { raw: { width: 24, height: 24, channels: 3 } }).png().toBuffer();
}

const sourceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pictor-bench-import-source-'));
const targetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pictor-bench-import-target-'));
const config = configFrom({ PICTOR_DATA_DIR: sourceDir, PORT: '0', PICTOR_ACCOUNT_ID: ACCOUNT, PICTOR_API_TOKEN: TOKEN, PICTOR_API_RATE_LIMIT: '0', PICTOR_LOG_LEVEL: 'warn' });
const services = await createServices(config);
const { account } = await bootstrap(services, config);
const app = await buildApp(services);
await app.listen({ host: '127.0.0.1', port: 0 });
const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
services.urls.delivery = origin;
try {
  const seeded = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < IMAGES) {
        const i = next++;
        await services.images.upload(account, { file: { bytes: await picture(i), filename: `p${i}.png`, contentType: 'image/png' }, id: i % 2 ? `bench/${i}.png` : undefined, metadata: { i } });
      }
    }),
  );
  console.log(`source: ${IMAGES} images seeded in ${((Date.now() - seeded) / 1000).toFixed(0)} s`);

  const args = [main, 'import', 'cloudflare', '--from-account', ACCOUNT, '--from-api', `${origin}/client/v4`, '--rate-limit', '1000000/1', '--concurrency', CONCURRENCY];
  const child = spawn('/usr/bin/time', ['-f', 'TIME %M %e', process.execPath, ...args], {
    env: { PATH: process.env.PATH ?? '', PICTOR_DATA_DIR: targetDir, CLOUDFLARE_API_TOKEN: TOKEN, PICTOR_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const m = /TIME (\d+) ([\d.]+)/.exec(out);
  if (code !== 0 || !m) throw new Error(`import failed (${code}):\n${out}`);
  const seconds = Number(m[2]);
  console.log(out.split('\n').filter((l) => l.startsWith('Copied')).join('\n'));
  console.log(`import of ${IMAGES} images, concurrency ${CONCURRENCY}: ${seconds.toFixed(1)} s (${(IMAGES / seconds).toFixed(0)} images/s), peak RSS ${(Number(m[1]) / 1024).toFixed(0)} MB; ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);
} finally {
  await app.close();
  await services.close();
  fs.rmSync(sourceDir, { recursive: true, force: true });
  fs.rmSync(targetDir, { recursive: true, force: true });
}
