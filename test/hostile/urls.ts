/**
 * Hostile URLs: custom IDs and paths that try to traverse or smuggle separators, over-long URLs and
 * option strings, every flexible-variant option given a value out of its range, tampered signed
 * URLs, and upload-by-URL sources on loopback, private and metadata addresses or redirecting there.
 */
import { expect } from 'vitest';
import * as images from '../helpers/images.js';
import { optionByName } from '../../src/variants/option-table.js';
import { signDeliveryUrl } from '../../src/signing/signed-url.js';
import type { Answer, HostileInput, Target } from './corpus.js';
import { expectRefused, uploadForm } from './uploads.js';

const expectStatus = (answer: Answer, status: number, code?: number) => {
  expect(answer.status, answer.text().slice(0, 300)).toBe(status);
  if (code !== undefined) expect(answer.text()).toMatch(answer.headers.get('cf-resized') ? new RegExp(`^ERROR ${code}: `) : new RegExp(`"code":${code}\\b`));
};

const customIds = [
  '..', '../etc/passwd', 'a/../b', 'a/./b', 'a%2Fb', '%2E%2E', 'a%00b', 'a\u0000b', '%C0%AE%C0%AE/x', 'a\\..\\b', '/abs', 'trail/', 'a//b',
  ' padded ', 'keys', '2cdc28f0-017a-49c4-9ed7-87056c83901f', 'x'.repeat(1025),
];

const customIdInputs: HostileInput[] = customIds.map((id) => ({
  name: `custom id ${JSON.stringify(id.length > 40 ? `${id.slice(0, 12)}…(${id.length})` : id)} is refused`,
  async run(probe) {
    expectStatus(await uploadForm(probe, [{ name: 'file', value: await images.jpeg(8, 8), filename: 'a.jpg', type: 'image/jpeg' }, { name: 'id', value: id }]), 400);
  },
}));

