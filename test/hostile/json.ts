/**
 * Hostile JSON bodies and query strings on the API: malformed, huge, deep, wrong types, prototype
 * keys, non-boolean access-control values (issue 10, item 6) and empty bodies on routes whose body
 * is optional (items 8 and 9).
 */
import { expect } from 'vitest';
import * as images from '../helpers/images.js';
import type { Answer, HostileInput, Probe } from './corpus.js';
import { idOf, uploadForm } from './uploads.js';

const json = { 'content-type': 'application/json' };

async function freshImage(probe: Probe, requireSignedURLs: boolean): Promise<string> {
  const stored = await uploadForm(probe, [
    { name: 'file', value: await images.jpeg(16, 12), filename: 'a.jpg', type: 'image/jpeg' },
    { name: 'requireSignedURLs', value: String(requireSignedURLs) },
  ]);
  expect(stored.status).toBe(200);
  return idOf(stored);
}

const status = (answer: Answer, expected: number) => expect(answer.status, answer.text().slice(0, 300)).toBe(expected);
const errorCode = (answer: Answer) => answer.json<{ errors: Array<{ code: number }> }>().errors[0]?.code;

/** PATCH of the target's photo with a raw body: refused with 400 unless `accepted`. */
const patchBody = (name: string, body: () => string | Buffer, expected = 400, contentType = 'application/json'): HostileInput => ({
  name,
  async run(probe, target) {
    status(await probe.api(`/images/v1/${target.photo}`, { method: 'PATCH', body: body(), headers: { 'content-type': contentType } }), expected);
  },
});

const depth = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

