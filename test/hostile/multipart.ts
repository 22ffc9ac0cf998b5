/**
 * Hostile multipart uploads: too many fields, huge fields, broken framing, nested multipart, and
 * form values no SDK sends, on the upload, v2 direct-upload and upload-URL routes.
 */
import { expect } from 'vitest';
import * as images from '../helpers/images.js';
import { multipartBody, type Part } from '../helpers/multipart.js';
import { limits } from '../../src/limits.js';
import type { HostileInput, Probe } from './corpus.js';
import { expectRefused, uploadForm } from './uploads.js';

let photoBytes: Buffer | undefined;
const photo = async () => (photoBytes ??= await images.jpeg(32, 24));
const file = async (): Promise<Part> => ({ name: 'file', value: await photo(), filename: 'a.jpg', type: 'image/jpeg' });

/** A form that must be refused (well-formed 4xx) on the upload route. */
const refusedForm = (name: string, parts: () => Promise<Part[]>): HostileInput => ({
  name,
  async run(probe) {
    expectRefused(await uploadForm(probe, await parts()));
  },
});

type Build = () => Promise<{ body: Buffer; contentType: string }>;

/** Raw body and Content-Type on the upload route; must be refused. */
const refusedBody = (name: string, build: Build, issue?: HostileInput['issue']): HostileInput => ({
  name,
  issue,
  async run(probe) {
    const { body, contentType } = await build();
    expectRefused(await probe.api('/images/v1', { method: 'POST', body, headers: { 'content-type': contentType } }));
  },
});

const framed = async (text: (jpeg: string) => string, contentType = 'multipart/form-data; boundary=B') => ({
  body: Buffer.from(text((await photo()).toString('latin1')), 'latin1'),
  contentType,
});

const filePartText = (jpeg: string, boundary = 'B') =>
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n${jpeg}\r\n`;

const forms: HostileInput[] = [
  refusedForm('5,000 text fields', async () => [await file(), ...Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, value: 'x' }))]),
  refusedForm(`${limits.maxFormFields + 1} metadata fields`, async () => [
    await file(),
    ...Array.from({ length: limits.maxFormFields + 1 }, (_, i) => ({ name: `metadata[k${i}]`, value: 'v' })),
  ]),
  refusedForm('a 1 MB metadata field', async () => [await file(), { name: 'metadata', value: JSON.stringify({ a: 'x'.repeat(1024 * 1024) }) }]),
  refusedForm('a 200 KB id field', async () => [await file(), { name: 'id', value: 'i'.repeat(200 * 1024) }]),
  refusedForm('metadata that is not JSON', async () => [await file(), { name: 'metadata', value: '{not json' }]),
  refusedForm('two file parts', async () => [await file(), await file()]),
  refusedForm('a file and a url at once', async () => [await file(), { name: 'url', value: 'https://example.com/a.jpg' }]),
  refusedForm('no file and no url', async () => [{ name: 'metadata', value: '{}' }]),
  refusedForm('requireSignedURLs="null"', async () => [await file(), { name: 'requireSignedURLs', value: 'null' }]),
  refusedForm('requireSignedURLs="yes"', async () => [await file(), { name: 'requireSignedURLs', value: 'yes' }]),
  refusedForm('a file larger than 10 MB', async () => [{ name: 'file', value: Buffer.alloc(limits.maxFileBytes + 1, 1), filename: 'big.jpg', type: 'image/jpeg' }]),
  {
    name: `a filename of 10,000 characters is refused or cut to ${limits.maxFilenameLength}`,
    async run(probe) {
      const answer = await uploadForm(probe, [{ ...(await file()), filename: `${'n'.repeat(10_000)}.jpg` }]);
      if (answer.status === 200) expect(answer.json<{ result: { filename: string } }>().result.filename.length).toBeLessThanOrEqual(limits.maxFilenameLength);
    },
  },
  refusedBody('no boundary in the Content-Type', () => framed(filePartText, 'multipart/form-data')),
  refusedBody('an empty boundary', () => framed(filePartText, 'multipart/form-data; boundary=')),
  refusedBody('an unterminated quoted boundary', () => framed(filePartText, 'multipart/form-data; boundary="B')),
  refusedBody('a boundary that never appears in the body', () => framed(filePartText, 'multipart/form-data; boundary=OTHER')),
  refusedBody('no closing boundary', () => framed((jpeg) => filePartText(jpeg))),
  // Today: a 500 (RFC 2046 caps boundaries at 70 characters; the parser's failure is not mapped).
  refusedBody('a 300-character boundary', () => framed((jpeg) => `${filePartText(jpeg, 'b'.repeat(300))}--${'b'.repeat(300)}--\r\n`, `multipart/form-data; boundary=${'b'.repeat(300)}`)),
  refusedBody('a part without Content-Disposition', () => framed((jpeg) => `--B\r\nContent-Type: image/jpeg\r\n\r\n${jpeg}\r\n--B--\r\n`)),
  refusedBody('a part header of 100 KB', () => framed((jpeg) => `--B\r\nX-Junk: ${'j'.repeat(100 * 1024)}\r\n${filePartText(jpeg).slice(5)}--B--\r\n`)),
  refusedBody('a multipart/mixed body nested in the file part', () =>
    framed(
      (jpeg) =>
        `--B\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: multipart/mixed; boundary=C\r\n\r\n` +
        `--C\r\nContent-Type: image/jpeg\r\n\r\n${jpeg}\r\n--C--\r\n\r\n--B--\r\n`,
    ),
  ),
  refusedBody('a multipart body sent as application/json', async () => ({ ...multipartBody([await file()]), contentType: 'application/json' })),
];

/** Hostile forms on the routes that take forms without an account token in front of them. */
const otherRoutes: HostileInput[] = [
  {
    name: 'v2 direct upload with an expiry in the past',
    async run(probe) {
      expectRefused(await uploadForm(probe, [{ name: 'expiry', value: '2000-01-01T00:00:00Z' }], '/images/v2/direct_upload'));
    },
  },
  {
    name: 'v2 direct upload with an expiry that is not a date',
    async run(probe) {
      expectRefused(await uploadForm(probe, [{ name: 'expiry', value: '9999-99-99T99:99:99Z' }], '/images/v2/direct_upload'));
    },
  },
  {
    name: 'an upload URL posted with no file, then with a 5,000-field form',
    async run(probe) {
      const upload = await uploadForm(probe, [{ name: 'metadata', value: '{}' }], '/images/v2/direct_upload');
      expect(upload.status).toBe(200);
      const url = new URL(upload.json<{ result: { uploadURL: string } }>().result.uploadURL);
      const post = (parts: Part[]) => {
        const { body, contentType } = multipartBody(parts);
        return probe.http(url.pathname, { method: 'POST', body, headers: { 'content-type': contentType } }, 'api');
      };
      expectRefused(await post([{ name: 'metadata', value: '{}' }]));
      expectRefused(await post(Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, value: 'x' }))));
    },
  },
  {
    name: 'an upload URL whose token is a path traversal',
    async run(probe: Probe, target) {
      const { body, contentType } = multipartBody([await file()]);
      for (const token of ['..%2F..%2Fimages%2Fv1', '%00', 'x'.repeat(5000)]) {
        expectRefused(await probe.http(`/upload/${target.accountHash}/${token}`, { method: 'POST', body, headers: { 'content-type': contentType } }, 'api'));
      }
    },
  },
];

export const multipartInputs: HostileInput[] = [...forms, ...otherRoutes];
