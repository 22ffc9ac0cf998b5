/**
 * deploy/nginx.conf, as shipped, in front of two nodes sharing PostgreSQL + S3: only its upstream
 * addresses and listen port are rewritten for the test. Uploads (up to the 10 MB limit), the
 * refusal of a larger one, signed and unsigned delivery all pass through, both nodes serve, and
 * its per-client `limit_conn` on uploads answers 429 past the cap while deliveries go on.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Cloudflare, { toFile } from 'cloudflare';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signDeliveryUrl } from '../../src/signing/signed-url.js';
import { metricTotal } from '../helpers/delivery.js';
import { freePort, nginxMissing, shippedNginxConf as shipped, startNginx, type TestNginx } from '../helpers/nginx.js';
import { startNodes, type TestNodes } from '../helpers/nodes.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN } from '../helpers/pictor.js';
import { postgresSkipReason } from '../helpers/postgres-test-database.js';
import { s3SkipReason } from '../helpers/s3-test-bucket.js';
import { createScaledStores, type TestStores } from '../helpers/test-engine.js';

const skipReason = nginxMissing ?? postgresSkipReason ?? s3SkipReason;
if (skipReason) {
  if (nginxMissing && process.env.PICTOR_REQUIRE_SERVICES === '1') throw new Error(`PICTOR_REQUIRE_SERVICES=1 but ${nginxMissing}`);
  console.warn(`[nginx] SKIPPED: ${skipReason}`);
}

const account = { account_id: TEST_ACCOUNT_ID };
let stores: TestStores;
let cluster: TestNodes;
let nginx: TestNginx | undefined;
let origin: string;
let client: Cloudflare;

beforeAll(async () => {
  if (skipReason) return;
  stores = await createScaledStores();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  cluster = await startNodes(2, { ...stores.env, PICTOR_DELIVERY_URL: origin });
  nginx = await startNginx(cluster.nodes.map((n) => new URL(n.origin).host), port);
  client = new Cloudflare({ baseURL: `${origin}/client/v4`, apiToken: TEST_TOKEN, maxRetries: 0 });
}, 90_000);

afterAll(async () => {
  await nginx?.stop();
  await cluster?.stop();
  await stores?.remove();
});

/** A PNG of noise, which does not compress: `megabytes` on disk. */
const noise = (megabytes: number) => {
  const side = Math.floor(Math.sqrt((megabytes * 1e6) / 3));
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
};

describe.skipIf(skipReason !== undefined)('deploy/nginx.conf in front of two nodes', () => {
  it('passes a 9 MB upload through and serves it back, with variant URLs pointing at nginx', async () => {
    const bytes = await noise(9);
    expect(bytes.length).toBeGreaterThan(8.5e6);
    const image = await client.images.v1.create({ ...account, file: await toFile(bytes, 'big.png') });
    expect(image.variants![0]!.startsWith(`${origin}/`)).toBe(true);
    const original = await fetch(`${origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1/${image.id}/blob`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);
    for (let i = 0; i < 4; i++) {
      const res = await fetch(image.variants![0]!, { headers: { accept: 'image/webp' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
    }
  }, 60_000);

  it("refuses an upload over 10 MB with Pictor's own error envelope", async () => {
    const res = await fetch(`${origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      body: (() => {
        const form = new FormData();
        form.append('file', new Blob([randomBytes(10.5 * 1024 * 1024)]), 'huge.png');
        return form;
      })(),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBeGreaterThan(5000);
  });

  it('keeps signed-URL query strings intact: unsigned 403, signed 200', async () => {
    const image = await client.images.v1.create({ ...account, file: await toFile(await noise(0.01), 'small.png'), requireSignedURLs: true });
    const { keys } = await client.images.v1.keys.list(account);
    expect((await fetch(image.variants![0]!)).status).toBe(403);
    expect((await fetch(signDeliveryUrl(image.variants![0]!, keys![0]!.value!))).status).toBe(200);
  });

  it('spreads API requests over both nodes', async () => {
    // Deliveries go to one node per rendition (hash routing); API calls are spread round-robin.
    const served = () => Promise.all(cluster.nodes.map((node) => metricTotal(node.origin, 'pictor_http_request_duration_seconds_count')));
    const before = await served();
    for (let i = 0; i < 10; i++) await client.images.v1.list(account);
    const after = await served();
    // A node's count may include the metric read before the calls: more than that means API calls.
    after.forEach((count, i) => expect(count - before[i]!).toBeGreaterThan(2));
  });

  it('caps uploads in flight per client with limit_conn: 429 + Retry-After past it, deliveries unaffected', async () => {
    const cap = Number(/limit_conn pictor_uploads (\d+);/.exec(fs.readFileSync(shipped, 'utf8'))![1]);
    const uploadUrl = `${origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1`;
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'multipart/form-data; boundary=b' };
    const image = await client.images.v1.create({ ...account, file: await toFile(await noise(0.01), 'delivered.png') });
    // Uploads that send their headers and stall: each holds one of the client's connections.
    const answered = new Set<http.ClientRequest>();
    const stall = () => {
      const request = http.request(uploadUrl, { method: 'POST', agent: false, headers: { ...headers, 'content-length': '500000' } });
      request.on('error', () => undefined);
      request.on('response', () => answered.add(request));
      request.write('--b\r\ncontent-disposition: form-data; name="file"; filename="slow.png"\r\n\r\n');
      return request;
    };
    let stalled = Array.from({ length: cap }, stall);
    let opening = true;
    try {
      // Each node's own cap (16 per client) is not reached: the nodes hold at most `cap` between them.
      // A stalled upload that reached nginx after a probe took the last slot was refused: stall again.
      // Stalls open new connections while a probe reuses one, so a probe sent together with them
      // would beat the last one to its slot every time: probe only once none was just opened.
      await vi.waitFor(
        async () => {
          if (opening || stalled.some((request) => answered.has(request))) {
            stalled = stalled.map((request) => (answered.has(request) ? stall() : request));
            opening = false;
            throw new Error('stalled uploads are still connecting');
          }
          expect((await fetch(uploadUrl, { method: 'POST', headers, body: '--b--\r\n' })).status).toBe(429);
        },
        { timeout: 10_000, interval: 100 },
      );
      const refused = await fetch(uploadUrl, { method: 'POST', headers, body: '--b--\r\n' });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(971);
      expect((await fetch(image.variants![0]!)).status).toBe(200);
    } finally {
      stalled.forEach((r) => r.destroy());
    }
    // Connections given back: the next upload gets through (400: its form has no file).
    await vi.waitFor(async () => expect((await fetch(uploadUrl, { method: 'POST', headers, body: '--b--\r\n' })).status).toBe(400), { timeout: 10_000, interval: 100 });
  });
});
