/**
 * JSON bodies as an attacker and as real clients send them: access-control booleans are never
 * coerced (`null`, `0`, `"false"` once made a private image public), and an empty body, or none,
 * is no body wherever the body is optional (Cloudflare's own v1 direct-upload example).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { deliver, deliveryPath, expectDeliveryError, upload } from '../helpers/delivery.js';
import { multipartBody } from '../helpers/multipart.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: Buffer;

beforeAll(async () => {
  pictor = await startPictor();
  photo = await images.jpeg(60, 40);
});
afterAll(async () => pictor?.close());

const account = () => ({ account_id: pictor.accountId });

interface Envelope {
  success: boolean;
  result: Record<string, unknown> | null;
  errors: Array<{ code: number; message: string; source?: { pointer: string } }>;
}

/** `contentType: null` sends no Content-Type header. */
async function call(method: string, path: string, body?: string, contentType: string | null = 'application/json') {
  const res = await pictor.api(path, { method, body, headers: contentType === null ? {} : { 'content-type': contentType } });
  return { status: res.status, body: (await res.json()) as Envelope };
}

/** A 400 in Cloudflare's envelope whose message and pointer name the field. */
function expectFieldRefused(answer: { status: number; body: Envelope }, field: string, what: string): void {
  expect({ status: answer.status, success: answer.body.success }, what).toEqual({ status: 400, success: false });
  expect(answer.body.errors[0], what).toMatchObject({ code: 5400, message: expect.stringContaining(field), source: { pointer: `/${field}` } });
}

const notBooleans = [null, 0, 1, 'false', 'true', '', [], {}];

describe('access-control booleans in JSON bodies are never coerced', () => {
  it('PATCH images/v1/{id} refuses a non-boolean requireSignedURLs and the image stays private', async () => {
    const id = await upload(pictor, photo, { requireSignedURLs: true });
    const unsigned = deliveryPath(pictor, id, 'public');
    for (const value of notBooleans) {
      const answer = await call('PATCH', `/images/v1/${id}`, JSON.stringify({ requireSignedURLs: value }));
      expectFieldRefused(answer, 'requireSignedURLs', JSON.stringify(value));
      expect((await pictor.client.images.v1.get(id, account())).requireSignedURLs).toBe(true);
      expectDeliveryError(await deliver(pictor, unsigned), 403, 9425);
    }
    // A real boolean still works (through the SDK), so the refusals above are about the type only.
    await pictor.client.images.v1.edit(id, { ...account(), requireSignedURLs: false });
    expect((await deliver(pictor, unsigned)).res.status).toBe(200);
  });

  it('variants refuse a non-boolean neverRequireSignedURLs on create and on edit', async () => {
    const options = { fit: 'scale-down', width: 50, height: 50 };
    for (const value of notBooleans) {
      const created = await call('POST', '/images/v1/variants', JSON.stringify({ id: 'strict', options, neverRequireSignedURLs: value }));
      expectFieldRefused(created, 'neverRequireSignedURLs', `create ${JSON.stringify(value)}`);
    }
    await pictor.client.images.v1.variants.create({ ...account(), id: 'strict', options: options as never, neverRequireSignedURLs: false });
    for (const value of notBooleans) {
      const edited = await call('PATCH', '/images/v1/variants/strict', JSON.stringify({ options, neverRequireSignedURLs: value }));
      expectFieldRefused(edited, 'neverRequireSignedURLs', `edit ${JSON.stringify(value)}`);
    }
    expect((await pictor.client.images.v1.variants.get('strict', account())).variant?.neverRequireSignedURLs).toBe(false);
  });

  it('PATCH images/v1/config refuses a non-boolean flexible_variants (and a browser_ttl sent as text)', async () => {
    for (const value of notBooleans) expectFieldRefused(await call('PATCH', '/images/v1/config', JSON.stringify({ flexible_variants: value })), 'flexible_variants', JSON.stringify(value));
    expectFieldRefused(await call('PATCH', '/images/v1/config', JSON.stringify({ browser_ttl: '3600' })), 'browser_ttl', '"3600"');
    const config = await call('GET', '/images/v1/config');
    expect(config.body.result).toMatchObject({ flexible_variants: false });
  });

  it('v1 direct upload refuses a non-boolean requireSignedURLs in JSON, text included', async () => {
    for (const value of notBooleans) {
      expectFieldRefused(await call('POST', '/images/v1/direct_upload', JSON.stringify({ requireSignedURLs: value })), 'requireSignedURLs', JSON.stringify(value));
    }
    const created = await call('POST', '/images/v1/direct_upload', JSON.stringify({ requireSignedURLs: true }));
    expect(created.status).toBe(200);
    expect(await pictor.client.images.v1.get(created.body.result!.id as string, account())).toMatchObject({ draft: true, requireSignedURLs: true });
  });

  it('multipart fields keep the "true"/"false" text the SDK sends', async () => {
    const created = await pictor.client.images.v2.directUploads.create({ ...account(), requireSignedURLs: true });
    expect((await pictor.client.images.v1.get(created.id!, account())).requireSignedURLs).toBe(true);
    for (const [text, expected] of [['true', true], ['false', false]] as const) {
      const { body, contentType } = multipartBody([{ name: 'requireSignedURLs', value: text }]);
      const v1 = await pictor.api('/images/v1/direct_upload', { method: 'POST', body, headers: { 'content-type': contentType } });
      expect(v1.status, text).toBe(200);
      const { result } = (await v1.json()) as { result: { id: string } };
      expect((await pictor.client.images.v1.get(result.id, account())).requireSignedURLs, text).toBe(expected);
    }
    const privateUpload = await upload(pictor, photo, { requireSignedURLs: true });
    expect((await pictor.client.images.v1.get(privateUpload, account())).requireSignedURLs).toBe(true);
  });
});

