/**
 * Three Pictor processes on different ports sharing one PostgreSQL database and one S3 bucket, once
 * per purge bus (PostgreSQL LISTEN/NOTIFY, Redis pub/sub). A change made through node 1 holds on
 * nodes 2 and 3 from the next request on, although they had the image cached and the purge message
 * reaches them later (or, with the listener killed, never).
 */
import { randomBytes } from 'node:crypto';
import { toFile } from 'cloudflare';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signDeliveryUrl } from '../../src/signing/signed-url.js';
import { metric } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startNodes, type TestNode, type TestNodes } from '../helpers/nodes.js';
import { TEST_ACCOUNT_ID } from '../helpers/pictor.js';
import { adminQuery, postgresSkipReason } from '../helpers/postgres-test-database.js';
import { s3SkipReason } from '../helpers/s3-test-bucket.js';
import { createScaledStores, type TestStores } from '../helpers/test-engine.js';

const storesSkipReason = postgresSkipReason ?? s3SkipReason;
const redisUrl = process.env.TEST_REDIS_URL || undefined;

interface BusUnderTest {
  name: string;
  skipReason: string | undefined;
  env(): Record<string, string>;
  /** Cuts the node's purge listener connection from the server side. */
  killListener(node: TestNode): Promise<void>;
}

const buses: BusUnderTest[] = [
  {
    name: 'PostgreSQL LISTEN/NOTIFY',
    skipReason: storesSkipReason,
    env: () => ({}),
    async killListener(node) {
      const killed = await adminQuery('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name like $1', [
        `pictor-purge-${node.child.pid}-%`,
      ]);
      expect(killed).toEqual([{ ok: true }]);
    },
  },
  {
    name: 'Redis pub/sub',
    skipReason: storesSkipReason ?? (redisUrl ? undefined : 'TEST_REDIS_URL is not set'),
    // Channels are server-wide: a run of its own, so parallel runs never hear each other.
    env: () => ({ PURGE_BUS_URL: `${redisUrl}?channel=pictor-test-${randomBytes(6).toString('hex')}:purge` }),
    async killListener(node) {
      const redis = new Redis(redisUrl!);
      try {
        const clients = ((await redis.client('LIST')) as string).split('\n');
        const ours = clients.filter((line) => line.includes(` name=pictor-purge-${node.child.pid}-`));
        expect(ours).toHaveLength(1);
        await redis.client('KILL', 'ID', /\bid=(\d+)/.exec(ours[0]!)![1]!);
      } finally {
        redis.disconnect();
      }
    },
  },
];

const account = { account_id: TEST_ACCOUNT_ID };

