/**
 * Purge: after an API call that changes what a URL may show returns, no request is answered from a
 * stale copy — not even one already in flight when the change lands. In-flight requests are held
 * by occupying the only transform slot (PICTOR_TRANSFORM_CONCURRENCY=1) until the change is made.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, expectDeliveryError, metricTotal, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: Buffer;
const account = () => ({ account_id: pictor.accountId });

beforeAll(async () => {
  pictor = await startPictor({ env: { PICTOR_TRANSFORM_CONCURRENCY: '1' } });
  photo = await images.jpeg(240, 180);
});
afterAll(async () => pictor?.close());

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Starts the requests while the transform slot is taken, waits until they queue, runs `change`, then frees the slot. */
async function whileInFlight<T>(requests: () => Array<Promise<T>>, change: () => Promise<unknown>): Promise<T[]> {
  const queue = pictor.services.transformQueue;
  let release!: () => void;
  const slot = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
  await until(() => queue.active === 1, 'the slot to be taken');
  const pending = requests();
  await until(() => queue.queued === 1, 'the request to wait for a transform');
  await change();
  release();
  await slot;
  return Promise.all(pending);
}

async function servedTwice(path: string): Promise<void> {
  expect((await deliver(pictor, path)).res.status).toBe(200);
  const again = await deliver(pictor, path);
  expect(again.res.status).toBe(200);
  expect(again.res.headers.get('x-pictor-cache')).toBe('hit-memory');
}

describe('purge after the API call returns', () => {
  it('PATCH requireSignedURLs: true → the very next unsigned request is refused', async () => {
    const id = await upload(pictor, photo);
    const path = deliveryPath(pictor, id, 'public');
    await servedTwice(path);
    await pictor.client.images.v1.edit(id, { ...account(), requireSignedURLs: true });
    expectDeliveryError(await deliver(pictor, path), 403, 9425);
    await pictor.client.images.v1.edit(id, { ...account(), requireSignedURLs: false });
    expect((await deliver(pictor, path)).res.status).toBe(200);
  });

  it('delete → the next request is 404, on both route forms', async () => {
    const id = await upload(pictor, photo);
    await servedTwice(deliveryPath(pictor, id, 'public'));
    await pictor.client.images.v1.delete(id, account());
    expectDeliveryError(await deliver(pictor, deliveryPath(pictor, id, 'public')), 404, 9431);
    expectDeliveryError(await deliver(pictor, deliveryPath(pictor, id, 'public', { customDomain: true })), 404, 9431);
  });

  it('variant width edited → the next response has the new width; deleted → 404', async () => {
    const id = await upload(pictor, photo);
    await pictor.client.images.v1.variants.create({ ...account(), id: 'card', options: { fit: 'scale-down', width: 120, height: 120, metadata: 'none' } });
    const path = deliveryPath(pictor, id, 'card');
    await servedTwice(path);
    expect((await decode((await deliver(pictor, path)).body)).width).toBe(120);
    await pictor.client.images.v1.variants.edit('card', { ...account(), options: { fit: 'scale-down', width: 60, height: 60, metadata: 'none' } });
    expect((await decode((await deliver(pictor, path)).body)).width).toBe(60);
    await pictor.client.images.v1.variants.delete('card', account());
    expectDeliveryError(await deliver(pictor, path), 404, 9431);
  });

  it('50 concurrent cold requests for one rendition run one transform', async () => {
    const id = await upload(pictor, photo);
    const before = await metricTotal(pictor.origin, 'pictor_transforms_total');
    const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(pictor, deliveryPath(pictor, id, 'public'), { headers: { accept: 'image/webp' } })));
    expect(responses.map((r) => r.res.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((r) => r.res.headers.get('etag'))).size).toBe(1);
    expect((await metricTotal(pictor.origin, 'pictor_transforms_total')) - before).toBe(1);
  });
});

describe('requests in flight when the purge lands', () => {
  it('become 403 when the image turns private', async () => {
    const id = await upload(pictor, photo);
    const path = deliveryPath(pictor, id, 'public');
    const results = await whileInFlight(
      () => [deliver(pictor, path), deliver(pictor, path)],
      () => pictor.client.images.v1.edit(id, { ...account(), requireSignedURLs: true }),
    );
    for (const result of results) expectDeliveryError(result, 403, 9425);
    expectDeliveryError(await deliver(pictor, path), 403, 9425);
  });

  it('become 404 when the image is deleted', async () => {
    const id = await upload(pictor, photo);
    const [result] = await whileInFlight(
      () => [deliver(pictor, deliveryPath(pictor, id, 'public'))],
      () => pictor.client.images.v1.delete(id, account()),
    );
    expectDeliveryError(result!, 404, 9431);
  });

  it('become 403 when the key that signed them is deleted', async () => {
    const id = await upload(pictor, photo, { requireSignedURLs: true });
    const { keys } = await pictor.client.images.v1.keys.update('doomed', account());
    const path = deliveryPath(pictor, id, 'public');
    const signed = `${path}?sig=${createHmac('sha256', keys!.find((k) => k.name === 'doomed')!.value!).update(path).digest('hex')}`;
    const [result] = await whileInFlight(
      () => [deliver(pictor, signed)],
      () => pictor.client.images.v1.keys.delete('doomed', account()),
    );
    expectDeliveryError(result!, 403, 9425);
  });

  it('get the new width when their variant is edited', async () => {
    const id = await upload(pictor, photo);
    await pictor.client.images.v1.variants.create({ ...account(), id: 'tile', options: { fit: 'scale-down', width: 100, height: 100, metadata: 'none' } });
    const path = deliveryPath(pictor, id, 'tile');
    const [result] = await whileInFlight(
      () => [deliver(pictor, path)],
      () => pictor.client.images.v1.variants.edit('tile', { ...account(), options: { fit: 'scale-down', width: 40, height: 40, metadata: 'none' } }),
    );
    expect(result!.res.status).toBe(200);
    expect((await decode(result!.body)).width).toBe(40);
  });
});
