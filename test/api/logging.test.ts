/** /healthz, structured request logs that never contain credentials, and service errors on the same logger. */
import { toFile } from 'cloudflare';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import * as images from '../helpers/images.js';
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

it('logs a failure outside a request through the same logger, as one JSON line, and nothing on the console', async () => {
  const console = vi.spyOn(globalThis.console, 'error');
  const account = { account_id: pictor.accountId };
  const image = await pictor.client.images.v1.create({ ...account, file: await toFile(await images.jpeg(10, 10), 'a.jpg') });
  const blobDelete = vi.spyOn(pictor.services.blobs, 'delete').mockRejectedValueOnce(new Error('blob store unreachable'));
  try {
    await pictor.client.images.v1.delete(image.id!, account);
  } finally {
    blobDelete.mockRestore();
    console.mockRestore();
  }
  const line = lines.map((l) => JSON.parse(l) as { level: number; msg: string; blobKey?: string; err?: { message: string } }).find((l) => l.msg.startsWith('could not delete the blob'));
  expect(line).toMatchObject({ level: 40, err: { message: 'blob store unreachable' } });
  expect(line!.blobKey).toMatch(/\S/);
  expect(console).not.toHaveBeenCalled();
});
