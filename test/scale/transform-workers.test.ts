/**
 * /cdn-cgi/image/ with PICTOR_WORKERS=2: a herd spread over both workers costs one origin fetch
 * and one transform (cluster flights carry sources as well as renditions), and a purge through the
 * SDK reaches every worker before it returns.
 */
import fs from 'node:fs';
import http from 'node:http';
import Cloudflare from 'cloudflare';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jpeg } from '../helpers/images.js';
import { startScriptedOrigin, type ScriptedOrigin } from '../helpers/origin-server.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN, tempDir } from '../helpers/pictor.js';
import { type PictorProcess, spawnPictor } from '../helpers/process.js';

let server: PictorProcess;
let origin: ScriptedOrigin;
let dataDir: string;
let current: Buffer;

beforeAll(async () => {
  current = await jpeg(300, 200);
  origin = await startScriptedOrigin((_req, res) => {
    const body = current;
    // Slow enough that the whole herd arrives while the first fetch is under way.
    setTimeout(() => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length, 'cache-control': 'max-age=3600' }).end(body), 300);
  });
  dataDir = tempDir('pictor-transform-workers-');
  server = await spawnPictor({
    PICTOR_DATA_DIR: dataDir,
    PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID,
    PICTOR_API_TOKEN: TEST_TOKEN,
    PICTOR_WORKERS: '2',
    PICTOR_TRANSFORM_ORIGIN: origin.url('/'),
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await origin?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A GET on a connection of its own: the cluster hands each new connection to the next worker. */
function getOnNewConnection(path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.origin}${path}`, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const machineSum = async (name: string) => {
  const body = (await getOnNewConnection('/metrics')).body.toString();
  return [...body.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
};

it('a herd of 100 over two workers costs one origin fetch and one transform', async () => {
  const before = await machineSum('pictor_transforms_total');
  const results = await Promise.all(Array.from({ length: 100 }, () => getOnNewConnection('/cdn-cgi/image/width=90/herd.jpg')));
  expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
  expect(origin.seenFor('/herd.jpg')).toHaveLength(1);
  expect((await machineSum('pictor_transforms_total')) - before).toBe(1);
});

it('a purge by file through the SDK reaches both workers before it returns', async () => {
  const path = '/cdn-cgi/image/width=1000/purged.jpg';
  for (let i = 0; i < 6; i++) expect((await getOnNewConnection(path)).status).toBe(200);
  current = await jpeg(240, 100);
  const client = new Cloudflare({ baseURL: `${server.origin}/client/v4`, apiToken: TEST_TOKEN, maxRetries: 0 });
  await client.cache.purge({ zone_id: TEST_ACCOUNT_ID, files: [origin.url('/purged.jpg')] });
  // Every answer, from either worker, is the new image (240 px wide), none the purged one (300 px).
  const widths = await Promise.all(Array.from({ length: 6 }, async () => (await sharp((await getOnNewConnection(path)).body).metadata()).width));
  expect(widths).toEqual(Array(6).fill(240));
  expect(origin.seenFor('/purged.jpg').length).toBeGreaterThanOrEqual(2);
});
