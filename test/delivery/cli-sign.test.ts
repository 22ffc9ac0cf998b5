/** `pictor sign <url>` (the built CLI, as a process) beside a running server sharing its stores. */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, deliveryPath, expectDeliveryError, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';
import { runPictor } from '../helpers/process.js';

let pictor: TestPictor;
let privateId: string;

beforeAll(async () => {
  pictor = await startPictor();
  privateId = await upload(pictor, await images.jpeg(50, 40), { requireSignedURLs: true });
  await pictor.client.images.v1.keys.update('second', { account_id: pictor.accountId });
});
afterAll(async () => pictor?.close());

const sign = (...args: string[]) => runPictor(pictor.storeEnv, ['sign', ...args]);
const privateUrl = (options?: { customDomain?: boolean }) => pictor.origin + deliveryPath(pictor, privateId, 'public', options);
const now = () => Math.floor(Date.now() / 1000);

/** Checks the printed URL: same path, expected exp, served by the server. */
async function expectSigned(output: { code: number | null; stdout: string; stderr: string }, expiresIn: number | null): Promise<URL> {
  expect(output.code, output.stderr).toBe(0);
  const signed = new URL(output.stdout.trim());
  expect(signed.searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);
  if (expiresIn === null) expect(signed.searchParams.has('exp')).toBe(false);
  else expect(Number(signed.searchParams.get('exp'))).toBeGreaterThan(now() + expiresIn - 60);
  const { res } = await deliver(pictor, signed.pathname + signed.search);
  expect(res.status).toBe(200);
  return signed;
}

// Each run starts a Node process that loads the whole app (about 2 s here), so the cases are few and run side by side.
describe('pictor sign', () => {
  it('signs with the first key for an hour by default; --expires-in, --no-expiry, --key; custom-domain paths as given', async () => {
    const [byDefault, withSecond, customDomain] = await Promise.all([
      sign(privateUrl()),
      sign(privateUrl(), '--key', 'second', '--no-expiry'),
      sign(privateUrl({ customDomain: true }), '--expires-in', '120'),
    ]);
    const signed = await expectSigned(byDefault, 3600);
    expect(Number(signed.searchParams.get('exp'))).toBeLessThanOrEqual(now() + 3600);
    const { keys } = await pictor.client.images.v1.keys.list({ account_id: pictor.accountId });
    const keyNamed = (name: string) => keys!.find((k) => k.name === name)!.value!;
    expect(signed.searchParams.get('sig')).toBe(createHmac('sha256', keyNamed('default')).update(`${signed.pathname}?exp=${signed.searchParams.get('exp')}`).digest('hex'));

    const forever = await expectSigned(withSecond, null);
    expect(forever.searchParams.get('sig')).toBe(createHmac('sha256', keyNamed('second')).update(forever.pathname).digest('hex'));

    const custom = await expectSigned(customDomain, 120);
    expect(Number(custom.searchParams.get('exp'))).toBeLessThanOrEqual(now() + 120);
    expect(custom.pathname.startsWith('/cdn-cgi/imagedelivery/')).toBe(true);

    expectDeliveryError(await deliver(pictor, deliveryPath(pictor, privateId, 'public')), 403, 9425);
  }, 20_000);

  it('refuses what it cannot sign, with a usage error', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[`${pictor.origin}/AAAAAAAAAAAAAAAAAAAAAA/${privateId}/public`], /no account with hash/],
      [[privateUrl(), '--expires-in', '-5'], /--expires-in/],
      // Past 12 digits of exp, delivery refuses the signature: the URL would never work.
      [[privateUrl(), '--expires-in', '99999999999999999'], /--expires-in must be a number of seconds from 1 to/],
    ];
    const results = await Promise.all(cases.map(([args]) => sign(...args)));
    results.forEach((result, i) => {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(cases[i]![1]);
    });
  }, 20_000);
});
