/**
 * Hostile requests to the API over raw HTTP: bodies, query strings and connections no SDK would
 * send. Every answer is a Cloudflare envelope with a 4xx naming the problem, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { multipartBody } from '../helpers/multipart.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let imageId: string;

beforeAll(async () => {
  pictor = await startPictor();
  const { body, contentType } = multipartBody([{ name: 'file', value: await images.jpeg(32, 24), filename: 'a.jpg', type: 'image/jpeg' }]);
  const res = await pictor.api('/images/v1', { method: 'POST', body, headers: { 'content-type': contentType } });
  imageId = ((await res.json()) as { result: { id: string } }).result.id;
});
afterAll(async () => pictor?.close());

interface Envelope {
  success: boolean;
  result: unknown;
  errors: Array<{ code: number; message: string }>;
  messages: unknown[];
}

async function expectEnvelopeError(res: Response, status: number, code: number, message?: RegExp) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as Envelope;
  expect(body).toMatchObject({ success: false, result: null, messages: [] });
  expect(body.errors[0]!.code).toBe(code);
  if (message) expect(body.errors[0]!.message).toMatch(message);
  return body.errors[0]!;
}

const patchJson = (body: string) =>
  pictor.api(`/images/v1/${imageId}`, { method: 'PATCH', body, headers: { 'content-type': 'application/json' } });

describe('PATCH bodies', () => {
  it('refuses metadata nested thousands of levels deep with 400, not a crash', async () => {
    const depth = 5000;
    const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    await expectEnvelopeError(await patchJson(`{"metadata":${nested}}`), 400, 5400, /metadata is nested too deeply.*limit is 1024 bytes/);
    expect((await pictor.api(`/images/v1/${imageId}`)).status).toBe(200);
  });
});

describe('JSON bodies that are not what the endpoint takes', () => {
  it('says the body as a whole must be an object, without an empty field name', async () => {
    for (const body of ['null', '[]', '"text"', '123']) {
      await expectEnvelopeError(await patchJson(body), 400, 5400, /^Invalid request body: must be object$/);
    }
    const variant = await pictor.api('/images/v1/variants', { method: 'POST', body: '{"id":"thumb"}', headers: { 'content-type': 'application/json' } });
    await expectEnvelopeError(variant, 400, 5400, /^Invalid body parameter: options is required$/);
  });

  it('names the Content-Type it cannot read', async () => {
    const res = await pictor.api(`/images/v1/${imageId}`, { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/merge-patch+json' } });
    await expectEnvelopeError(res, 415, 5415, /"application\/merge-patch\+json"/);
  });

  it('refuses a JSON body over 1 MB as a too-large body, not as a too-large file', async () => {
    const body = JSON.stringify({ metadata: { a: 'x'.repeat(2 * 1024 * 1024) } });
    const error = await expectEnvelopeError(await patchJson(body), 413, 5413, /Request body exceeds the limit of 1048576 bytes/);
    expect(error.message).not.toMatch(/file|10 MB/);
  });
});

describe('list query strings', () => {
  it('lists the values sort_order accepts', async () => {
    for (const query of ['sort_order=up', 'sort_order=asc&sort_order=desc']) {
      await expectEnvelopeError(await pictor.api(`/images/v2?${query}`), 400, 5400, /^Invalid querystring parameter: sort_order must be one of "asc", "desc"$/);
    }
  });


  it('refuses a page number past what a row offset can hold, instead of failing in the database', async () => {
    await expectEnvelopeError(await pictor.api('/images/v1?page=99999999999999999999'), 400, 5400, /page/);
    const last = await pictor.api('/images/v1?page=1000000000&per_page=10000');
    expect(last.status).toBe(200);
    expect(((await last.json()) as { result: { images: unknown[] } }).result.images).toEqual([]);
  });
});
