/** Authentication and authorisation as Cloudflare answers them, over raw HTTP and the SDK. */
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let readOnlyToken: string;
let otherAccountId: string;
let otherToken: string;
let userKey: string;

beforeAll(async () => {
  pictor = await startPictor();
  const { accounts } = pictor.services;
  readOnlyToken = (await accounts.createToken(pictor.accountId, 'read')).token;
  const other = await accounts.createAccount();
  otherAccountId = other.id;
  otherToken = (await accounts.createToken(other.id, 'write')).token;
  userKey = await accounts.createUser('owner@example.com', [pictor.accountId]);
});
afterAll(async () => pictor?.close());

async function call(path: string, headers: Record<string, string>, init: RequestInit = {}) {
  const res = await fetch(`${pictor.apiBase}${path}`, { ...init, headers });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
}

const listPath = () => `/accounts/${pictor.accountId}/images/v1/stats`;
const firstError = (body: Record<string, unknown>) => (body.errors as Array<Record<string, unknown>>)[0];

describe('credentials', () => {
  it('answers 400/9106 without credentials', async () => {
    const res = await call(listPath(), {});
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/application\/json/);
    expect(res.body).toEqual({
      result: null,
      success: false,
      errors: [{ code: 9106, message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers' }],
      messages: [],
    });
  });

  it('answers 400/6003 with the 61xx chain for malformed headers', async () => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 6111],
      [{ authorization: 'Bearer' }, 6111],
      [{ 'x-auth-email': 'not-an-email', 'x-auth-key': 'abc123' }, 6102],
      [{ 'x-auth-email': 'a@b.c', 'x-auth-key': 'has spaces!' }, 6103],
    ];
    for (const [headers, chainCode] of cases) {
      const res = await call(listPath(), headers);
      expect(res.status).toBe(400);
      expect(firstError(res.body)).toMatchObject({ code: 6003, message: 'Invalid request headers' });
      expect((firstError(res.body)!.error_chain as Array<{ code: number }>)[0]!.code).toBe(chainCode);
    }
  });

  it('answers 401/9109 for an unknown token and 403/9103 for a wrong global key', async () => {
    const token = await call(listPath(), { authorization: 'Bearer not-a-real-token-aaaaaaaaaaaaaaaaaaaaa' });
    expect(token.status).toBe(401);
    expect(firstError(token.body)).toEqual({ code: 9109, message: 'Invalid access token' });
    const key = await call(listPath(), { 'x-auth-email': 'owner@example.com', 'x-auth-key': 'deadbeef' });
    expect(key.status).toBe(403);
    expect(firstError(key.body)!.code).toBe(9103);
  });

  it('accepts X-Auth-Email + X-Auth-Key of a member user, through the SDK', async () => {
    const client = new Cloudflare({ baseURL: pictor.apiBase, apiEmail: 'owner@example.com', apiKey: userKey, maxRetries: 0 });
    expect(await client.images.v1.stats.get({ account_id: pictor.accountId })).toEqual({ count: { allowed: 100000, current: 0 } });
  });
});

describe('permissions and account isolation', () => {
  it('lets a read-only token read but not write (403/10000)', async () => {
    const read = await call(listPath(), { authorization: `Bearer ${readOnlyToken}` });
    expect(read.status).toBe(200);
    const patch = await call(`/accounts/${pictor.accountId}/images/v1/anything`, { authorization: `Bearer ${readOnlyToken}`, 'content-type': 'application/json' }, { method: 'PATCH', body: '{}' });
    expect(patch.status).toBe(403);
    expect(firstError(patch.body)).toEqual({ code: 10000, message: 'Authentication error' });
    const del = await call(`/accounts/${pictor.accountId}/images/v1/anything`, { authorization: `Bearer ${readOnlyToken}` }, { method: 'DELETE' });
    expect(del.status).toBe(403);
  });

  it('lets a read-only token list signing keys with their values (Images Read in Cloudflare\'s schema) but not create or delete one', async () => {
    const readOnly = { authorization: `Bearer ${readOnlyToken}` };
    const listed = await call(`/accounts/${pictor.accountId}/images/v1/keys`, readOnly);
    expect(listed.status).toBe(200);
    const keys = (listed.body.result as { keys: Array<{ name: string; value: string }> }).keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.value).toMatch(/\S{16,}/);
    for (const method of ['PUT', 'DELETE']) {
      const changed = await call(`/accounts/${pictor.accountId}/images/v1/keys/${keys[0]!.name}`, readOnly, { method });
      expect(changed.status, method).toBe(403);
      expect(firstError(changed.body)).toEqual({ code: 10000, message: 'Authentication error' });
    }
  });

  it('never lets a token of one account see or touch another, existing or not', async () => {
    const client = new Cloudflare({ baseURL: pictor.apiBase, apiToken: otherToken, maxRetries: 0 });
    for (const accountId of [pictor.accountId, 'ffffffffffffffffffffffffffffffff']) {
      const err = (await client.images.v1.stats.get({ account_id: accountId }).catch((e: unknown) => e)) as { status: number; errors: unknown[] };
      expect(err.status).toBe(403);
      expect(err.errors).toEqual([{ code: 10000, message: 'Authentication error' }]);
    }
    // Its own account works.
    expect(await client.images.v1.stats.get({ account_id: otherAccountId })).toEqual({ count: { allowed: 100000, current: 0 } });
  });

  it('answers 400/7003 for a malformed account id', async () => {
    const res = await call('/accounts/not-hex/images/v1/stats', { authorization: `Bearer ${pictor.token}` });
    expect(res.status).toBe(400);
    expect(firstError(res.body)!.code).toBe(7003);
  });

  it('answers 404/7003 for routes that do not exist', async () => {
    const res = await call(`/accounts/${pictor.accountId}/images/v9/nope`, { authorization: `Bearer ${pictor.token}` });
    expect(res.status).toBe(404);
    expect(firstError(res.body)!.code).toBe(7003);
  });
});

describe('GET /user/tokens/verify', () => {
  it('confirms a valid token', async () => {
    const res = await call('/user/tokens/verify', { authorization: `Bearer ${pictor.token}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, result: { status: 'active' } });
    expect(typeof (res.body.result as { id: string }).id).toBe('string');
  });

  it('refuses an invalid token with 401/1000', async () => {
    const res = await call('/user/tokens/verify', { authorization: 'Bearer nope-nope-nope-nope-nope-nope' });
    expect(res.status).toBe(401);
    expect(firstError(res.body)).toEqual({ code: 1000, message: 'Invalid API Token' });
  });
});
