/**
 * HEIC decoding off the event loop (issue 10, item 14): while a 12 MP HEVC HEIC is validated at
 * upload and decoded for delivery (seconds of WebAssembly work), /healthz keeps answering quickly.
 * The fixture is committed (26 KB, test/fixtures/README.md says how it was made).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import { HEALTHZ_BOUND_MS, slowestHealthz } from '../helpers/healthz.js';
import { bigHeic } from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;

beforeAll(async () => {
  pictor = await startPictor();
  await patchDeliveryConfig(pictor, { flexible_variants: true });
});
afterAll(async () => pictor?.close());

describe('HEIC decoding on a worker thread', () => {
  it('keeps /healthz fast while a 12 MP HEIC is uploaded and then delivered', async () => {
    const bytes = bigHeic();
    const uploaded = await slowestHealthz(pictor.origin, upload(pictor, bytes, { filename: 'big.heic' }));
    const delivered = await slowestHealthz(pictor.origin, deliver(pictor, deliveryPath(pictor, uploaded.result, 'w=400,f=jpeg')));

    expect(delivered.result.res.status).toBe(200);
    expect(await decode(delivered.result.body)).toMatchObject({ format: 'jpeg', width: 400, height: 300 });
    // Several polls per phase, so a stall could not have slipped between them.
    expect(uploaded.polls).toBeGreaterThan(3);
    expect(delivered.polls).toBeGreaterThan(3);
    expect(uploaded.slowestMs).toBeLessThan(HEALTHZ_BOUND_MS);
    expect(delivered.slowestMs).toBeLessThan(HEALTHZ_BOUND_MS);
  });
});
