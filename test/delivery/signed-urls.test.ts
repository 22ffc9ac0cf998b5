/**
 * Signed URLs for private images. URLs are signed here by an independent implementation of
 * Cloudflare's algorithm (HMAC-SHA256, key as UTF-8, lowercase hex, over path + `?` + query
 * without sig), not by the server's own function; that function gets a known-answer test.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDeliveryUrl } from '../../src/signing/signed-url.js';
import { decode, deliver, deliveryPath, expectDeliveryError, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let privateId: string;
let otherPrivateId: string;
const account = () => ({ account_id: pictor.accountId });

/** Signs `path` with `query` (in this order, then sig last), as Cloudflare's Worker sample does. */
function sign(path: string, key: string, query: Array<[string, string]> = []): string {
  const serialized = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const message = serialized ? `${path}?${serialized}` : path;
  const sig = createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
  return `${path}?${serialized ? `${serialized}&` : ''}sig=${sig}`;
}

const now = () => Math.floor(Date.now() / 1000);
const inAnHour = (): [string, string] => ['exp', String(now() + 3600)];
const keyValue = async (name = 'default') => (await pictor.client.images.v1.keys.list(account())).keys!.find((k) => k.name === name)!.value!;
const privatePath = (variant = 'public', options?: { customDomain?: boolean }) => deliveryPath(pictor, privateId, variant, options);

async function expectServed(pathAndQuery: string): Promise<void> {
  const delivered = await deliver(pictor, pathAndQuery);
  expect(delivered.res.status, delivered.body.toString().slice(0, 200)).toBe(200);
  expect(await decode(delivered.body)).toMatchObject({ width: 80, height: 60 });
}

const expectRefused = async (pathAndQuery: string) => expectDeliveryError(await deliver(pictor, pathAndQuery), 403, 9425);

beforeAll(async () => {
  pictor = await startPictor();
  const photo = await images.jpeg(80, 60);
  privateId = await upload(pictor, photo, { requireSignedURLs: true });
  otherPrivateId = await upload(pictor, photo, { requireSignedURLs: true });
  await pictor.client.images.v1.variants.create({ ...account(), id: 'thumb', options: { fit: 'scale-down', width: 80, height: 80, metadata: 'none' } });
  await pictor.client.images.v1.variants.create({
    ...account(),
    id: 'open',
    options: { fit: 'scale-down', width: 80, height: 80, metadata: 'none' },
    neverRequireSignedURLs: true,
  });
  await patchDeliveryConfig(pictor, { flexible_variants: true });
});
afterAll(async () => pictor?.close());

describe('accepted', () => {
  it('a URL signed with exp by an independent implementation', async () => {
    await expectServed(sign(privatePath(), await keyValue(), [inAnHour()]));
  });

  it('a signature without exp, which never expires', async () => {
    await expectServed(sign(privatePath(), await keyValue()));
  });

  it('the custom-domain path, signed over itself or over the /<hash>/… path', async () => {
    const key = await keyValue();
    const exp = inAnHour();
    await expectServed(sign(privatePath('public', { customDomain: true }), key, [exp]));
    const signedCanonical = sign(privatePath(), key, [exp]);
    await expectServed(`/cdn-cgi/imagedelivery${signedCanonical}`);
  });

  it('other query parameters, covered by the signature in their order', async () => {
    const key = await keyValue();
    const signed = sign(privatePath(), key, [['v', '2'], inAnHour()]);
    await expectServed(signed);
    await expectRefused(signed.replace('v=2&', ''));
    // A raw `?` inside the query is part of a value, signed as its serialisation (%3F).
    await expectServed(sign(privatePath(), key, [['next', '/a?b=c'], inAnHour()]).replace('%2Fa%3Fb%3Dc', '/a?b=c'));
  });

  it('any current key: the second key validates as well as the first', async () => {
    await pictor.client.images.v1.keys.update('second', account());
    try {
      await expectServed(sign(privatePath(), await keyValue('second'), [inAnHour()]));
      await expectServed(sign(privatePath(), await keyValue('default'), [inAnHour()]));
    } finally {
      await pictor.client.images.v1.keys.delete('second', account());
    }
  });

  it('a neverRequireSignedURLs variant, unsigned', async () => {
    await expectServed(privatePath('open'));
  });

  it('a URL made by signDeliveryUrl()', async () => {
    const signed = new URL(signDeliveryUrl(pictor.origin + privatePath(), await keyValue()));
    await expectServed(signed.pathname + signed.search);
  });
});

