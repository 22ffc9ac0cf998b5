/** Batch tokens on the batch API (raw HTTP: the SDK has no batch calls) and per-credential rate limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { multipartBody } from '../helpers/multipart.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let batchToken: string;
/**
 * Time stands still for the rate limiters, so a budget is exactly its size however slowly a busy
 * machine sends the requests (a refill while they trickle in would let them all through).
 */
const stoppedClock = () => {
  const now = Date.now();
  return { now: () => now };
};

beforeAll(async () => {
  pictor = await startPictor({ env: { PICTOR_BATCH_RATE_LIMIT: '20' }, overrides: { clock: stoppedClock() } });
  const res = await pictor.api('/images/v1/batch_token');
  const body = (await res.json()) as { result: { token: string; expiresAt: string } };
  batchToken = body.result.token;
  expect(Date.parse(body.result.expiresAt) - Date.now()).toBeGreaterThan(50 * 60_000);
});
afterAll(async () => pictor?.close());

const batch = (path: string, init: RequestInit = {}, token = batchToken) =>
  fetch(`${pictor.origin}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
const codeOf = async (res: Response) => ((await res.json()) as { errors: Array<{ code: number }> }).errors[0]!.code;

describe('batch API', () => {
  it('uploads, reads, edits, lists, creates a direct upload and deletes with a batch token', async () => {
    const { body, contentType } = multipartBody([
      { name: 'file', value: await images.jpeg(30, 20), filename: 'b.jpg', type: 'image/jpeg' },
      { name: 'id', value: 'batch/one' },
    ]);
    const uploaded = await batch('/images/v1', { method: 'POST', body, headers: { 'content-type': contentType } });
    expect(uploaded.status).toBe(200);
    expect((await batch('/images/v1/batch%2Fone')).status).toBe(200);
    const edited = await batch('/images/v1/batch%2Fone', { method: 'PATCH', body: JSON.stringify({ metadata: { via: 'batch' } }), headers: { 'content-type': 'application/json' } });
    expect(((await edited.json()) as { result: { meta: unknown } }).result.meta).toEqual({ via: 'batch' });
    const listed = (await (await batch('/images/v2')).json()) as { result: { images: Array<{ id: string }> } };
    expect(listed.result.images.map((i) => i.id)).toContain('batch/one');
    const direct = await batch('/images/v2/direct_upload', { method: 'POST', body: new FormData() });
    expect(direct.status).toBe(200);
    expect((await batch('/images/v1/batch%2Fone', { method: 'DELETE' })).status).toBe(200);
  });

  it('refuses API tokens on the batch API and batch tokens on the regular API', async () => {
    const withApiToken = await batch('/images/v2', {}, pictor.token);
    expect(withApiToken.status).toBe(403);
    expect(await codeOf(withApiToken)).toBe(10000);
    const withBatchToken = await pictor.api('/images/v1/stats', { headers: { authorization: `Bearer ${batchToken}` } });
    expect(withBatchToken.status).toBe(403);
    expect(await codeOf(withBatchToken)).toBe(10000);
    const none = await fetch(`${pictor.origin}/images/v2`);
    expect(none.status).toBe(400);
    expect(await codeOf(none)).toBe(9106);
  });

  it('answers calls the batch API does not serve as an API would: JSON 404 / 7003, not a delivery error', async () => {
    // The v1 list and original download are on the regular API only; an app porting its calls to
    // the batch host must get an envelope it can parse.
    for (const path of ['/images/v1', '/images/v1/some-image/blob', '/images/v2/nothing/here']) {
      const res = await batch(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(await codeOf(res), path).toBe(7003);
    }
  });

  it('limits each batch token to its requests per second with 429 and Retry-After', async () => {
    const fresh = ((await (await pictor.api('/images/v1/batch_token')).json()) as { result: { token: string } }).result.token;
    const statuses = await Promise.all(Array.from({ length: 100 }, () => batch('/images/v2', {}, fresh).then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), code: r.status === 429 ? await codeOf(r) : 0 }))));
    const limited = statuses.filter((s) => s.status === 429);
    expect(statuses.filter((s) => s.status === 200).length).toBe(20);
    expect(limited.length).toBe(80);
    expect(limited[0]).toMatchObject({ retry: '1', code: 971 });
    // Another token has its own budget.
    expect((await batch('/images/v2')).status).toBe(200);
  });
});

describe('API rate limit', () => {
  it('answers 429 with the envelope and Retry-After past the per-token budget', async () => {
    const limited = await startPictor({ env: { PICTOR_API_RATE_LIMIT: '5' }, overrides: { clock: stoppedClock() } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 7; i++) {
        last = await limited.api('/images/v1/stats');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await last!.json()).toMatchObject({ success: false, errors: [{ code: 971 }] });
      // A different token is not affected.
      const other = (await limited.services.accounts.createToken(limited.accountId, 'read')).token;
      expect((await limited.api('/images/v1/stats', { headers: { authorization: `Bearer ${other}` } })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