describe('an empty body is no body', () => {
  it('POST images/v1/direct_upload with Content-Type: application/json and no body (Cloudflare\'s documented call) answers 200', async () => {
    const answer = await call('POST', '/images/v1/direct_upload', '');
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({ id: expect.stringMatching(/00$/), uploadURL: expect.stringContaining('/upload/') });
  });

  it('DELETE images/v1/{id}, PUT and DELETE images/v1/keys/{name}, DELETE images/v1/variants/{id} take the header without a body', async () => {
    const id = await upload(pictor, photo);
    expect((await call('DELETE', `/images/v1/${id}`, '')).status).toBe(200);
    await expect(pictor.client.images.v1.get(id, account())).rejects.toMatchObject({ status: 404 });

    const put = await call('PUT', '/images/v1/keys/second', '');
    expect(put.status).toBe(200);
    expect((put.body.result as { keys: Array<{ name: string }> }).keys.map((k) => k.name)).toContain('second');
    const deleted = await call('DELETE', '/images/v1/keys/second', '');
    expect(deleted.status).toBe(200);
    expect((deleted.body.result as { keys: Array<{ name: string }> }).keys.map((k) => k.name)).not.toContain('second');

    await pictor.client.images.v1.variants.create({ ...account(), id: 'gone', options: { fit: 'scale-down', width: 10, height: 10 } as never });
    expect((await call('DELETE', '/images/v1/variants/gone', '')).status).toBe(200);
    await expect(pictor.client.images.v1.variants.get('gone', account())).rejects.toMatchObject({ status: 404 });
  });

  it('PATCH images/v1/{id} with the header and no body changes nothing and answers the image (every field is optional)', async () => {
    const id = await upload(pictor, photo, { requireSignedURLs: true });
    const answer = await call('PATCH', `/images/v1/${id}`, '');
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({ id, requireSignedURLs: true });
    expect((await pictor.client.images.v1.get(id, account())).requireSignedURLs).toBe(true);
  });

  it('where a body is required, an empty one answers what a missing one does', async () => {
    for (const [method, path] of [['POST', '/images/v1/variants'], ['PATCH', '/images/v1/config']]) {
      const empty = await call(method!, path!, '');
      const missing = await call(method!, path!, undefined, null);
      expect(empty.status, `${method} ${path}`).toBe(400);
      expect(empty.body.errors[0]!.code).toBe(5400);
      expect(empty, `${method} ${path}`).toEqual(missing);
    }
  });

  it('POST images/v2/direct_upload with no Content-Type and no body answers 200 with an id and an upload URL', async () => {
    const answer = await call('POST', '/images/v2/direct_upload', undefined, null);
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({ id: expect.stringMatching(/00$/), uploadURL: expect.stringContaining('/upload/') });
    const emptyJson = await call('POST', '/images/v2/direct_upload', '');
    expect(emptyJson.status).toBe(200);
    // A body that is not a form is still refused: v2 takes multipart/form-data.
    expect((await call('POST', '/images/v2/direct_upload', '{"requireSignedURLs":true}')).status).toBe(415);
  });
});
