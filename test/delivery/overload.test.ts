/**
 * 200 concurrent cold requests against a real server process with one transform slot and room for
 * eight waiting: the rest get 429 + Retry-After at once, nothing fails otherwise, the process
 * lives on, and its resident memory stays bounded.
 */
import fs from 'node:fs';
import Cloudflare, { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, metric } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN, tempDir } from '../helpers/pictor.js';
import { spawnPictor, type PictorProcess } from '../helpers/process.js';
import { createTestStores, type TestStores } from '../helpers/test-engine.js';

const CONCURRENCY = 1;
const QUEUE = 8;
const REQUESTS = 200;
/**
 * Peak RSS growth allowed during the burst (measured here: about 80 MiB). With the queue, one
 * 2400×1600 source is decoded at a time (11.5 MB of pixels) and waiting requests hold no image
 * bytes; sharp's operation cache (≤ 50 MB) and allocator slack make up the rest. Without the
 * bound, 200 requests would each hold the original and a decode in flight: well over a GiB.
 */
const MAX_RSS_GROWTH = 256 * 1024 * 1024;

let server: PictorProcess;
let stores: TestStores;
let dataDir: string;
let imageBase: string;

beforeAll(async () => {
  dataDir = tempDir();
  stores = await createTestStores();
  server = await spawnPictor({
    ...stores.env,
    PICTOR_DATA_DIR: dataDir,
    PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID,
    PICTOR_API_TOKEN: TEST_TOKEN,
    PICTOR_TRANSFORM_CONCURRENCY: String(CONCURRENCY),
    PICTOR_TRANSFORM_QUEUE: String(QUEUE),
  });
  const client = new Cloudflare({ baseURL: `${server.origin}/client/v4`, apiToken: TEST_TOKEN, maxRetries: 0 });
  const image = await client.images.v1.create({ account_id: TEST_ACCOUNT_ID, file: await toFile(await images.jpeg(2400, 1600), 'big.jpg') });
  imageBase = image.variants![0]!.replace(/\/public$/, '');
  const config = await fetch(`${server.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1/config`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ flexible_variants: true }),
  });
  expect(config.status).toBe(200);
}, 30_000);

afterAll(async () => {
  server?.child.kill();
  await server?.exited;
  await stores?.remove();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function get(url: string) {
  const res = await fetch(url, { headers: { accept: 'image/jpeg' } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

describe(`${REQUESTS} concurrent cold requests, ${CONCURRENCY} transform slot, queue of ${QUEUE}`, () => {
  it('answers 429 + Retry-After past the queue, serves the rest, survives, and keeps memory bounded', async () => {
    // Warm up libvips and the allocator so the baseline is a working server's, not a fresh one's.
    expect((await get(`${imageBase}/w=1000`)).res.status).toBe(200);
    const baseline = await metric(server.origin, 'process_resident_memory_bytes');
    let peak = baseline;
    let bursting = true;
    const sampling = (async () => {
      while (bursting) {
        peak = Math.max(peak, await metric(server.origin, 'process_resident_memory_bytes'));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    const widths = Array.from({ length: REQUESTS }, (_, i) => 1300 + i);
    const responses = await Promise.all(widths.map((w) => get(`${imageBase}/w=${w}`)));
    bursting = false;
    await sampling;

    const served = responses.filter(({ res }) => res.status === 200);
    const refused = responses.filter(({ res }) => res.status === 429);
    expect(served.length + refused.length).toBe(REQUESTS);
    // The first CONCURRENCY + QUEUE requests to arrive are always accepted.
    expect(served.length).toBeGreaterThanOrEqual(CONCURRENCY + QUEUE);
    expect(refused.length).toBeGreaterThan(0);
    for (const { res, body } of refused) {
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get('cf-resized')).toBe('err=9529');
      expect(body.toString()).toMatch(/^ERROR 9529: /);
    }
    for (const { res, body } of served) {
      const asked = Number(/w=(\d+)/.exec(res.url)![1]);
      expect(await decode(body)).toMatchObject({ format: 'jpeg', width: asked });
    }

    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    expect((await get(`${imageBase}/public`)).res.status).toBe(200);
    expect(await metric(server.origin, 'pictor_transform_queue_depth')).toBe(0);
    expect(peak - baseline, `RSS ${Math.round(baseline / 2 ** 20)} MiB → peak ${Math.round(peak / 2 ** 20)} MiB`).toBeLessThan(MAX_RSS_GROWTH);
  }, 30_000);
});