/** API and delivery paths that must answer 4xx (never reach a file or another account). */
const apiPaths = ['%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '..%2F..%2Fkeys', '%00', '%C0%AE%C0%AE%2Fx', '%ZZ', `${'a'.repeat(20_000)}`];
const deliveryPaths = (t: Target) => [
  `..%2F..%2Fetc%2Fpasswd/public`,
  `%2E%2E/%2E%2E/public`,
  `${t.photo}/..%2Fpublic`,
  `${t.photo}/%00`,
  `%C0%AE%C0%AE/${t.photo}/public`,
  `${t.photo}/public%ZZ`,
  `${'d'.repeat(20_000)}/public`,
];

const invalidUtf8Id: HostileInput = {
  name: 'a custom id of invalid UTF-8 bytes is refused or stored well-formed',
  async run(probe) {
    const answer = await uploadForm(probe, [
      { name: 'file', value: await images.jpeg(8, 8), filename: 'a.jpg', type: 'image/jpeg' },
      { name: 'id', value: Buffer.from([0x61, 0xed, 0xa0, 0x80, 0xc0, 0xae]) },
    ]);
    if (answer.status === 200) expect(answer.json<{ result: { id: string } }>().result.id.isWellFormed()).toBe(true);
  },
};

const pathInputs: HostileInput[] = [
  invalidUtf8Id,
  ...apiPaths.map((p): HostileInput => ({
    name: `GET images/v1/${p.slice(0, 40)}`,
    async run(probe) {
      expect((await probe.api(`/images/v1/${p}`)).status).toBeGreaterThanOrEqual(400);
    },
  })),
  ...[0, 1, 2, 3, 4, 5, 6].map((i): HostileInput => ({
    name: `delivery path #${i + 1} of traversal, NUL, overlong UTF-8, bad escapes and length`,
    async run(probe, target) {
      // Over a raw socket: fetch would resolve %2E%2E as a dot segment before sending.
      const answer = await probe.raw(`GET /${target.accountHash}/${deliveryPaths(target)[i]!} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'delivery');
      expect(answer.status).toBeGreaterThanOrEqual(400);
    },
  })),
  {
    name: 'delivery under an account hash that is not the account’s',
    async run(probe, target) {
      expectStatus(await probe.http(`/${'0'.repeat(22)}/${target.photo}/public`, {}, 'delivery'), 403, 9427);
    },
  },
  {
    name: 'custom-domain delivery path climbing out of /cdn-cgi/imagedelivery',
    async run(probe, target) {
      expect((await probe.http(`/cdn-cgi/imagedelivery/..%2F..%2F${target.accountHash}/${target.photo}/public`, {}, 'delivery')).status).toBeGreaterThanOrEqual(400);
    },
  },
];

/** Bad option strings (from the delivery suite's table): [options as sent, status, code]. */
const badOptionStrings: Array<[string, number, number]> = [
  ['foo=1', 400, 9401], ['w=100,foo=1', 400, 9401], ['w=-1', 400, 9401], ['w=0', 400, 9401], ['w=NaN', 400, 9401],
  ['w=Infinity', 400, 9401], ['w=99999999999999999999', 400, 9401], ['dpr=0', 400, 9401], ['q=0', 400, 9401], ['blur=-1', 400, 9401], ['width=100,width=200', 400, 9401], ['w=100,w=200', 400, 9401],
  ['w=1e3', 400, 9401], ['w=0x10', 400, 9401], ['w=1.5', 400, 9401], ['w=', 400, 9401], ['=100', 400, 9401],
  ['w=100,,h=100', 400, 9401], ['w=100%00', 400, 9401], ['fit=<script>alert(1)<%2Fscript>', 400, 9401],
  ['fit=cover%3Balert(1)', 400, 9401], ['w=100;rm%20-rf%20%2F', 400, 9401], ['background=url(javascript:alert(1))', 400, 9401],
  ['background=expression(alert(1))', 400, 9401], ["q=1'%20OR%201=1--", 400, 9401], ['f=gif', 400, 9401],
  ['format=%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', 400, 9401], ['rotate=45', 400, 9401], ['trim=1;2;3', 400, 9401],
  ['gravity=2x2x2', 400, 9401], ['segment=background', 400, 9401], ['onerror=redirect', 400, 9401], ['upscale=generate', 400, 9401],
  [`w=100,${'sharpen=1,'.repeat(300)}`, 400, 9401],
  [`w=100,blur=1${'0'.repeat(2100)}`, 400, 9401],
  // Huge sizes are clamped to 12000, then refused because enlarging past 5000 px is not allowed.
  ['w=99999,fit=contain', 403, 9413], ['w=12000,h=12000,fit=squeeze', 403, 9413], ['trim=0;400;0;0', 403, 9413], ['w=%E0%A4%A', 403, 9426],
];

const optionStringInputs: HostileInput[] = badOptionStrings.map(([options, status, code]) => ({
  name: `options ${options.length > 50 ? `${options.slice(0, 30)}…(${options.length})` : options} → ${status} / ${code}`,
  async run(probe, target) {
    expectStatus(await probe.deliver(`${target.photo}/${options}`), status, code);
  },
}));

/** Every option (from the parser's own table, so a new option is covered at once) with values out of any range. */
const outOfRange = ['-1', 'NaN', 'Infinity', '1e999', '99999999999999999999', ''];
const everyOption = [...new Set(optionByName.values())];
const everyOptionInputs: HostileInput[] = everyOption.flatMap((option) =>
  outOfRange.map((value): HostileInput => ({
    name: `${option}=${value || '(empty)'}`,
    async run(probe, target) {
      await probe.deliver(`${target.photo}/${option}=${value}`);
    },
  })),
);

/** Tampered signed URLs of a private image: each one refused with 403. */
const tamperings: Array<[string, (signed: URL, t: Target) => string]> = [
  ['no signature at all', (u) => u.pathname],
  ['a signature of the wrong length', (u) => `${u.pathname}?exp=${u.searchParams.get('exp')}&sig=abc`],
  ['a signature of zeros', (u) => `${u.pathname}?exp=${u.searchParams.get('exp')}&sig=${'0'.repeat(64)}`],
  ['the expiry moved a year on', (u) => `${u.pathname}?exp=${Number(u.searchParams.get('exp')) + 31_536_000}&sig=${u.searchParams.get('sig')}`],
  ['the variant swapped for flexible options', (u) => `${u.pathname.replace(/public$/, 'w=10')}${u.search}`],
  ['a parameter appended after signing', (u) => `${u.pathname}${u.search}&w=10`],
  ['a second sig parameter', (u) => `${u.pathname}?sig=${'f'.repeat(64)}&${u.search.slice(1)}`],
  ['an expiry of 1e20', (u) => `${u.pathname}?exp=100000000000000000000&sig=${u.searchParams.get('sig')}`],
  ['a signature made for another image', (u, t) => `${u.pathname}${new URL(signDeliveryUrl(`${t.origin}/${t.accountHash}/${t.photo}/public`, t.signingKey)).search}`],
];

const signedUrlInputs: HostileInput[] = [
  {
    name: 'an expired signed URL is refused',
    async run(probe, target) {
      const expired = new URL(signDeliveryUrl(`${target.origin}/${target.accountHash}/${target.privateImage}/public`, target.signingKey, { expiresInSeconds: -60 }));
      expectStatus(await probe.http(`${expired.pathname}${expired.search}`, {}, 'delivery'), 403, 9425);
    },
  },
  ...tamperings.map(([name, tamper]): HostileInput => ({
    name: `signed URL with ${name} is refused`,
    async run(probe, target) {
      const signed = new URL(signDeliveryUrl(`${target.origin}/${target.accountHash}/${target.privateImage}/public`, target.signingKey));
      expect((await probe.http(signed.pathname + signed.search, {}, 'delivery')).status).toBe(200);
      expectStatus(await probe.http(tamper(signed, target), {}, 'delivery'), 403, 9425);
    },
  })),
];

/** Upload-by-URL sources that must be refused; `(t)` sees the target's own port and the source origin. */
const sourceUrls: Array<[string, (t: Target) => string]> = [
  ['Pictor’s own loopback port', (t) => `${t.origin}/healthz`],
  ['[::1]', () => 'http://[::1]/x.png'],
  ['10.0.0.1', () => 'http://10.0.0.1/x.png'],
  ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ['localhost', () => 'http://localhost/x.png'],
  ['0.0.0.0', () => 'http://0.0.0.0/x.png'],
  ['127.1 shorthand', () => 'http://127.1/x.png'],
  ['a decimal IP (2130706433)', () => 'http://2130706433/x.png'],
  ['a hex IP (0x7f000001)', () => 'http://0x7f000001/x.png'],
  ['an IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]/x.png'],
  ['credentials before a loopback host', () => 'http://user:pass@127.0.0.1/x.png'],
  ['file:///etc/passwd', () => 'file:///etc/passwd'],
  ['gopher://', () => 'gopher://127.0.0.1:6379/_INFO'],
  ['a data: URL', () => 'data:image/png;base64,iVBORw0KGgo='],
  ['an allowed host redirecting to Pictor’s loopback port', (t) => `${t.sourceOrigin}/redirect?to=${encodeURIComponent(`${t.origin}/healthz`)}`],
  ['an allowed host redirecting to the metadata address', (t) => `${t.sourceOrigin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`],
  ['an allowed host redirecting to [::1]', (t) => `${t.sourceOrigin}/redirect?to=${encodeURIComponent('http://[::1]/x.png')}`],
  ['an allowed host redirecting to 10.0.0.1', (t) => `${t.sourceOrigin}/redirect?to=${encodeURIComponent('http://10.0.0.1/x.png')}`],
  ['an allowed host redirecting to file:', (t) => `${t.sourceOrigin}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`],
  ['an allowed host redirecting to itself forever', (t) => `${t.sourceOrigin}/loop`],
  ['a source that never finishes its body', (t) => `${t.sourceOrigin}/slow`],
  ['a source declaring a 1 GB body', (t) => `${t.sourceOrigin}/huge`],
  ['a source serving a pixel bomb', (t) => `${t.sourceOrigin}/bomb.png`],
  ['a source serving HTML as image/png', (t) => `${t.sourceOrigin}/html.png`],
];

const sourceUrlInputs: HostileInput[] = sourceUrls.map(([name, url]) => ({
  name: `upload by URL: ${name}`,
  async run(probe, target) {
    expectRefused(await uploadForm(probe, [{ name: 'url', value: url(target) }]));
  },
}));

export const urlInputs: HostileInput[] = [
  ...customIdInputs,
  ...pathInputs,
  ...optionStringInputs,
  ...everyOptionInputs,
  ...signedUrlInputs,
  ...sourceUrlInputs,
];
