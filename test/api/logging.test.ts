/** /healthz, structured request logs that never contain credentials or capability URLs, and service errors on the same logger. */
import { Writable } from 'node:stream';
import { toFile } from 'cloudflare';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loggerOptions } from '../../src/logger.js';
import { signDeliveryUrl } from '../../src/signing/signed-url.js';
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

/** The access lines of requests whose URL starts with `prefix`. */
const accessLines = (prefix: string) =>
  lines.map((l) => JSON.parse(l) as { msg: string; url: string; status: number }).filter((l) => l.msg === 'request' && l.url.startsWith(prefix));

it('redacts the signature of signed delivery URLs, however the parameter name is encoded', async () => {
  const image = await pictor.client.images.v1.create({ account_id: pictor.accountId, file: await toFile(await images.jpeg(40, 30), 'private.jpg'), requireSignedURLs: true });
  const { keys } = await pictor.client.images.v1.keys.list({ account_id: pictor.accountId });
  const signed = new URL(signDeliveryUrl(image.variants![0]!, keys![0]!.value!));
  const sig = signed.searchParams.get('sig')!;
  // Delivery decodes parameter names as URLSearchParams does: `%73ig` is `sig` to it.
  const encodedName = `${signed.pathname}?exp=${signed.searchParams.get('exp')}&%73ig=${sig}`;
  for (const pathAndQuery of [signed.pathname + signed.search, encodedName]) {
    expect((await fetch(pictor.origin + pathAndQuery)).status).toBe(200);
  }
  await new Promise((r) => setTimeout(r, 50));
  const logged = accessLines(signed.pathname);
  expect(logged.map((l) => l.url).sort()).toEqual(
    [`${signed.pathname}?exp=${signed.searchParams.get('exp')}&%73ig=[redacted]`, `${signed.pathname}?exp=${signed.searchParams.get('exp')}&sig=[redacted]`].sort(),
  );
  expect(lines.join('\n')).not.toContain(sig);
});

it('redacts the token of direct-upload URLs, used or refused', async () => {
  const { uploadURL } = (await pictor.client.images.v2.directUploads.create({ account_id: pictor.accountId })) as { uploadURL: string };
  const path = new URL(uploadURL).pathname;
  const token = path.split('/').pop()!;
  const form = new FormData();
  form.append('file', new Blob([await images.png(20, 20)], { type: 'image/png' }), 'a.png');
  expect((await fetch(uploadURL, { method: 'POST', body: form })).status).toBe(200);
  // Used once: the second attempt is refused, and its line must not carry the token either.
  expect((await fetch(uploadURL, { method: 'POST', body: form })).status).toBe(404);
  await new Promise((r) => setTimeout(r, 50));
  const redactedPath = path.replace(token, '[redacted]');
  expect(accessLines(redactedPath).map((l) => l.status)).toEqual([200, 404]);
  expect(lines.join('\n')).not.toContain(token);
});

it('redacts capability URLs inside error lines too (message and stack)', () => {
  const errorLines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      errorLines.push(chunk.toString());
      done();
    },
  });
  const log = pino(loggerOptions('info'), stream);
  const sig = 'ab'.repeat(32);
  const token = 'secret-upload-token-1234';
  log.error({ err: new Error(`fetch http://h/x/y/public?exp=9&sig=${sig} failed`), url: `/upload/hash/${token}` }, `upload to /upload/hash/${token} failed`);
  const line = errorLines.join('');
  expect(line).toContain('sig=[redacted]');
  expect(line).toContain('/upload/hash/[redacted]');
  expect(line).not.toContain(sig);
  expect(line).not.toContain(token);
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
