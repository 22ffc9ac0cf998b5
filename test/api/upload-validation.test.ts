/**
 * Every upload limit at its edge (accepted) and one past it (refused with its code), hostile input,
 * and proof that a refusal leaves nothing behind in the blob store.
 */
import http from 'node:http';
import { once } from 'node:events';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { multipartBody, type Part } from '../helpers/multipart.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

let pictor: TestPictor;
let photo: Buffer;

beforeAll(async () => {
  pictor = await startPictor();
  photo = await images.jpeg(64, 48);
});
afterAll(async () => pictor?.close());

async function upload(parts: Part[]) {
  const { body, contentType } = multipartBody(parts);
  const res = await pictor.api('/images/v1', { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: (await res.json()) as { success: boolean; result: Record<string, unknown> | null; errors: Array<{ code: number; message: string }> } };
}

const file = (bytes: Buffer, type = 'image/jpeg', filename = 'upload.jpg'): Part => ({ name: 'file', value: bytes, filename, type });

/** State of the account before a refusal, to prove nothing was written by it. */
let before: { blobs: string[]; count: number };
const snapshot = async () => ({ blobs: await pictor.storedBlobs(), count: (await pictor.services.images.stats(await account())).count.current });
const account = async () => (await pictor.services.accounts.findAccount(pictor.accountId))!;

async function expectRefused(parts: Part[], status: number, code: number, message?: RegExp) {
  before = await snapshot();
  const res = await upload(parts);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.success).toBe(false);
  expect(res.body.errors[0]!.code).toBe(code);
  if (message) expect(res.body.errors[0]!.message).toMatch(message);
  expect(await snapshot()).toEqual(before);
  return res.body.errors[0]!;
}

async function expectAccepted(parts: Part[]) {
  const res = await upload(parts);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.result!;
}

afterEach(async () => {
  // Temp files never survive a request, refused or not.
  expect((await pictor.storedBlobs()).filter((f) => f.startsWith('.tmp'))).toEqual([]);
});

