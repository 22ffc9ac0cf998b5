/** /healthz and structured request logs that never contain credentials. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPictor, type TestPictor } from '../helpers/pictor.js';
import { captureLogs } from '../helpers/log-capture.js';

const { lines, logger } = captureLogs();
let pictor: TestPictor;
let userKey: string;

beforeAll(async () => {
  pictor = await startPictor({ app: { logger } });
  userKey = await pictor.services.accounts.createUser('logs@example.com', [pictor.accountId]);
});
afterAll(async () => pictor?.close());

it('answers /healthz without credentials', async () => {
  const res = await fetch(`${pictor.origin}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});

it('logs one structured line per request and never a credential', async () => {
  await pictor.api('/images/v1/stats');
  await pictor.api('/images/v1/stats', { headers: { 'x-auth-email': 'logs@example.com', 'x-auth-key': userKey }, auth: false });
  await pictor.api('/images/v1/stats', { headers: { authorization: 'Bearer wrong-token-value-1234567890' } });
  await new Promise((r) => setTimeout(r, 50));
  const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request' && String(l.url).endsWith('/stats'));
  expect(requests.map((r) => r.status)).toEqual([200, 200, 401]);
  expect(requests[0]).toMatchObject({ method: 'GET', route: '/client/v4/accounts/:account_id/images/v1/stats', level: 30 });
  expect(typeof requests[0]!.ms).toBe('number');
  const all = lines.join('\n');
  for (const secret of [pictor.token, userKey, 'wrong-token-value-1234567890']) expect(all).not.toContain(secret);
});
