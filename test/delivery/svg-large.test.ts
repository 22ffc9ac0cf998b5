/**
 * Large and complex SVGs (issue 10, item 3): refused at upload past limits.render.svg with a clear
 * error, sanitized off the main thread (/healthz stays fast while a huge stored SVG is judged),
 * stored as uploaded but delivered only sanitized, as one rendition (one sanitizer run) per image
 * version whatever the options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../src/limits.js';
import { sanitizeSvg } from '../../src/render/svg-sanitize.js';
import { deliver, deliveryPath, expectDeliveryError, metric, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

/** The attack's file: about 10 MB of 350,000 <rect>s. */
const hugeSvg = () =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">${'<rect width="1" height="1"/>'.repeat(350_000)}</svg>`);
const smallSvg = (rects = 10) =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80">${'<rect width="1" height="1" fill="red"/>'.repeat(rects)}</svg>`);

/** Polls /healthz every 20 ms while `work` runs; resolves to the slowest answer, ms. */
async function slowestHealthz(origin: string, work: Promise<unknown>): Promise<number> {
  let done = false;
  let slowest = 0;
  const polling = (async () => {
    while (!done) {
      const started = performance.now();
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await work.finally(() => (done = true));
  await polling;
  return slowest;
}

describe('large SVGs', () => {
  let pictor: TestPictor;

  beforeAll(async () => {
    pictor = await startPictor();
    await patchDeliveryConfig(pictor, { flexible_variants: true });
    // Starts the sanitizer's worker thread, as any earlier SVG upload would have.
    await upload(pictor, smallSvg(), { filename: 'warm-up.svg' });
  });
  afterAll(async () => pictor?.close());

  it('refuses an SVG past the element limit at upload with 400 / 5400', async () => {
    const huge = hugeSvg();
    expect(huge.length).toBeLessThanOrEqual(limits.maxFileBytes);
    const form = new FormData();
    form.set('file', new Blob([huge], { type: 'image/svg+xml' }), 'huge.svg');
    const res = await pictor.api('/images/v1', { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      success: false,
      errors: [{ code: 5400, message: expect.stringMatching(/^The SVG is too complex: it has more than 100000 elements/) }],
    });
  });

  it('inspects a huge SVG upload off the main thread: /healthz stays fast', async () => {
    // The inspection alone: in this test the HTTP client shares the server's event loop, so the
    // client's own 10 MB multipart encoding would be timed too.
    const inspecting = pictor.services.images.inspect(hugeSvg(), 'image/svg+xml').catch((error: unknown) => error);
    // Bound demanded by the acceptance point; generous for a shared 2-core machine (the sanitizer
    // on the main thread stalled it for 1–2 s).
    expect(await slowestHealthz(pictor.origin, inspecting)).toBeLessThan(500);
    expect(await inspecting).toMatchObject({ code: 5400, status: 400 });
  });

  it('judges a huge stored SVG (one stored before the limits) off the main thread: /healthz stays fast, 415 / 9412', async () => {
    const id = await upload(pictor, smallSvg(), { filename: 'small.svg' });
    const { blobs, imageRepository } = pictor.services;
    await blobs.put((await imageRepository.find(pictor.accountId, id))!.blobKey!, hugeSvg(), 'image/svg+xml');
    const delivering = deliver(pictor, deliveryPath(pictor, id, 'public'));
    expect(await slowestHealthz(pictor.origin, delivering)).toBeLessThan(500);
    expectDeliveryError(await delivering, 415, 9412);
    expect((await delivering).body.toString()).toMatch(/more than 100000 elements/);
  });

  it('stores the original byte for byte, and delivers only the sanitized document', async () => {
    const hostile = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert(2)</script><rect width="1" height="1"/></svg>');
    const id = await upload(pictor, hostile, { filename: 'hostile.svg' });
    const res = await pictor.api(`/images/v1/${id}/blob`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(hostile)).toBe(true);
    const expected = sanitizeSvg(hostile).body;
    for (const variant of ['public', 'w=10', 'f=webp']) {
      const { res: delivered, body } = await deliver(pictor, deliveryPath(pictor, id, variant));
      expect(delivered.status).toBe(200);
      expect(body.equals(expected), body.toString()).toBe(true);
      expect(body.toString()).not.toMatch(/alert|script|onload/);
    }
  });

  it('sanitizes a stored SVG once for any number of deliveries, concurrent or not', async () => {
    const id = await upload(pictor, smallSvg(500), { filename: 'once.svg' });
    const sanitizes = () => metric(pictor.origin, 'pictor_transforms_total', { format: 'svg' });
    const before = await sanitizes();
    const variants = ['public', 'w=1', 'w=2', 'h=3', 'f=avif', 'public', 'w=1', 'fit=cover,w=9'];
    const concurrent = await Promise.all(variants.map((variant) => deliver(pictor, deliveryPath(pictor, id, variant))));
    const sequential = [];
    for (const variant of variants) sequential.push(await deliver(pictor, deliveryPath(pictor, id, variant)));
    const answers = [...concurrent, ...sequential];
    expect(answers.map(({ res }) => res.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map(({ body }) => body.toString())).size).toBe(1);
    expect(await sanitizes()).toBe(before + 1);
    expect(sequential.map(({ res }) => res.headers.get('x-pictor-cache'))).toEqual(sequential.map(() => 'hit-memory'));
  });

  it('renders an SVG once for every variant and option: w=1…w=5, named variant, format, Accept', async () => {
    const id = await upload(pictor, smallSvg(2000), { filename: 'icons.svg' });
    const variants = ['w=1', 'w=2', 'w=3', 'w=4', 'w=5', 'w=5,h=9,fit=cover', 'f=avif', 'public'];
    const sources: string[] = [];
    for (const [i, variant] of variants.entries()) {
      const { res, body } = await deliver(pictor, deliveryPath(pictor, id, variant), { headers: { accept: i % 2 ? 'image/avif,image/webp' : '*/*' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(body.toString()).toContain('<rect width="1" height="1" fill="red"/>');
      sources.push(res.headers.get('x-pictor-cache')!);
    }
    expect(sources).toEqual(['miss', ...variants.slice(1).map(() => expect.stringMatching(/^hit-/))]);
  });
});