describe('formats', () => {
  it.each([
    ['JPEG', () => images.jpeg(), 'image/jpeg'],
    ['PNG', () => images.png(), 'image/png'],
    ['animated GIF', () => images.animatedGif(), 'image/gif'],
    ['WebP', () => images.webp(), 'image/webp'],
    ['AVIF', () => images.avif(), 'image/avif'],
    // The original is stored and given back byte for byte (as Cloudflare does); delivery serves the
    // sanitized document (test/delivery/svg-large.test.ts).
    ['SVG', async () => images.svg('<script>alert(1)</script>'), 'image/svg+xml'],
    ['HEIC', async () => images.heic(), 'image/heic'],
  ])('accepts %s and serves the original back with its type', async (_name, make, type) => {
    const bytes = await make();
    const image = await expectAccepted([file(bytes, 'application/octet-stream', 'x')]);
    const blob = await pictor.api(`/images/v1/${image.id}/blob`);
    expect(blob.headers.get('content-type')).toBe(type);
    expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('records animation frames', async () => {
    const image = await expectAccepted([file(await images.animatedGif(40, 30, 4), 'image/gif')]);
    const record = await pictor.services.imageRepository.find(pictor.accountId, image.id as string);
    expect(record).toMatchObject({ format: 'gif', width: 40, height: 30, frames: 4 });
  });
});

describe('hostile files', () => {
  it('refuses a non-image with 415/5455', async () => {
    await expectRefused([file(Buffer.from('<html>not an image</html>'), 'image/png')], 415, 5455, /not a supported image/);
  });

  it('refuses a lying Content-Type with 415/5455', async () => {
    await expectRefused([file(await images.png(), 'image/jpeg')], 415, 5455, /declares content-type image\/jpeg but the file is image\/png/);
    await expectRefused([file(photo, 'text/plain')], 415, 5455);
  });

  it('refuses truncated JPEG, PNG and GIF files with 400/5400', async () => {
    const jpeg = await images.jpeg(300, 200);
    const png = await images.png(300, 200);
    const gif = await images.animatedGif(64, 48, 3);
    for (const [bytes, type] of [
      [jpeg.subarray(0, jpeg.length - 2000), 'image/jpeg'],
      [png.subarray(0, png.length - 2000), 'image/png'],
      [gif.subarray(0, gif.length - 1), 'image/gif'],
      [gif.subarray(0, Math.floor(gif.length * 0.7)), 'image/gif'],
    ] as const) {
      await expectRefused([file(bytes, type)], 400, 5400, /truncated or corrupt/);
    }
  });

  it('refuses a pixel bomb from its header alone, quickly', async () => {
    // A PNG whose header claims 60000x60000 with almost no data.
    const bomb = await images.solid(1, 1, 'png');
    bomb.writeUInt32BE(60000, 16);
    bomb.writeUInt32BE(60000, 20);
    const started = Date.now();
    await expectRefused([file(bomb, 'image/png')], 400, 5400, /maximum is 12000 px per side/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses an empty file', async () => {
    await expectRefused([file(Buffer.alloc(0))], 415, 5455);
  });
});

describe('size limits', () => {
  it('accepts exactly 10 MB and refuses one byte more with 413/5413', async () => {
    const noise = await sharp(Buffer.alloc(1600 * 1200 * 3, 7).map((_, i) => (i * 2654435761) >>> 24), {
      raw: { width: 1600, height: 1200, channels: 3 },
    })
      .jpeg({ quality: 100 })
      .toBuffer();
    // JPEG decoders stop at the end-of-image marker, so padding after it keeps the file valid.
    const exact = Buffer.concat([noise, Buffer.alloc(10 * 1024 * 1024 - noise.length)]);
    await expectAccepted([file(exact)]);
    await expectRefused([file(Buffer.concat([exact, Buffer.alloc(1)]))], 413, 5413);
  });

  it('accepts 12000 px per side and refuses 12001', async () => {
    await expectAccepted([file(await images.solid(12000, 8), 'image/png')]);
    await expectAccepted([file(await images.solid(8, 12000), 'image/png')]);
    await expectRefused([file(await images.solid(12001, 8), 'image/png')], 400, 5400, /maximum is 12000 px per side/);
    await expectRefused([file(await images.solid(8, 12001), 'image/png')], 400, 5400);
  });

  it('accepts 100 megapixels and refuses more', async () => {
    await expectAccepted([file(await images.solid(10000, 10000), 'image/png')]);
    await expectRefused([file(await images.solid(10000, 10001), 'image/png')], 400, 5400, /100\.0 megapixels; the maximum is 100 megapixels/);
  });

  it('counts every frame of an animation against the 100 megapixel limit', async () => {
    await expectAccepted([file(await images.sparseAnimatedWebp(2500, 2000, 20), 'image/webp')]);
    await expectRefused([file(await images.sparseAnimatedWebp(2500, 2000, 21), 'image/webp')], 400, 5400, /21 frames of 2500x2000 px/);
  });
});

describe('fields', () => {
  it('accepts 1024 bytes of metadata and refuses 1025', async () => {
    const meta = (bytes: number) => JSON.stringify({ k: 'x'.repeat(bytes - '{"k":""}'.length) });
    expect(Buffer.byteLength(meta(1024))).toBe(1024);
    await expectAccepted([file(photo), { name: 'metadata', value: meta(1024) }]);
    await expectRefused([file(photo), { name: 'metadata', value: meta(1025) }], 400, 5400, /1025 bytes of JSON; the limit is 1024/);
  });

  it('refuses empty, invalid and non-object metadata', async () => {
    for (const value of ['', 'not json', '[1,2]', '"text"', 'null']) {
      await expectRefused([file(photo), { name: 'metadata', value }], 400, 5400, /metadata/);
    }
    await expectRefused([file(photo), { name: 'metadata', value: '{}' }, { name: 'metadata[a]', value: 'b' }], 400, 5400, /not both/);
    await expectRefused([file(photo), { name: 'metadata[__proto__][x]', value: '1' }], 400, 5400);
  });

  it('accepts a 1024-character custom id and refuses 1025', async () => {
    const id = (n: number) => `dir/${'é'.repeat(n - 4)}`;
    const image = await expectAccepted([file(photo), { name: 'id', value: id(1024) }]);
    expect(image.id).toBe(id(1024));
    // Percent-encoded, the id is over 6,000 characters of path: it must still route.
    const fetched = await pictor.api(`/images/v1/${encodeURIComponent(id(1024))}`);
    expect(fetched.status).toBe(200);
    await expectRefused([file(photo), { name: 'id', value: id(1025) }], 400, 5400, /longer than 1024/);
  });

  it.each([
    '../etc/passwd',
    'a/../../b',
    'a/./b',
    'a//b',
    '/leading',
    'trailing/',
    '..',
    'a%2F..%2F..%2Fetc',
    'a%2e%2e',
    'nul\u0000byte',
    'line\nbreak',
    'back\\slash',
    '9d1f0a59-4d7c-4a5b-9b1e-1234567890ab',
    'stats',
    ' padded ',
  ])('refuses the custom id %j and writes nothing', async (id) => {
    await expectRefused([file(photo), { name: 'id', value: id }], 400, 5400, /Invalid custom ID/);
  });

  it('refuses a duplicate custom id with 409/5409', async () => {
    await expectAccepted([file(photo), { name: 'id', value: 'dup/one' }]);
    await expectRefused([file(photo), { name: 'id', value: 'dup/one' }], 409, 5409);
  });

  it('refuses a custom id with requireSignedURLs with 5410', async () => {
    await expectRefused([file(photo), { name: 'id', value: 'private/one' }, { name: 'requireSignedURLs', value: 'true' }], 400, 5410);
  });

  it('accepts creator of 1024 characters and refuses 1025', async () => {
    await expectAccepted([file(photo), { name: 'creator', value: 'c'.repeat(1024) }]);
    await expectRefused([file(photo), { name: 'creator', value: 'c'.repeat(1025) }], 400, 5400, /creator/);
  });

  it('parses requireSignedURLs string booleans and refuses anything else', async () => {
    expect((await expectAccepted([file(photo), { name: 'requireSignedURLs', value: 'true' }])).requireSignedURLs).toBe(true);
    expect((await expectAccepted([file(photo), { name: 'requireSignedURLs', value: 'false' }])).requireSignedURLs).toBe(false);
    await expectRefused([file(photo), { name: 'requireSignedURLs', value: 'maybe' }], 400, 5400, /requireSignedURLs/);
  });

  it('refuses a form with no file and no url, with both, or with two files', async () => {
    await expectRefused([{ name: 'id', value: 'x' }], 400, 5400, /needs a file/);
    await expectRefused([file(photo), { name: 'url', value: 'http://example.com/a.jpg' }], 400, 5400, /not both/);
    await expectRefused([file(photo), file(photo)], 400, 5400, /Only one file/);
    await expectRefused([{ name: 'image', value: photo, filename: 'a.jpg', type: 'image/jpeg' }], 400, 5400, /field "file"/);
    await expectRefused([{ name: 'file', value: 'base64data' }], 415, 5455, /file part/);
  });

  it('refuses a known field given twice instead of silently keeping one value', async () => {
    await expectRefused([file(photo), { name: 'requireSignedURLs', value: 'true' }, { name: 'requireSignedURLs', value: 'false' }], 400, 5400, /"requireSignedURLs" is given more than once/);
    await expectRefused([file(photo), { name: 'id', value: 'twice/a' }, { name: 'id', value: 'twice/b' }], 400, 5400, /"id" is given more than once/);
    await expectRefused([{ name: 'metadata', value: '{"a":1}' }, file(photo), { name: 'metadata', value: '{"b":2}' }], 400, 5400, /"metadata" is given more than once/);
    // Unknown fields are still ignored, repeated or not.
    await expectAccepted([file(photo), { name: 'note', value: 'a' }, { name: 'note', value: 'b' }]);
  });

  it('names a file part that has no field name as such', async () => {
    const { body } = multipartBody([file(photo)]);
    const nameless = body.toString('latin1').replace('form-data; name="file"; filename', 'form-data; filename');
    before = await snapshot();
    const res = await pictor.api('/images/v1', { method: 'POST', body: Buffer.from(nameless, 'latin1'), headers: { 'content-type': 'multipart/form-data; boundary=pictor-test-boundary' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toBe('Unexpected file in a part without a field name: send the image in the field "file"');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a non-multipart body with 415/5415', async () => {
    before = await snapshot();
    const res = await pictor.api('/images/v1', { method: 'POST', body: JSON.stringify({ url: 'http://x' }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(5415);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a malformed multipart body with 400', async () => {
    const res = await pictor.api('/images/v1', {
      method: 'POST',
      body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect(res.status).toBe(400);
  });
});

describe('oversized bodies are cut off while streaming', () => {
  function rawUpload(headers: Record<string, string | number>) {
    const url = new URL(`${pictor.apiBase}/accounts/${pictor.accountId}/images/v1`);
    return http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${pictor.token}`, ...headers } });
  }

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const req = rawUpload({ 'content-type': 'multipart/form-data; boundary=b', 'content-length': 50 * 1024 * 1024 });
    req.write('--b\r\n');
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    req.destroy();
  });

  it('stops reading an endless chunked upload soon after 10 MB', async () => {
    before = await snapshot();
    const req = rawUpload({ 'content-type': 'multipart/form-data; boundary=b', 'transfer-encoding': 'chunked' });
    let response: http.IncomingMessage | undefined;
    let closed = false;
    req.on('response', (r) => (response = r));
    req.on('error', () => (closed = true));
    req.on('close', () => (closed = true));
    req.write('--b\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n');
    const chunk = Buffer.alloc(256 * 1024, 1);
    // Woken by whichever comes first; never rejects (a reset socket is an expected outcome).
    let wake = () => {};
    for (const event of ['drain', 'close', 'response', 'error']) req.on(event, () => wake());
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    let written = 0;
    while (!response && !closed && written < 200 * 1024 * 1024) {
      written += chunk.length;
      if (!req.write(chunk)) await next();
    }
    while (!response && !closed) await next();
    req.destroy();
    // The server answered (or hung up) long before 200 MB: it did not buffer the body.
    expect(written).toBeLessThan(64 * 1024 * 1024);
    if (response) expect(response.statusCode).toBe(413);
    expect(await snapshot()).toEqual(before);
  });
});

describe('upload by URL is safe by default', () => {
  it('refuses loopback and private sources unless allow-listed, and writes nothing', async () => {
    for (const url of ['http://127.0.0.1:9/x.png', 'http://[::1]/x.png', 'http://10.1.2.3/x.png', 'http://169.254.169.254/latest/meta-data', 'http://localhost/x.png']) {
      await expectRefused([{ name: 'url', value: url }], 400, 5400, /not allowed/);
    }
    await expectRefused([{ name: 'url', value: 'ftp://example.com/x.png' }], 400, 5454);
    await expectRefused([{ name: 'url', value: 'not a url' }], 400, 5400);
  });
});
