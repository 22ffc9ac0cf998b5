/**
 * The decode deadline of an upload through the API: with PICTOR_TRANSFORM_TIMEOUT_MS at 200 ms, a
 * 12 MP HEIC (seconds of decoding) is refused with the 400 / 5400 envelope and stored nowhere, its
 * worker is stopped, /healthz answers quickly throughout, and a small image still uploads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTHZ_BOUND_MS, slowestHealthz } from '../helpers/healthz.js';
import * as images from '../helpers/images.js';
import { multipartBody } from '../helpers/multipart.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
beforeAll(async () => (pictor = await startPictor({ env: { PICTOR_TRANSFORM_TIMEOUT_MS: '200' } })));
afterAll(async () => pictor?.close());

async function post(bytes: Buffer, filename: string, type: string): Promise<{ status: number; body: unknown }> {
  const { body, contentType } = multipartBody([{ name: 'file', value: bytes, filename, type }]);
  const res = await pictor.api('/images/v1', { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: await res.json() };
}

describe('an upload past the decode deadline', () => {
  it('answers 400 / 5400 for a 12 MP HEIC while /healthz stays fast, and stores nothing', async () => {
    const refused = await slowestHealthz(pictor.origin, post(images.bigHeic(), 'big.heic', 'image/heic'));
    expect(refused.result).toEqual({
      status: 400,
      body: expect.objectContaining({
        success: false,
        errors: [expect.objectContaining({ code: 5400, message: 'The image took too long to decode: longer than the 200 ms allowed' })],
      }),
    });
    expect(refused.polls).toBeGreaterThan(0);
    expect(refused.slowestMs).toBeLessThan(HEALTHZ_BOUND_MS);
    const listed = (await (await pictor.api('/images/v1')).json()) as { result: { images: unknown[] } };
    expect(listed.result.images).toEqual([]);

    // The stopped worker is replaced: a small HEIC and a JPEG upload within the same deadline.
    expect((await post(images.heic(), 'small.heic', 'image/heic')).status).toBe(200);
    expect((await post(await images.jpeg(40, 30), 'small.jpg', 'image/jpeg')).status).toBe(200);
  });
});