const malformed: HostileInput[] = [
  patchBody('an unterminated object', () => '{'),
  patchBody('a missing value', () => '{"creator":}'),
  patchBody('trailing garbage after the object', () => '{"creator":"a"} {"creator":"b"}'),
  patchBody('single quotes', () => "{'creator':'a'}"),
  patchBody('a comment', () => '{/* x */"creator":"a"}'),
  patchBody('a NaN literal', () => '{"metadata":{"n":NaN}}'),
  // Decoded with a replacement character: an unknown top-level key, which PATCH ignores.
  patchBody('invalid UTF-8 bytes in a key', () => Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), 200),
  patchBody('a NUL byte in a key', () => '{"cre\u0000ator":"a"}'),
  patchBody('metadata nested 5000 deep', () => `{"metadata":${depth(5000)}}`),
  patchBody('arrays nested 100,000 deep', () => `{"metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  patchBody('a 2 MB body', () => JSON.stringify({ metadata: { a: 'x'.repeat(2 * 1024 * 1024) } }), 413),
  patchBody('metadata of 10,000 keys', () => JSON.stringify({ metadata: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) })),
  patchBody('a number too big for a double', () => '{"metadata":{"n":1e999}}', 200),
  patchBody('a creator of 900 KB', () => JSON.stringify({ creator: 'c'.repeat(900 * 1024) })),
  patchBody('null as the whole body', () => 'null'),
  patchBody('an array as the whole body', () => '[]'),
  patchBody('a string as the whole body', () => '"text"'),
  patchBody('a number as the whole body', () => '123'),
  patchBody('a JSON body labelled application/merge-patch+json', () => '{}', 415, 'application/merge-patch+json'),
  patchBody('a JSON body labelled text/plain', () => '{"creator":"a"}', 400, 'text/plain'),
  patchBody('a JSON body labelled UTF-16', () => '{"creator":"a"}', 200, 'application/json; charset=utf-16'),
  {
    name: '__proto__ and constructor keys do not change a private image',
    async run(probe) {
      const id = await freshImage(probe, true);
      const body = '{"__proto__":{"requireSignedURLs":false},"constructor":{"prototype":{"requireSignedURLs":false}}}';
      await probe.api(`/images/v1/${id}`, { method: 'PATCH', body, headers: json });
      const image = await probe.api(`/images/v1/${id}`);
      expect(image.json<{ result: { requireSignedURLs: boolean } }>().result.requireSignedURLs).toBe(true);
    },
  },
];

/** Every JSON value that is not a boolean, for a field that decides who may see an image. */
const notBooleans: Array<[string, string]> = [
  ['null', 'null'],
  ['0', '0'],
  ['"false"', '"false"'],
  ['"true"', '"true"'],
  ['1', '1'],
  ['[]', '[]'],
];

const accessControl: HostileInput[] = [
  ...notBooleans.map(([label, value]): HostileInput => ({
    name: `PATCH requireSignedURLs: ${label} is refused with 400 and leaves the image private`,
    issue: 6,
    async run(probe) {
      const id = await freshImage(probe, true);
      status(await probe.api(`/images/v1/${id}`, { method: 'PATCH', body: `{"requireSignedURLs":${value}}`, headers: json }), 400);
      const image = await probe.api(`/images/v1/${id}`);
      expect(image.json<{ result: { requireSignedURLs: boolean } }>().result.requireSignedURLs).toBe(true);
    },
  })),
  ...(['null', '0', '"false"'] as const).map((value): HostileInput => ({
    name: `variant neverRequireSignedURLs: ${value} is refused with 400`,
    issue: 6,
    async run(probe) {
      const body = `{"id":"nrs${value.replace(/\W/g, '')}","options":{"fit":"scale-down","width":10,"height":10,"metadata":"none"},"neverRequireSignedURLs":${value}}`;
      status(await probe.api('/images/v1/variants', { method: 'POST', body, headers: json }), 400);
    },
  })),
  ...(['null', '0', '"false"'] as const).map((value): HostileInput => ({
    name: `v1 direct upload requireSignedURLs: ${value} is refused with 400`,
    issue: 6,
    async run(probe) {
      status(await probe.api('/images/v1/direct_upload', { method: 'POST', body: `{"requireSignedURLs":${value}}`, headers: json }), 400);
    },
  })),
];

/** Cloudflare accepts `Content-Type: application/json` with no body wherever the body is optional. */
const emptyBody = (name: string, request: (probe: Probe) => Promise<[string, string]>, issue = 8): HostileInput => ({
  name,
  issue,
  async run(probe) {
    const [method, path] = await request(probe);
    status(await probe.api(path, { method, headers: json }), 200);
  },
});

const emptyBodies: HostileInput[] = [
  emptyBody('POST images/v1/direct_upload with an empty JSON body', async () => ['POST', '/images/v1/direct_upload']),
  emptyBody('DELETE images/v1/{id} with an empty JSON body', async (probe) => ['DELETE', `/images/v1/${await freshImage(probe, false)}`]),
  emptyBody('PATCH images/v1/{id} with an empty JSON body', async (probe) => ['PATCH', `/images/v1/${await freshImage(probe, false)}`]),
  emptyBody('PUT images/v1/keys/{name} with an empty JSON body', async () => ['PUT', '/images/v1/keys/hostile']),
  emptyBody('DELETE images/v1/keys/{name} with an empty JSON body', async (probe) => {
    // An account holds at most two keys: make room (the PUT input above may have made the second).
    await probe.api('/images/v1/keys/hostile', { method: 'DELETE' });
    status(await probe.api('/images/v1/keys/doomed', { method: 'PUT' }), 200);
    return ['DELETE', '/images/v1/keys/doomed'];
  }),
  emptyBody('DELETE images/v1/variants/{id} with an empty JSON body', async (probe) => {
    const body = '{"id":"doomed","options":{"fit":"scale-down","width":10,"height":10,"metadata":"none"}}';
    status(await probe.api('/images/v1/variants', { method: 'POST', body, headers: json }), 200);
    return ['DELETE', '/images/v1/variants/doomed'];
  }),
  {
    name: 'POST images/v2/direct_upload with no Content-Type and no body',
    issue: 9,
    async run(probe) {
      status(await probe.api('/images/v2/direct_upload', { method: 'POST' }), 200);
    },
  },
];

const query = (name: string, pathAndQuery: string, code?: number): HostileInput => ({
  name,
  async run(probe) {
    const answer = await probe.api(pathAndQuery);
    expect(answer.status).toBe(400);
    if (code !== undefined) expect(errorCode(answer)).toBe(code);
  },
});

const queries: HostileInput[] = [
  query('sort_order=up', '/images/v2?sort_order=up', 5400),
  query('sort_order given twice', '/images/v2?sort_order=asc&sort_order=desc', 5400),
  query('page past what a row offset holds', '/images/v1?page=99999999999999999999', 5400),
  query('per_page=-1', '/images/v1?per_page=-1'),
  query('per_page=NaN', '/images/v2?per_page=NaN'),
  query('a continuation token that is not one', '/images/v2?continuation_token=%00%FF..%2F..'),
  query('a meta filter nested past the limit', `/images/v2?${'meta.a'.padEnd(200, '.a')}[eq]=1`),
];

export const jsonInputs: HostileInput[] = [...malformed, ...accessControl, ...emptyBodies, ...queries];
