/**
 * A node on PostgreSQL + S3 whose connections to PostgreSQL or to S3 are cut or refused while it
 * works (TCP proxies stand between it and the shared servers). Whatever a request was doing, the
 * node answers it with an envelope (503 and Retry-After while a store is down), keeps running, and
 * serves normally once the store is back; no row is left without its blob.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { startNodes, type TestNode, type TestNodes } from '../helpers/nodes.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { postgresSkipReason } from '../helpers/postgres-test-database.js';
import { s3SkipReason, testS3Client } from '../helpers/s3-test-bucket.js';
import { createScaledStores, type TestStores } from '../helpers/test-engine.js';

const skipReason = postgresSkipReason ?? s3SkipReason;
if (skipReason) console.warn(`[store-outages] SKIPPED: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('a node whose PostgreSQL or S3 connections fail', () => {
  let stores: TestStores;
  let proxy: TcpProxy;
  let s3Proxy: TcpProxy;
  let cluster: TestNodes;
  let node: TestNode;

  beforeAll(async () => {
    stores = await createScaledStores();
    const database = new URL(stores.env.DATABASE_URL!);
    proxy = await startTcpProxy(database.hostname, Number(database.port || 5432));
    database.host = `127.0.0.1:${proxy.port}`;
    const blobStore = new URL(stores.env.BLOB_STORE_URL!);
    const s3 = new URL(blobStore.searchParams.get('endpoint')!);
    s3Proxy = await startTcpProxy(s3.hostname, Number(s3.port || 80));
    s3.host = `127.0.0.1:${s3Proxy.port}`;
    blobStore.searchParams.set('endpoint', s3.origin);
    blobStore.searchParams.set('timeoutMs', '1000');
    cluster = await startNodes(1, {
      ...stores.env,
      DATABASE_URL: database.toString(),
      BLOB_STORE_URL: blobStore.toString(),
      PICTOR_DB_QUERY_TIMEOUT_MS: '1000',
    });
    node = cluster.nodes[0]!;
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
    await proxy?.close();
    await s3Proxy?.close();
    await stores?.remove();
  });

  async function upload(bytes: Buffer): Promise<{ status: number; body: { success: boolean; errors: { code: number }[]; result: { id: string; variants: string[] } | null } }> {
    const form = new FormData();
    form.set('file', new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
    const res = await node.api('/images/v1', { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as Awaited<ReturnType<typeof upload>>['body'] };
  }

  /** Every image row's blob exists in the bucket. */
  async function expectEveryRowHasItsBlob() {
    const bucket = new URL(stores.env.BLOB_STORE_URL!).hostname;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: stores.env.DATABASE_URL });
    await client.connect();
    const s3 = testS3Client();
    try {
      const { rows: keys } = await client.query<{ blob_key: string }>('select blob_key from images where blob_key is not null');
      expect(keys.length).toBeGreaterThan(0);
      for (const { blob_key } of keys) await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: blob_key }));
    } finally {
      await client.end();
      s3.destroy();
    }
  }

  it('survives its connections being cut during a burst of uploads, answers each with an envelope, and recovers', async () => {
    const bytes = await images.jpeg(64, 48);
    const burst = Array.from({ length: 40 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 10));
      return upload(bytes);
    });
    for (let at = 100; at <= 400; at += 50) setTimeout(() => proxy.cutAll(), at);
    const answers = await Promise.all(burst);
    for (const answer of answers) {
      if (answer.status === 200) expect(answer.body.success).toBe(true);
      else expect(answer.body).toMatchObject({ success: false, result: null, errors: [{ code: expect.any(Number) }] });
    }
    expect(node.child.exitCode).toBeNull();
    expect(node.output()).not.toMatch(/Unhandled 'error' event/);
    expect((await upload(bytes)).status).toBe(200);
    await expectEveryRowHasItsBlob();
  }, 60_000);

  /** An upload while `proxy` refuses connections answer 503 envelopes naming `store`. */
  async function expectUnavailableWhileRefused(proxy: TcpProxy, store: string) {
    proxy.refuse();
    try {
      const down = await upload(await images.jpeg(64, 48));
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ success: false, result: null, errors: [{ code: 9522, message: expect.stringContaining(store) }] });
    } finally {
      proxy.restore();
    }
  }

  it('answers 503 with Retry-After while PostgreSQL refuses connections, on the API and on delivery, and serves again once it is back', async () => {
    const { body } = await upload(await images.jpeg(64, 48));
    const url = body.result!.variants[0]!;
    proxy.refuse();
    try {
      const list = await node.api('/images/v2');
      expect(list.status).toBe(503);
      expect(list.headers.get('retry-after')).toBe('5');
      expect(await list.json()).toMatchObject({ success: false, result: null, errors: [{ code: 9522 }] });
      const delivery = await fetch(url);
      expect(delivery.status).toBe(503);
      expect(await delivery.text()).toMatch(/^ERROR 9522: The image database is unavailable/);
    } finally {
      proxy.restore();
    }
    await expectUnavailableWhileRefused(proxy, 'database');
    expect((await upload(await images.jpeg(64, 48))).status).toBe(200);
    expect((await fetch(url)).status).toBe(200);
    expect(node.child.exitCode).toBeNull();
  }, 60_000);

  it('answers 503 while S3 refuses connections, keeps serving cached renditions, and lets deletes succeed', async () => {
    const uploaded = await upload(await images.jpeg(64, 48));
    const cachedUrl = uploaded.body.result!.variants[0]!;
    expect((await fetch(cachedUrl)).status).toBe(200);
    const uncached = await upload(await images.jpeg(64, 48));
    const uncachedUrl = uncached.body.result!.variants[0]!;
    await expectUnavailableWhileRefused(s3Proxy, 'blob store');
    s3Proxy.refuse();
    try {
      expect((await fetch(cachedUrl)).status).toBe(200);
      const delivery = await fetch(uncachedUrl);
      expect(delivery.status).toBe(503);
      expect(await delivery.text()).toMatch(/^ERROR 9522: The image blob store is unavailable/);
      // The row goes first; the blob left behind is the stray-blob sweeper's.
      expect((await node.api(`/images/v1/${uncached.body.result!.id}`, { method: 'DELETE' })).status).toBe(200);
    } finally {
      s3Proxy.restore();
    }
    expect((await node.api(`/images/v1/${uncached.body.result!.id}`)).status).toBe(404);
    expect((await upload(await images.jpeg(64, 48))).status).toBe(200);
    expect(node.child.exitCode).toBeNull();
  }, 60_000);

  it('gives up queries PostgreSQL does not answer (a partition), answers 503, and recovers once the network is back', async () => {
    expect((await node.api('/images/v2')).status).toBe(200);
    proxy.stall();
    try {
      const started = Date.now();
      const answers = await Promise.all([node.api('/images/v2'), node.api('/images/v1/stats')]);
      expect(answers.map((a) => a.status)).toEqual([503, 503]);
      // The query deadline (1 s here) or the 5 s connection timeout, never an open-ended wait.
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      proxy.restore();
    }
    // The partitioned connections were dropped; the pool opens new ones.
    const after = await Promise.all(Array.from({ length: 12 }, () => node.api('/images/v2')));
    expect(after.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(node.child.exitCode).toBeNull();
  }, 60_000);

  it('gives up S3 requests the server does not answer, answers 503, and recovers once the network is back', async () => {
    s3Proxy.stall();
    try {
      const started = Date.now();
      const stalled = await upload(await images.jpeg(64, 48));
      expect(stalled.status).toBe(503);
      expect(stalled.body).toMatchObject({ errors: [{ code: 9522, message: expect.stringContaining('blob store') }] });
      // Three attempts of 1 s silence each, plus the SDK's backoff.
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      s3Proxy.restore();
    }
    expect((await upload(await images.jpeg(64, 48))).status).toBe(200);
  }, 60_000);
});
