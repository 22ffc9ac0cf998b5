/**
 * HEIC decoding off the event loop (issue 10, item 14): while a 12 MP HEVC HEIC is validated at
 * upload and decoded for delivery (seconds of WebAssembly work), /healthz keeps answering quickly.
 * The fixture is committed (26 KB, test/fixtures/README.md says how it was made).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, deliver, deliveryPath, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'gradient-4000x3000.heic');
/**
 * Generous for a shared 2-core machine running other suites; decoding this file on the event loop
 * stalls /healthz for 2–5 s.
 */
const HEALTHZ_BOUND_MS = 500;

let pictor: TestPictor;

beforeAll(async () => {
  pictor = await startPictor();
  await patchDeliveryConfig(pictor, { flexible_variants: true });
});
afterAll(async () => pictor?.close());

/** Polls /healthz one request at a time until `work` settles; returns the slowest answer, ms. */
async function slowestHealthz<T>(work: Promise<T>): Promise<{ result: T; slowestMs: number; polls: number }> {
  let settled = false;
  const finished = work.finally(() => (settled = true));
  let slowestMs = 0;
  let polls = 0;
  while (!settled) {
    const started = performance.now();
    const res = await fetch(`${pictor.origin}/healthz`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    slowestMs = Math.max(slowestMs, performance.now() - started);
    polls++;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { result: await finished, slowestMs, polls };
}

describe('HEIC decoding on a worker thread', () => {
  it('keeps /healthz fast while a 12 MP HEIC is uploaded and then delivered', async () => {
    const bytes = fs.readFileSync(fixture);
    const uploaded = await slowestHealthz(upload(pictor, bytes, { filename: 'big.heic' }));
    const delivered = await slowestHealthz(deliver(pictor, deliveryPath(pictor, uploaded.result, 'w=400,f=jpeg')));

    expect(delivered.result.res.status).toBe(200);
    expect(await decode(delivered.result.body)).toMatchObject({ format: 'jpeg', width: 400, height: 300 });
    // Several polls per phase, so a stall could not have slipped between them.
    expect(uploaded.polls).toBeGreaterThan(3);
    expect(delivered.polls).toBeGreaterThan(3);
    expect(uploaded.slowestMs).toBeLessThan(HEALTHZ_BOUND_MS);
    expect(delivered.slowestMs).toBeLessThan(HEALTHZ_BOUND_MS);
  });
});
