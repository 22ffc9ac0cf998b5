/** Upload events as signed webhooks: signatures, every event type, retries with backoff, restarts. */
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { captureLogs } from '../helpers/log-capture.js';
import { multipartBody } from '../helpers/multipart.js';
import { startPictor, tempDir, TEST_ACCOUNT_ID, TEST_TOKEN, type TestPictor } from '../helpers/pictor.js';
import { mainScript, spawnPictor } from '../helpers/process.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** Checks a delivery the way a receiver would, without Pictor's code. */
function verify(delivery: ReceivedWebhook, secret: string): { id: string; type: string; data: Record<string, unknown> } {
  const header = String(delivery.headers['pictor-signature']);
  const { t, v1 } = Object.fromEntries(header.split(',').map((kv) => kv.split('='))) as { t: string; v1: string };
  expect(createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex')).toBe(v1);
  expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(60);
  const event = JSON.parse(delivery.body) as { id: string; type: string; data: Record<string, unknown> };
  expect(delivery.headers['pictor-event-id']).toBe(event.id);
  expect(delivery.headers['pictor-event-type']).toBe(event.type);
  return event;
}

describe('webhook events', () => {
  let pictor: TestPictor;
  let receiver: WebhookReceiver;
  const secret = 'a-shared-secret-of-some-length';

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    pictor = await startPictor({ env: { PICTOR_WEBHOOK_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await pictor?.close();
    await receiver?.close();
  });

  it('is configured through the API', async () => {
    const put = await pictor.api('/images/v1/webhook', { method: 'PUT', body: JSON.stringify({ url: receiver.url, secret }), headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(200);
    expect(((await (await pictor.api('/images/v1/webhook')).json()) as { result: unknown }).result).toEqual({ url: receiver.url, secret });
    const bad = await pictor.api('/images/v1/webhook', { method: 'PUT', body: JSON.stringify({ url: 'ftp://x' }), headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
  });

  it('signs and delivers image.uploaded, image.updated and image.deleted', async () => {
    const account = { account_id: pictor.accountId };
    const image = await pictor.client.images.v1.create({ ...account, file: await toFile(await images.jpeg(20, 20), 'w.jpg') });
    await pictor.client.images.v1.edit(image.id!, { ...account, metadata: { a: 1 } });
    await pictor.client.images.v1.delete(image.id!, account);
    const events = (await receiver.waitFor(3)).map((d) => verify(d, secret));
    expect(events.map((e) => e.type)).toEqual(['image.uploaded', 'image.updated', 'image.deleted']);
    expect((events[0]!.data.image as { id: string }).id).toBe(image.id);
    expect((events[1]!.data.image as { meta: unknown }).meta).toEqual({ a: 1 });
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('reports direct uploads that fail and complete', async () => {
    const before = receiver.received.length;
    const { uploadURL } = await pictor.client.images.v2.directUploads.create({ account_id: pictor.accountId });
    const post = (bytes: Buffer, field = 'file') => {
      const { body, contentType } = multipartBody([{ name: field, value: bytes, filename: 'd.jpg', type: 'image/jpeg' }]);
      return fetch(uploadURL!, { method: 'POST', body, headers: { 'content-type': contentType } });
    };
    const photo = await images.jpeg(10, 10);
    // Every way a browser's attempt fails is reported, the commonest (too big, misnamed field) too.
    expect((await post(Buffer.concat([photo, Buffer.alloc(10 * 1024 * 1024)]))).status).toBe(413);
    expect((await post(photo, 'image')).status).toBe(400);
    expect((await post(Buffer.from('not an image'))).status).toBe(415);
    expect((await post(photo)).status).toBe(200);
    const events = (await receiver.waitFor(before + 4)).slice(before).map((d) => verify(d, secret));
    expect(events.map((e) => e.type)).toEqual(['direct_upload.failed', 'direct_upload.failed', 'direct_upload.failed', 'direct_upload.completed']);
    expect(events.slice(0, 3).map((e) => e.data.error)).toEqual([
      expect.stringMatching(/exceeds/),
      expect.stringMatching(/field "file"/),
      expect.stringMatching(/not a supported image/),
    ]);
  });

  it('does not report a completed direct upload as failed when a second post to its URL loses the race', async () => {
    const before = receiver.received.length;
    const { id, uploadURL } = await pictor.client.images.v2.directUploads.create({ account_id: pictor.accountId });
    const photo = await images.jpeg(12, 12);
    // A double-submitted form: several posts of the same file arrive together; exactly one wins.
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { body, contentType } = multipartBody([{ name: 'file', value: photo, filename: 'twice.jpg', type: 'image/jpeg' }]);
        return (await fetch(uploadURL!, { method: 'POST', body, headers: { 'content-type': contentType } })).status;
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 404)).toBe(true);
    // A marker event afterwards: once it has arrived, every event of the race has been delivered.
    const marker = await pictor.client.images.v1.create({ account_id: pictor.accountId, file: await toFile(photo, 'marker.jpg') });
    const deadline = Date.now() + 15_000;
    const events = () => receiver.received.slice(before).map((d) => verify(d, secret));
    while (!events().some((e) => (e.data.image as { id: string }).id === marker.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const aboutDraft = events().filter((e) => (e.data.image as { id: string }).id === id);
    expect(aboutDraft.map((e) => e.type)).toEqual(['direct_upload.completed']);
  });

  it('refuses a private receiver unless allow-listed: at PUT for a literal address, and again when sending', async () => {
    const strict = await startPictor();
    try {
      for (const url of [receiver.url, 'http://10.1.2.3/hooks', 'http://[::1]/hooks', 'http://169.254.169.254/latest', 'http://localhost/hooks']) {
        const put = await strict.api('/images/v1/webhook', { method: 'PUT', body: JSON.stringify({ url }), headers: { 'content-type': 'application/json' } });
        expect(put.status, url).toBe(400);
        const body = (await put.json()) as { errors: Array<{ code: number; message: string; source?: { pointer: string } }> };
        expect(body.errors[0], url).toMatchObject({ code: 5400, source: { pointer: '/url' } });
        expect(body.errors[0]!.message, url).toMatch(/PICTOR_WEBHOOK_ALLOW/);
      }
      // Set beside the server by a CLI whose allow-list differs (or before the list was narrowed):
      // the server still refuses to send there.
      execFileSync(process.execPath, [mainScript, 'webhooks', 'set', '--account', strict.accountId, '--url', receiver.url], {
        env: { PATH: process.env.PATH ?? '', ...strict.storeEnv, PICTOR_WEBHOOK_ALLOW: '127.0.0.1' },
      });
      const before = receiver.received.length;
      await strict.client.images.v1.create({ account_id: strict.accountId, file: await toFile(await images.jpeg(10, 10), 'x.jpg') });
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.received.length).toBe(before);
    } finally {
      await strict.close();
    }
  });
});

describe('webhook retries', () => {
  it('logs each failed attempt with the event and the reason, so an operator can see why nothing arrives', async () => {
    const receiver = await startWebhookReceiver([500, 500]);
    const { lines, logger } = captureLogs();
    const pictor = await startPictor({ app: { logger }, env: { PICTOR_WEBHOOK_ALLOW: '127.0.0.1', PICTOR_WEBHOOK_RETRY_BASE_MS: '200', PICTOR_WEBHOOK_MAX_ATTEMPTS: '2' } });
    try {
      await pictor.api('/images/v1/webhook', { method: 'PUT', body: JSON.stringify({ url: receiver.url }), headers: { 'content-type': 'application/json' } });
      await pictor.client.images.v1.create({ account_id: pictor.accountId, file: await toFile(await images.jpeg(10, 10), 'l.jpg') });
      const eventId = String((await receiver.waitFor(2))[0]!.headers['pictor-event-id']);
      const deadline = Date.now() + 5000;
      const about = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.eventId === eventId);
      while (about().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(about()).toEqual([
        expect.objectContaining({ level: 40, type: 'image.uploaded', attempt: 1, error: 'the receiver answered HTTP 500', msg: expect.stringMatching(/retry/) }),
        expect.objectContaining({ level: 40, type: 'image.uploaded', attempt: 2, error: 'the receiver answered HTTP 500', msg: expect.stringMatching(/given up/) }),
      ]);
    } finally {
      await pictor.close();
      await receiver.close();
    }
  });

  it('delivers on the third try after two failures, across a SIGKILL and restart', { timeout: 90_000 }, async () => {
    const receiver = await startWebhookReceiver([500, 503, 200]);
    const dataDir = tempDir('pictor-webhook-');
    const env = {
      PICTOR_DATA_DIR: dataDir,
      PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID,
      PICTOR_API_TOKEN: TEST_TOKEN,
      PICTOR_WEBHOOK_ALLOW: '127.0.0.1',
      PICTOR_WEBHOOK_RETRY_BASE_MS: '1500',
      PICTOR_WEBHOOK_TIMEOUT_MS: '1000',
    };
    try {
      const first = await spawnPictor(env);
      // Configured with the CLI, beside the running server.
      execFileSync(process.execPath, [mainScript, 'webhooks', 'set', '--account', TEST_ACCOUNT_ID, '--url', receiver.url, '--secret', 'restart-secret-0123456789'], {
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      const { body, contentType } = multipartBody([{ name: 'file', value: await images.jpeg(16, 16), filename: 'r.jpg', type: 'image/jpeg' }]);
      const res = await fetch(`${first.origin}/client/v4/accounts/${TEST_ACCOUNT_ID}/images/v1`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': contentType },
      });
      expect(res.status).toBe(200);
      await receiver.waitFor(1);
      first.child.kill('SIGKILL');
      await first.exited;

      const second = await spawnPictor(env);
      try {
        const deliveries = await receiver.waitFor(3, 30_000);
        expect(deliveries.map((d) => d.status)).toEqual([500, 503, 200]);
        const ids = deliveries.map((d) => verify(d, 'restart-secret-0123456789').id);
        expect(new Set(ids).size).toBe(1);
        // Delivered once it succeeded: no further attempts.
        await new Promise((r) => setTimeout(r, 2000));
        expect(receiver.received).toHaveLength(3);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await receiver.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
