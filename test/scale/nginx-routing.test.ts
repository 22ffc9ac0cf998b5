/**
 * deploy/nginx.conf, as shipped, in front of three nodes sharing PostgreSQL + S3 (+ Redis for purge
 * messages when TEST_REDIS_URL is set): deliveries are routed by path, so a herd of requests for a
 * new rendition costs one transform in the whole cluster, even with the rendition's node killed;
 * API calls still go round-robin.
 */
import { randomBytes } from 'node:crypto';
import { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricTotal } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { freePort, nginxMissing, startNginx, type TestNginx } from '../helpers/nginx.js';
import { startNodes, type TestNode, type TestNodes } from '../helpers/nodes.js';
import { TEST_ACCOUNT_ID, TEST_TOKEN } from '../helpers/pictor.js';
import { postgresSkipReason } from '../helpers/postgres-test-database.js';
import { s3SkipReason } from '../helpers/s3-test-bucket.js';
import { createScaledStores, type TestStores } from '../helpers/test-engine.js';

const skipReason = nginxMissing ?? postgresSkipReason ?? s3SkipReason;
if (skipReason) console.warn(`[nginx-routing] SKIPPED: ${skipReason}`);
const redisUrl = process.env.TEST_REDIS_URL || undefined;

const HERD = 100;
let stores: TestStores;
let cluster: TestNodes;
let nginx: TestNginx | undefined;
let origin: string;
let imageId: string;
/** The image's delivery base through nginx: <origin>/<account hash>/<image id> */
let imageBase: string;

const transforms = (node: TestNode) => metricTotal(node.origin, 'pictor_transforms_total');
const requestsServed = (node: TestNode) => metricTotal(node.origin, 'pictor_http_request_duration_seconds_count');
const alive = () => cluster.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
const perNode = (count: (node: TestNode) => Promise<number>) => Promise.all(cluster.nodes.map((n) => (alive().includes(n) ? count(n) : 0)));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const apiThroughNginx = (pathUnderAccount: string) =>
  fetch(`${origin}/client/v4/accounts/${TEST_ACCOUNT_ID}${pathUnderAccount}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });

/** `count` requests for `url` at once, each on its own connection. */
async function herd(url: string, count = HERD): Promise<Array<{ status: number; body: Buffer }>> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const res = await fetch(url, { headers: { accept: 'image/webp' } });
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    }),
  );
}

beforeAll(async () => {
  if (skipReason) return;
  stores = await createScaledStores();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const bus: Record<string, string> = redisUrl ? { PURGE_BUS_URL: `${redisUrl}?channel=pictor-test-${randomBytes(6).toString('hex')}:purge` } : {};
  cluster = await startNodes(3, { ...stores.env, ...bus, PICTOR_DELIVERY_URL: origin });
  nginx = await startNginx(cluster.nodes.map((n) => new URL(n.origin).host), port, { logLevel: 'crit' });
  const client = cluster.nodes[0]!.client;
  await client.images.v1.variants.list({ account_id: TEST_ACCOUNT_ID }); // the account exists
  const res = await cluster.nodes[0]!.api('/images/v1/config', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flexible_variants: true }) });
  expect(res.status).toBe(200);
  const image = await client.images.v1.create({ account_id: TEST_ACCOUNT_ID, file: await toFile(await images.jpeg(1600, 1200), 'herd.jpg') });
  imageId = image.id!;
  imageBase = image.variants![0]!.replace(/\/[^/]+$/, '');
  expect(imageBase.startsWith(`${origin}/`)).toBe(true);
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  await cluster?.stop();
  await stores?.remove();
});

describe.skipIf(skipReason !== undefined)('deploy/nginx.conf routes deliveries by rendition across three nodes', () => {
  it(`${HERD} concurrent requests for a new rendition: one transform in the whole cluster, the same answer for all`, async () => {
    const before = await perNode(transforms);
    const answers = await herd(`${imageBase}/w=321,f=webp`);
    expect(answers.map((a) => a.status)).toEqual(Array(HERD).fill(200));
    expect(new Set(answers.map((a) => a.body.toString('base64'))).size).toBe(1);
    const after = await perNode(transforms);
    expect(sum(after) - sum(before)).toBe(1);
  }, 60_000);

  it('sends API calls round-robin: every node answers some', async () => {
    const before = await perNode(requestsServed);
    for (let i = 0; i < 12; i++) {
      expect((await apiThroughNginx(`/images/v1/${imageId}`)).status).toBe(200);
    }
    const after = await perNode(requestsServed);
    after.forEach((count, i) => expect(count - before[i]!).toBeGreaterThanOrEqual(2));
  });

  it("with a rendition's node killed, its herd still succeeds with one transform on the nodes left, and the API answers", async () => {
    // A new rendition, and the node it is routed to (the one whose counter moves).
    const before = await perNode(transforms);
    const url = `${imageBase}/w=333,f=webp`;
    expect((await fetch(url)).status).toBe(200);
    const after = await perNode(transforms);
    const owner = cluster.nodes[after.findIndex((count, i) => count > before[i]!)]!;
    expect(sum(after) - sum(before)).toBe(1);
    owner.child.kill('SIGKILL');
    await owner.exited;

    const beforeHerd = await perNode(transforms);
    const answers = await herd(url);
    expect(answers.map((a) => a.status)).toEqual(Array(HERD).fill(200));
    expect(sum(await perNode(transforms)) - sum(beforeHerd)).toBe(1);

    const listed = await Promise.all(Array.from({ length: 6 }, () => apiThroughNginx('/images/v2')));
    expect(listed.map((r) => r.status)).toEqual(Array(6).fill(200));
  }, 60_000);
});
