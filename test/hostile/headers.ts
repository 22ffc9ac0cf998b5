/**
 * Header abuse: oversized and duplicated framing headers, Transfer-Encoding tricks, request lines
 * that are not HTTP/1.1, and bad Accept, client-hint and credential headers. The framing cases go
 * over a raw socket, as no HTTP client would send them.
 */
import { expect } from 'vitest';
import type { HostileInput, Probe, Surface, Target } from './corpus.js';

const apiPath = (t: Target) => `/client/v4/accounts/${t.accountId}/images/v1`;

/** A raw request; `head(t)` is everything up to the blank line (CRLFs included), `body` follows it. */
const raw = (name: string, surface: Surface, head: (t: Target) => string, body = '', issue?: HostileInput['issue']): HostileInput => ({
  name,
  issue,
  async run(probe, target) {
    const answer = await probe.raw(`${head(target)}\r\n${body}`, surface);
    expect(answer.status).toBeGreaterThanOrEqual(400);
  },
});

const post = (t: Target, headers: string) => `POST ${apiPath(t)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.token}\r\nConnection: close\r\n${headers}`;
const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}`;

const framing: HostileInput[] = [
  raw('a 20 KB header on an API route', 'api', (t) => get(apiPath(t), `X-Big: ${'h'.repeat(20_000)}\r\n`)),
  raw('a 20 KB header on a delivery URL', 'delivery', (t) => get(`/${t.accountHash}/${t.photo}/public`, `X-Big: ${'h'.repeat(20_000)}\r\n`)),
  raw('3,000 small headers', 'api', (t) => get(apiPath(t), Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join(''))),
  raw('two different Content-Lengths', 'api', (t) => post(t, 'Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n'), '{}'),
  raw('Content-Length with Transfer-Encoding: chunked', 'api', (t) => post(t, 'Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n'), '2\r\n{}\r\n0\r\n\r\n'),
  raw('Transfer-Encoding: chunked, identity', 'api', (t) => post(t, 'Content-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n'), '2\r\n{}\r\n0\r\n\r\n'),
  raw('Transfer-Encoding: xchunked', 'api', (t) => post(t, 'Content-Type: application/json\r\nTransfer-Encoding: xchunked\r\n'), '2\r\n{}\r\n0\r\n\r\n'),
  raw('a space before the Transfer-Encoding colon', 'api', (t) => post(t, 'Content-Type: application/json\r\nTransfer-Encoding : chunked\r\n'), '2\r\n{}\r\n0\r\n\r\n'),
  raw('a chunk size that overflows 64 bits', 'api', (t) => post(t, 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'), 'FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n'),
  raw('a chunk size that is not hex', 'api', (t) => post(t, 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'), 'zz\r\n{}\r\n0\r\n\r\n'),
  raw('a negative Content-Length', 'api', (t) => post(t, 'Content-Type: application/json\r\nContent-Length: -1\r\n'), '{}'),
  raw('a Content-Length that is not a number', 'api', (t) => post(t, 'Content-Type: application/json\r\nContent-Length: 1e3\r\n'), '{}'),
  raw('a folded (obs-fold) header line', 'api', (t) => get(apiPath(t), 'X-Folded: a\r\n  b\r\n')),
  raw('a NUL byte in a header value', 'api', (t) => get(apiPath(t), 'X-Nul: a\u0000b\r\n')),
  raw('bare LF line endings', 'api', (t) => get(apiPath(t)).replaceAll('\r\n', '\n')),
  // Node's own Host check would answer a bare, empty 400; Pictor answers in the area's shape.
  raw('no Host header', 'api', (t) => `GET ${apiPath(t)} HTTP/1.1\r\nConnection: close\r\n`),
  raw('two Host headers', 'api', (t) => get(apiPath(t), 'Host: y\r\n')),
  raw('HTTP/2.0 in an HTTP/1 request line', 'api', (t) => `GET ${apiPath(t)} HTTP/2.0\r\nHost: x\r\nConnection: close\r\n`),
  raw('an unknown method', 'api', (t) => `FOO ${apiPath(t)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n`),
  raw('an absolute-form target pointing elsewhere', 'delivery', () => get('http://169.254.169.254/latest/meta-data/')),
  raw('a request line that is not HTTP', 'api', () => 'GARBAGE\r\n'),
  raw('a declared 10 GB body with Expect: 100-continue', 'api', (t) => post(t, 'Content-Type: multipart/form-data; boundary=B\r\nContent-Length: 10737418240\r\nExpect: 100-continue\r\n')),
];

/** An image delivery with hostile headers: any well-shaped answer (the probe checks it). */
const delivered = (name: string, headers: Record<string, string>, options = 'public'): HostileInput => ({
  name,
  async run(probe: Probe, target) {
    await probe.deliver(`${target.photo}/${options}`, { headers });
  },
});

const negotiation: HostileInput[] = [
  delivered('Accept with q=NaN', { accept: 'image/avif;q=NaN, image/webp;q=-1' }),
  delivered('Accept with q=2', { accept: 'image/avif;q=2' }),
  delivered('an Accept of 1,000 media types', { accept: Array.from({ length: 1000 }, (_, i) => `image/x-${i};q=0.${i % 10}`).join(', ') }),
  delivered('Accept: */*;q=0', { accept: '*/*;q=0' }),
  delivered('an Accept that is only commas', { accept: ',,,,;;;,' }),
  delivered('Sec-CH-DPR: NaN with width=auto', { 'sec-ch-dpr': 'NaN' }, 'width=auto'),
  delivered('DPR: -1 with width=auto', { dpr: '-1' }, 'width=auto'),
  delivered('Width: 1e309 with width=auto', { width: '1e309' }, 'width=auto'),
  delivered('Viewport-Width of 20 digits with width=auto', { 'viewport-width': '99999999999999999999' }, 'width=auto'),
  delivered('Sec-CH-Viewport-Width: abc with width=auto', { 'sec-ch-viewport-width': 'abc' }, 'width=auto'),
  delivered('Save-Data: maybe and ECT: 9g with slow-connection-quality', { 'save-data': 'maybe', ect: '9g' }, 'slow-connection-quality=10'),
  delivered('an If-None-Match of 2,000 tags', { 'if-none-match': Array.from({ length: 2000 }, (_, i) => `"t${i}"`).join(', ') }),
  delivered('a Range of 1,000 parts', { range: `bytes=${Array.from({ length: 1000 }, (_, i) => `${i}-${i}`).join(',')}` }),
];

const credentials: HostileInput[] = [
  ...[
    ['a 10 KB bearer token', `Bearer ${'t'.repeat(10_000)}`],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['an empty Bearer', 'Bearer '],
    ['the token in lowercase "bearer"', 'bearer wrong-token'],
  ].map(([name, authorization]): HostileInput => ({
    name: `Authorization: ${name}`,
    async run(probe) {
      expect((await probe.api('/images/v1', { headers: { authorization: authorization! } })).status).toBeGreaterThanOrEqual(400);
    },
  })),
  {
    name: 'X-Auth-Email and X-Auth-Key of 8 KB each',
    async run(probe) {
      const answer = await probe.api('/images/v1', { auth: false, headers: { 'x-auth-email': `${'e'.repeat(8000)}@x.test`, 'x-auth-key': 'k'.repeat(8000) } });
      expect(answer.status).toBeGreaterThanOrEqual(400);
    },
  },
];

export const headerInputs: HostileInput[] = [...framing, ...negotiation, ...credentials];