for (const bus of buses) {
  if (bus.skipReason) console.warn(`[multi-node] ${bus.name} SKIPPED: ${bus.skipReason}`);

  describe.skipIf(bus.skipReason !== undefined)(`three nodes on PostgreSQL + S3, purge over ${bus.name}`, () => {
    let stores: TestStores;
    let cluster: TestNodes;
    let n1: TestNode, n2: TestNode, n3: TestNode;

    beforeAll(async () => {
      stores = await createScaledStores();
      cluster = await startNodes(3, { ...stores.env, ...bus.env() });
      [n1, n2, n3] = cluster.nodes as [TestNode, TestNode, TestNode];
    }, 90_000);
    afterAll(async () => {
      await cluster?.stop();
      await stores?.remove();
    });

    /** Uploads through `node`; returns the id and the delivery path without the variant. */
    async function upload(node: TestNode, bytes: Buffer) {
      const image = await node.client.images.v1.create({ ...account, file: await toFile(bytes, 'photo.jpg') });
      return { id: image.id!, path: new URL(image.variants![0]!).pathname.replace(/\/public$/, '') };
    }

    async function get(node: TestNode, path: string, variant = 'public') {
      const res = await fetch(`${node.origin}${path}/${variant}`, { headers: { accept: 'image/jpeg' } });
      return { status: res.status, cache: res.headers.get('x-pictor-cache'), body: Buffer.from(await res.arrayBuffer()) };
    }

    const widthOf = async (body: Buffer) => (await sharp(body).metadata()).width;

    /** Delivers twice from each node: the second answer comes from that node's memory cache. */
    async function cacheOn(nodes: TestNode[], path: string, variant = 'public') {
      for (const node of nodes) {
        expect((await get(node, path, variant)).status).toBe(200);
        expect((await get(node, path, variant)).cache).toBe('hit-memory');
      }
    }

    it('serves an image uploaded through node 1 from nodes 2 and 3, and caches it there', async () => {
      const bytes = await images.jpeg(96, 64);
      const { path } = await upload(n1, bytes);
      await cacheOn([n2, n3], path);
      const fromNode3 = await get(n3, path);
      expect(fromNode3.body).toEqual((await get(n1, path)).body);
    });

    it('makes an image private through node 1: the next unsigned request to nodes 2 and 3 is 403', async () => {
      const { id, path } = await upload(n1, await images.jpeg(96, 64));
      await cacheOn([n2, n3], path);
      await n1.client.images.v1.edit(id, { ...account, requireSignedURLs: true });
      expect((await get(n2, path)).status).toBe(403);
      expect((await get(n3, path)).status).toBe(403);
      const { keys } = await n1.client.images.v1.keys.list(account);
      expect((await fetch(signDeliveryUrl(`${n3.origin}${path}/public`, keys![0]!.value!))).status).toBe(200);
    });

    it('deletes an image through node 1: the next request to nodes 2 and 3 is 404', async () => {
      const { id, path } = await upload(n1, await images.jpeg(96, 64));
      await cacheOn([n2, n3], path);
      await n1.client.images.v1.delete(id, account);
      expect((await get(n2, path)).status).toBe(404);
      expect((await get(n3, path)).status).toBe(404);
    });

    it('edits a variant through node 1: the next request to nodes 2 and 3 has the new size', async () => {
      const { path } = await upload(n1, await images.jpeg(96, 64));
      await n1.client.images.v1.variants.create({ ...account, id: 'edited', options: { fit: 'scale-down', width: 40, height: 40, metadata: 'none' } });
      await cacheOn([n2, n3], path, 'edited');
      expect(await widthOf((await get(n2, path, 'edited')).body)).toBe(40);
      await n1.client.images.v1.variants.edit('edited', { ...account, options: { fit: 'scale-down', width: 60, height: 60, metadata: 'none' } });
      expect(await widthOf((await get(n2, path, 'edited')).body)).toBe(60);
      expect(await widthOf((await get(n3, path, 'edited')).body)).toBe(60);
    });

    it('under a stream of cached hits on node 2, every request sent after a change through node 1 returned sees it', async () => {
      const { id, path } = await upload(n1, await images.jpeg(96, 64));
      await cacheOn([n2], path);
      let streaming = true;
      const answers: Array<{ sentAt: number; doneAt: number; status: number; cache: string | null }> = [];
      const streams = Array.from({ length: 6 }, async () => {
        while (streaming) {
          const sentAt = performance.now();
          const res = await fetch(`${n2.origin}${path}/public`, { headers: { accept: 'image/jpeg' } });
          await res.arrayBuffer();
          answers.push({ sentAt, doneAt: performance.now(), status: res.status, cache: res.headers.get('x-pictor-cache') });
        }
      });
      const changes: Array<{ startedAt: number; returnedAt: number; private: boolean }> = [];
      for (let i = 0; i < 12; i++) {
        const makePrivate = i % 2 === 0;
        const startedAt = performance.now();
        await n1.client.images.v1.edit(id, { ...account, requireSignedURLs: makePrivate });
        changes.push({ startedAt, returnedAt: performance.now(), private: makePrivate });
        await new Promise((resolve) => setTimeout(resolve, 60 + Math.random() * 60));
      }
      streaming = false;
      await Promise.all(streams);
      // A request sent after change k returned and answered before change k + 1 began must see k.
      let judged = 0;
      for (const answer of answers) {
        const k = changes.findLastIndex((c) => c.returnedAt < answer.sentAt);
        if (k < 0 || (changes[k + 1] && answer.doneAt >= changes[k + 1]!.startedAt)) continue;
        expect({ change: k, status: answer.status }).toEqual({ change: k, status: changes[k]!.private ? 403 : 200 });
        judged++;
      }
      expect(judged).toBeGreaterThan(100);
      // Node 2 answered from memory between changes: the check ran against its caches.
      expect(answers.filter((a) => a.cache === 'hit-memory').length).toBeGreaterThan(50);
    });

    it('node 2 serves nothing stale while its listener is down; back, it drops its caches and hears purges again', async () => {
      const privateLater = await upload(n1, await images.jpeg(96, 64));
      const resized = await upload(n1, await images.jpeg(96, 64));
      const untouched = await upload(n1, await images.jpeg(96, 64));
      await n1.client.images.v1.variants.create({ ...account, id: 'offline', options: { fit: 'scale-down', width: 40, height: 40, metadata: 'none' } });
      await cacheOn([n2], privateLater.path);
      await cacheOn([n2], resized.path, 'offline');
      await cacheOn([n2], untouched.path);
      const heard = () => metric(n2.origin, 'pictor_purge_events_total', { kind: 'image' });
      const imagePurgesBefore = await heard();

      await bus.killListener(n2);
      // Node 2 waits 250 ms before reconnecting: these changes are published meanwhile.
      await n1.client.images.v1.edit(privateLater.id, { ...account, requireSignedURLs: true });
      await n1.client.images.v1.variants.edit('offline', { ...account, options: { fit: 'scale-down', width: 60, height: 60, metadata: 'none' } });
      expect((await get(n2, privateLater.path)).status).toBe(403);
      expect(await widthOf((await get(n2, resized.path, 'offline')).body)).toBe(60);

      await vi.waitFor(
        async () => {
          expect(await metric(n2.origin, 'pictor_purge_bus_connected')).toBe(1);
          expect(await metric(n2.origin, 'pictor_purge_events_total', { kind: 'all' })).toBe(1);
        },
        { timeout: 15_000, interval: 100 },
      );
      // The purge of the access change was sent while node 2 was away: it never heard it.
      expect(await heard()).toBe(imagePurgesBefore);
      expect((await get(n2, privateLater.path)).status).toBe(403);
      // Everything it had cached before is gone, changed or not.
      expect((await get(n2, untouched.path)).cache).toBe('miss');

      await n1.client.images.v1.edit(privateLater.id, { ...account, requireSignedURLs: false });
      expect((await get(n2, privateLater.path)).status).toBe(200);
      await vi.waitFor(async () => expect(await heard()).toBe(imagePurgesBefore + 1), { timeout: 5_000, interval: 50 });
    });
  });
}