describe('refused with 9425', () => {
  it('no signature (even once a signed request has cached the rendition)', async () => {
    await expectServed(sign(privatePath(), await keyValue(), [inAnHour()]));
    await expectRefused(privatePath());
    await expectRefused(`${privatePath()}?exp=${now() + 3600}`);
  });

  it('a tampered path: another variant, another image', async () => {
    const signed = sign(privatePath(), await keyValue(), [inAnHour()]);
    await expectRefused(signed.replace('/public?', '/thumb?'));
    await expectRefused(signed.replace(privateId, otherPrivateId));
  });

  it('a tampered exp', async () => {
    const signed = sign(privatePath(), await keyValue(), [['exp', String(now() + 60)]]);
    await expectServed(signed);
    await expectRefused(signed.replace(/exp=\d+/, `exp=${now() + 86400}`));
  });

  it('an expired URL', async () => {
    await expectRefused(sign(privatePath(), await keyValue(), [['exp', String(now() - 5)]]));
  });

  it('a key that is not the account’s', async () => {
    await expectRefused(sign(privatePath(), randomBytes(24).toString('base64'), [inAnHour()]));
  });

  it('a key rotated away, and a deleted key', async () => {
    const oldSigned = sign(privatePath(), await keyValue(), [inAnHour()]);
    await expectServed(oldSigned);
    await pictor.client.images.v1.keys.update('default', account());
    await expectRefused(oldSigned);
    await expectServed(sign(privatePath(), await keyValue(), [inAnHour()]));

    await pictor.client.images.v1.keys.update('second', account());
    const secondSigned = sign(privatePath(), await keyValue('second'), [inAnHour()]);
    await expectServed(secondSigned);
    await pictor.client.images.v1.keys.delete('second', account());
    await expectRefused(secondSigned);
  });

  it('malformed signatures and expiries', async () => {
    const signed = sign(privatePath(), await keyValue(), [inAnHour()]);
    await expectRefused(signed.replace(/sig=[0-9a-f]+/, 'sig=not-hex'));
    await expectRefused(signed.replace(/sig=([0-9a-f]+)/, (_m, hex: string) => `sig=${hex.slice(0, 62)}`));
    await expectRefused(sign(privatePath(), await keyValue(), [['exp', 'tomorrow']]));
  });

  it('flexible variants on a private image, even signed', async () => {
    await expectRefused(sign(privatePath('w=40'), await keyValue(), [inAnHour()]));
  });
});

describe('signDeliveryUrl', () => {
  // Expected values computed with `openssl dgst -sha256 -hmac <key>` over the path (+ `?exp=…`).
  const key = 'Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5=';
  const url = 'https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/083eb7b2-5392-4565-b69e-aff66acddd00/public';

  it('matches a known answer with exp', () => {
    expect(signDeliveryUrl(url, key, { expiresInSeconds: 3600, nowSeconds: 1631285675 })).toBe(
      `${url}?exp=1631289275&sig=925cb85ecfa76c19019f2c39843b3c3c3fd1fea27bac0703bea67f343acd3838`,
    );
  });

  it('matches a known answer without exp', () => {
    expect(signDeliveryUrl(url, key, { expiresInSeconds: null })).toBe(`${url}?sig=7616a033c99afacc8a4773d918f6de25aa0af7ffbff3ca5480ed8b75fcb22cd8`);
  });
});
