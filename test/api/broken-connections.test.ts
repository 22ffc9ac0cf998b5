/**
 * Connections that go wrong below the routes: oversized request heads, bytes that are not HTTP, a
 * body that trickles in past the request timeout, and a client that hangs up mid-upload. Each
 * gets a Cloudflare-shaped answer (or none, when nobody is left to read it), the server logs no
 * error for the client's fault, and nothing is stored.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';
import { captureLogs } from '../helpers/log-capture.js';
import { parseRawResponse as parseResponse, rawExchange as exchange } from '../helpers/raw-http.js';

const { lines: logLines, logger } = captureLogs();
let pictor: TestPictor;
let photo: Buffer;

beforeAll(async () => {
  pictor = await startPictor({ env: { PICTOR_REQUEST_TIMEOUT_MS: '1000' }, app: { logger } });
  photo = await images.jpeg(800, 600);
});
afterAll(async () => pictor?.close());

const errorLogs = () => logLines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
const uploadPath = () => `/client/v4/accounts/${pictor.accountId}/images/v1`;

const rawExchange = (bytes: string | Buffer, afterSend?: (socket: net.Socket) => void) => exchange(pictor.origin, bytes, afterSend);

function uploadHead(contentLength: number) {
  return (
    `POST ${uploadPath()} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${pictor.token}\r\n` +
    `Content-Type: multipart/form-data; boundary=B\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

const filePart = () =>
  Buffer.concat([
    Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'),
    photo,
    Buffer.from('\r\n--B--\r\n'),
  ]);

describe('request heads the HTTP parser refuses', () => {
  it('answers an API URL over 16 KB with 431 and an envelope', async () => {
    const res = parseResponse(await rawExchange(`GET ${uploadPath()}/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toMatchObject({ success: false, result: null, errors: [{ code: 5400, message: expect.stringMatching(/too large/) }], messages: [] });
  });

  it('answers a delivery URL over 16 KB as imagedelivery.net does', async () => {
    const res = parseResponse(await rawExchange(`GET /${pictor.accountHash}/${'a'.repeat(20_000)}/public HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(res.status).toBe(403);
    expect(res.headers['cf-resized']).toBe('err=9426');
    expect(res.body).toMatch(/^ERROR 9426: .*too long/);
  });

  it('answers bytes that are not HTTP with 400 and an envelope', async () => {
    const res = parseResponse(await rawExchange('GARBAGE\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ success: false, errors: [{ code: 5400, message: 'Malformed HTTP request' }] });
  });
});

describe('uploads that never finish', () => {
  it('cuts off a body that stops arriving with 408 and an envelope, storing nothing', async () => {
    const before = await pictor.storedBlobs();
    const body = filePart();
    const started = Date.now();
    // Half the body, then silence: without a request timeout this connection stayed open forever.
    const raw = await rawExchange(Buffer.concat([Buffer.from(uploadHead(body.length)), body.subarray(0, body.length / 2)]));
    expect(Date.now() - started).toBeLessThan(5000);
    const res = parseResponse(raw);
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toMatchObject({ success: false, result: null, errors: [{ code: 5400, message: expect.stringMatching(/not received in time/) }] });
    await new Promise((r) => setTimeout(r, 100));
    expect(await pictor.storedBlobs()).toEqual(before);
    expect(errorLogs()).toEqual([]);
  }, 10_000);

  it('logs no server error when the client resets the connection mid-upload, and stores nothing', async () => {
    const before = await pictor.storedBlobs();
    const body = filePart();
    await rawExchange(Buffer.concat([Buffer.from(uploadHead(body.length)), body.subarray(0, body.length / 2)]), (socket) =>
      setTimeout(() => socket.resetAndDestroy(), 100),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(await pictor.storedBlobs()).toEqual(before);
    expect(errorLogs()).toEqual([]);
    expect((await pictor.api('/images/v1/stats')).status).toBe(200);
  });
});
