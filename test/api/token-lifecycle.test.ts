/**
 * API token lifecycle: `pictor tokens list` (never the secret), `tokens revoke` (refused from the
 * next request), `--expires-in` (refused with Cloudflare's auth errors once past), "last used" kept
 * to the minute, and the bootstrap token replaced when PICTOR_API_TOKEN changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_USED_RESOLUTION_MS } from '../../src/accounts/account-service.js';
import { hashSecret } from '../../src/accounts/credentials.js';
import { bootstrap } from '../../src/bootstrap.js';
import { configFrom } from '../../src/config.js';
import { startPictor, TEST_ACCOUNT_ID, TEST_TOKEN, type TestPictor } from '../helpers/pictor.js';
import { runPictor } from '../helpers/process.js';

let now = Date.now();
const clock = { now: () => now };
let pictor: TestPictor;
const cli = async (...args: string[]) => {
  const result = await runPictor(pictor.storeEnv, args);
  return { ...result, out: result.stdout + result.stderr };
};

beforeAll(async () => {
  pictor = await startPictor({ overrides: { clock } });
});
afterAll(async () => pictor?.close());

/** Status and first error code of an authenticated API call with `token`. */
async function call(token: string, path = `/accounts/${pictor.accountId}/images/v1/stats`): Promise<{ status: number; code?: number }> {
  const res = await fetch(`${pictor.apiBase}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { errors: Array<{ code: number }> };
  return { status: res.status, code: body.errors[0]?.code };
}

const tokenOf = (out: string) => out.trim().split('\n').pop()!;
const idOf = (out: string) => /API token ([0-9a-f]{32})/.exec(out)![1]!;
const listed = async () => (await cli('tokens', 'list', '--account', pictor.accountId)).stdout;

describe('pictor tokens list / revoke', () => {
  it('lists id, scope, created, last used and expiry, and never the secret or its digest', async () => {
    const created = await cli('tokens', 'create', '--account', pictor.accountId, '--read-only', '--expires-in', '3600');
    expect(created.code).toBe(0);
    const token = tokenOf(created.stdout);
    const id = idOf(created.stdout);
    expect(created.stdout).toMatch(/expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    const before = await listed();
    expect(before.split('\n')[0]).toMatch(/^ID\s+SCOPE\s+CREATED\s+LAST USED\s+EXPIRES\s+NAME$/);
    const row = before.split('\n').find((l) => l.startsWith(id))!;
    const [, scope, createdAt, lastUsed, expires] = row.split(/\s{2,}/);
    expect(scope).toBe('read');
    expect(lastUsed).toBe('never');
    expect(Date.parse(expires!) - Date.parse(createdAt!)).toBe(3600_000);
    // The bootstrap token is listed too, by its name.
    expect(before).toMatch(/PICTOR_API_TOKEN/);

    expect((await call(token)).status).toBe(200);
    const after = await listed();
    expect(after.split('\n').find((l) => l.startsWith(id))!.split(/\s{2,}/)[3]).toBe(new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    for (const secret of [token, hashSecret(token), TEST_TOKEN, hashSecret(TEST_TOKEN)]) expect(before + after).not.toContain(secret);
  });

  it('revokes a token: refused on the next request with the invalid-token error, on the API and the verify endpoint', async () => {
    const created = await cli('tokens', 'create', '--account', pictor.accountId);
    const token = tokenOf(created.stdout);
    expect((await call(token)).status).toBe(200);
    expect((await call(token, '/user/tokens/verify')).status).toBe(200);

    const revoked = await cli('tokens', 'revoke', idOf(created.stdout));
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Token ${idOf(created.stdout)} revoked`);
    expect(await call(token)).toEqual({ status: 401, code: 9109 });
    expect(await call(token, '/user/tokens/verify')).toEqual({ status: 401, code: 1000 });
    expect(await listed()).not.toContain(idOf(created.stdout));
    // Other tokens are untouched.
    expect((await call(TEST_TOKEN)).status).toBe(200);
  });

  it('explains a revoke of an unknown id and bad --expires-in values with exit code 2', async () => {
    const unknown = await cli('tokens', 'revoke', 'f'.repeat(32));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no token f{32}/);
    expect((await cli('tokens', 'revoke')).stderr).toMatch(/tokens revoke takes one token id/);
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      const result = await cli('tokens', 'create', '--account', pictor.accountId, `--expires-in=${bad}`);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--expires-in must be a number of seconds/);
    }
  });
});

describe('expiry and last use', () => {
  it('refuses an expired token with the same errors as an unknown one', async () => {
    const { token } = await pictor.services.accounts.createToken(pictor.accountId, 'write', { expiresInSeconds: 60 });
    expect((await call(token)).status).toBe(200);
    now += 59_999;
    expect((await call(token)).status).toBe(200);
    now += 1;
    expect(await call(token)).toEqual({ status: 401, code: 9109 });
    expect(await call(token, '/user/tokens/verify')).toEqual({ status: 401, code: 1000 });
  });

  it('writes "last used" at most once a minute per token, not on every request', async () => {
    const { token, record } = await pictor.services.accounts.createToken(pictor.accountId, 'read');
    const lastUsed = async () => (await pictor.services.accounts.listTokens(pictor.accountId)).find((t) => t.id === record.id)!.lastUsedMs;
    const first = now;
    expect((await call(token)).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    for (let i = 0; i < 5; i++) {
      now += 10_000;
      expect((await call(token)).status).toBe(200);
    }
    // 50 s of requests later the first write still stands.
    expect(await lastUsed()).toBe(first);
    now = first + LAST_USED_RESOLUTION_MS;
    expect((await call(token)).status).toBe(200);
    expect(await lastUsed()).toBe(now);
  });
});

describe('changing PICTOR_API_TOKEN', () => {
  /** What a start with these settings does on this installation (serve and the cluster primary run it). */
  const restartWith = (env: Record<string, string>) =>
    bootstrap(pictor.services, configFrom({ ...pictor.storeEnv, PICTOR_ACCOUNT_ID: TEST_ACCOUNT_ID, ...env }));

  it('revokes the previous bootstrap token at start, unless PICTOR_API_TOKEN_KEEP_PREVIOUS=true', async () => {
    const second = 'second-bootstrap-token-0123456789';
    const third = 'third-bootstrap-token-0123456789';
    const cliToken = tokenOf((await cli('tokens', 'create', '--account', pictor.accountId)).stdout);

    await restartWith({ PICTOR_API_TOKEN: second });
    expect(await call(TEST_TOKEN)).toEqual({ status: 401, code: 9109 });
    expect((await call(second)).status).toBe(200);
    // Tokens made with `tokens create` are not bootstrap tokens: they stay.
    expect((await call(cliToken)).status).toBe(200);

    await restartWith({ PICTOR_API_TOKEN: third, PICTOR_API_TOKEN_KEEP_PREVIOUS: 'true' });
    expect((await call(second)).status).toBe(200);
    expect((await call(third)).status).toBe(200);

    // A restart with an unchanged value keeps it (and, without the opt-in, drops the kept one).
    await restartWith({ PICTOR_API_TOKEN: third });
    expect((await call(third)).status).toBe(200);
    expect(await call(second)).toEqual({ status: 401, code: 9109 });
  });

  it('refuses a malformed PICTOR_API_TOKEN_KEEP_PREVIOUS', () => {
    expect(() => configFrom({ PICTOR_API_TOKEN_KEEP_PREVIOUS: 'yes' })).toThrow(/PICTOR_API_TOKEN_KEEP_PREVIOUS must be true or false/);
  });
});
