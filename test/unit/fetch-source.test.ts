import http from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImagesError } from '../../src/errors.js';
import { fetchSource, type FetchSourceOptions } from '../../src/images/fetch-source.js';
import { AddressRefusedError } from '../../src/net/guarded-lookup.js';

/** A local origin that records what it received and when its connections closed. */
interface Origin {
  port: number;
  url(path: string): string;
  requests: Array<{ url: string; headers: http.IncomingHttpHeaders }>;
  /** Resolves when every connection the origin accepted so far has closed. */
  allConnectionsClosed(): Promise<void>;
}

const servers: http.Server[] = [];

async function startOrigin(handler: http.RequestListener): Promise<Origin> {
  const requests: Origin['requests'] = [];
  const socketsClosed: Array<Promise<unknown>> = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  // Not events.once: a reset (the client dropping an unread body) emits 'error' before 'close'.
  server.on('connection', (socket) => socketsClosed.push(new Promise((resolve) => socket.once('close', resolve))));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    allConnectionsClosed: async () => {
      await Promise.all(socketsClosed);
    },
  };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A resolver that answers from a table and counts its calls. */
function stubLookup(table: Record<string, string[]>): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    calls.push(hostname);
    const found = table[hostname];
    if (!found) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), '');
    const addresses = found.map((address) => ({ address, family: isIP(address) }));
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  return Object.assign(lookup, { calls });
}

const imageBytes = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

function serveImage(res: http.ServerResponse, body: Buffer = imageBytes): void {
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length });
  res.end(body);
}

const noLookup = stubLookup({});
const baseOptions: FetchSourceOptions = { timeoutMs: 5000, maxRedirects: 5, maxBytes: 64 * 1024, allow: [], lookup: noLookup };

async function rejection(promise: Promise<unknown>): Promise<ImagesError> {
  const error = await promise.then(
    () => expect.fail('expected the fetch to be refused'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImagesError);
  return error as ImagesError;
}

describe('refused addresses (allow-list off)', () => {
  let origin: Origin;
  beforeEach(async () => {
    origin = await startOrigin((_req, res) => serveImage(res));
    noLookup.calls.length = 0;
  });

  it.each([
    ['http://127.0.0.1:PORT/x.png', '127.0.0.1 is a loopback address'],
    ['http://[::1]:PORT/', '::1 is a loopback address'],
    ['http://10.1.2.3/', '10.1.2.3 is a private address'],
    ['http://172.16.0.1/', '172.16.0.1 is a private address'],
    ['http://192.168.1.1/', '192.168.1.1 is a private address'],
    ['http://[fd00::1]/', 'fd00::1 is a private address'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
    ['http://[fe80::1]/', 'fe80::1 is a link-local address'],
    ['http://100.64.0.1/', '100.64.0.1 is a shared (CGNAT) address'],
    ['http://224.0.0.1/', '224.0.0.1 is a multicast address'],
    ['http://255.255.255.255/', '255.255.255.255 is a broadcast address'],
    ['http://0.0.0.0:PORT/', '0.0.0.0 is an unspecified address'],
    ['http://[::]:PORT/', ':: is an unspecified address'],
    ['http://192.0.2.1/', '192.0.2.1 is a reserved address'],
    ['http://2130706433:PORT/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1:PORT/', '127.0.0.1 is a loopback address'],
    ['http://0x7f000001:PORT/', '127.0.0.1 is a loopback address'],
    ['http://127.1:PORT/', '127.0.0.1 is a loopback address'],
    ['http://0177.0.0.1:PORT/', '127.0.0.1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]:PORT/', '::ffff:7f00:1 is a loopback address'],
    ['http://[64:ff9b::7f00:1]:PORT/', '64:ff9b::7f00:1 is a loopback address'],
    ['http://localhost:PORT/', 'localhost is an internal host name'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is an internal host name'],
  ])('%s', async (template, reason) => {
    const error = await rejection(fetchSource(template.replace('PORT', String(origin.port)), baseOptions));
    expect(error.code).toBe(5400);
    expect(error.status).toBe(400);
    expect(error.message).toBe(`The url is not allowed: ${reason}`);
    expect(origin.requests).toHaveLength(0);
    expect(noLookup.calls).toHaveLength(0);
  });

  it('refuses a public-looking name that resolves to loopback, checked at dial time', async () => {
    const lookup = stubLookup({ 'images.example.com': ['127.0.0.1'] });
    const error = await rejection(
      fetchSource(`http://images.example.com:${origin.port}/cat.png`, { ...baseOptions, lookup }),
    );
    expect(error.message).toBe('The url is not allowed: images.example.com resolves to a loopback address');
    expect(lookup.calls).toEqual(['images.example.com']);
    expect(origin.requests).toHaveLength(0);
    // The resolved address is for the log only.
    expect(error.message).not.toContain('127.0.0.1');
    expect((error.cause as AddressRefusedError).address).toBe('127.0.0.1');
  });

  it('refuses a name if any of its addresses is refused', async () => {
    const lookup = stubLookup({ 'images.example.com': ['93.184.216.34', '127.0.0.1'] });
    const error = await rejection(
      fetchSource(`http://images.example.com:${origin.port}/cat.png`, { ...baseOptions, lookup }),
    );
    expect(error.message).toContain('resolves to a loopback address');
    expect(origin.requests).toHaveLength(0);
  });

  it('checks every redirect hop again: an allowed host cannot redirect into a refused address', async () => {
    const redirecting = await startOrigin((req, res) => {
      const target = req.url === '/literal' ? origin.url('/x.png') : `http://internal.test:${origin.port}/x.png`;
      res.writeHead(302, { location: target }).end();
    });
    const lookup = stubLookup({ 'allowed.test': ['127.0.0.1'], 'internal.test': ['10.0.0.5'] });
    const options = { ...baseOptions, allow: ['allowed.test'], lookup };

    const toLiteral = await rejection(fetchSource(`http://allowed.test:${redirecting.port}/literal`, options));
    expect(toLiteral.message).toBe('The url is not allowed: it redirects to a loopback address');

    const toName = await rejection(fetchSource(`http://allowed.test:${redirecting.port}/name`, options));
    expect(toName.message).toBe('The url is not allowed: it redirects to a private address');

    expect(redirecting.requests.map((r) => r.url)).toEqual(['/literal', '/name']);
    expect(origin.requests).toHaveLength(0);
  });
});

describe('allow-listed sources', () => {
  it('fetches a local image with its content type and filename, then closes the connection', async () => {
    const origin = await startOrigin((_req, res) => serveImage(res));
    const source = await fetchSource(origin.url('/photos/cat%20one.png?size=1'), {
      ...baseOptions,
      allow: ['127.0.0.1/32'],
    });
    expect(source.bytes.equals(imageBytes)).toBe(true);
    expect(source.contentType).toBe('image/png');
    expect(source.filename).toBe('cat one.png');
    expect(source.finalUrl).toBe(origin.url('/photos/cat%20one.png?size=1'));
    expect(origin.requests[0]!.headers['accept-encoding']).toBe('identity');
    await origin.allConnectionsClosed();
  });

  it('leaves no timer or socket behind', async () => {
    const origin = await startOrigin((_req, res) => serveImage(res));
    const active = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap');
    const before = active().length;
    await fetchSource(origin.url('/cat.png'), { ...baseOptions, allow: ['127.0.0.1'], timeoutMs: 60_000 });
    await origin.allConnectionsClosed();
    // Sockets finish closing asynchronously (slower on a busy machine); a leaked 60 s timer would not.
    const deadline = Date.now() + 2000;
    while (active().length > before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(active().length).toBeLessThanOrEqual(before);
  });

  it('applies CIDR entries to resolved addresses and host-name entries to names', async () => {
    const origin = await startOrigin((_req, res) => serveImage(res));
    const lookup = stubLookup({ 'images.example.com': ['127.0.0.1'], 'allowed.test': ['127.0.0.1'] });
    const byCidr = await fetchSource(`http://images.example.com:${origin.port}/a.png`, {
      ...baseOptions,
      allow: ['127.0.0.0/8'],
      lookup,
    });
    expect(byCidr.filename).toBe('a.png');
    const byName = await fetchSource(`http://allowed.test:${origin.port}/b.png`, {
      ...baseOptions,
      allow: ['Allowed.Test'],
      lookup,
    });
    expect(byName.filename).toBe('b.png');
  });

  it('falls back to "image" and caps the filename at 255 characters', async () => {
    const origin = await startOrigin((_req, res) => serveImage(res));
    const options = { ...baseOptions, allow: ['127.0.0.1'] };
    expect((await fetchSource(origin.url('/'), options)).filename).toBe('image');
    expect((await fetchSource(origin.url(`/${'é'.repeat(300)}.png`), options)).filename).toBe('é'.repeat(255));
  });

  it('sends basic-auth credentials to the origin, never across a redirect to another origin', async () => {
    const other = await startOrigin((_req, res) => serveImage(res));
    const origin = await startOrigin((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/same-origin' }).end();
      else res.writeHead(307, { location: other.url('/final.png') }).end();
    });
    const source = await fetchSource(`http://user:p%40ss@127.0.0.1:${origin.port}/start`, {
      ...baseOptions,
      allow: ['127.0.0.1'],
    });
    const expected = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
    expect(origin.requests.map((r) => r.headers.authorization)).toEqual([expected, expected]);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(source.finalUrl).toBe(other.url('/final.png'));
    expect(source.filename).toBe('final.png');
  });
});

describe('redirects and origin errors', () => {
  const allowLocal = { ...baseOptions, allow: ['127.0.0.1'] };

  it('follows up to maxRedirects and refuses one more', async () => {
    const origin = await startOrigin((req, res) => {
      const left = Number(req.url?.slice('/hop/'.length));
      if (left === 0) serveImage(res);
      else res.writeHead(301, { location: `/hop/${left - 1}` }).end();
    });
    const source = await fetchSource(origin.url('/hop/3'), { ...allowLocal, maxRedirects: 3 });
    expect(source.finalUrl).toBe(origin.url('/hop/0'));

    const error = await rejection(fetchSource(origin.url('/hop/4'), { ...allowLocal, maxRedirects: 3 }));
    expect(error.code).toBe(5400);
    expect(error.message).toBe('Could not fetch the image from the url: it redirected more than 3 times');
    expect(origin.requests.slice(4).map((r) => r.url)).toEqual(['/hop/4', '/hop/3', '/hop/2', '/hop/1']);
  });

  it('names the status of a non-2xx response', async () => {
    const origin = await startOrigin((_req, res) => res.writeHead(404).end('nope'));
    const error = await rejection(fetchSource(origin.url('/missing.png'), allowLocal));
    expect(error.status).toBe(400);
    expect(error.message).toBe('Could not fetch the image from the url: the origin responded with HTTP 404 Not Found');
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/x.png', 'gopher://example.com/1'])(
    'refuses the scheme of %s',
    async (url) => {
      const error = await rejection(fetchSource(url, baseOptions));
      expect(error.code).toBe(5454);
      expect(error.message).toBe(`Unsupported protocol "${new URL(url).protocol}" in url: only http and https URLs can be fetched`);
    },
  );

  it('refuses a redirect to another scheme', async () => {
    const origin = await startOrigin((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    const error = await rejection(fetchSource(origin.url('/'), allowLocal));
    expect(error.code).toBe(5454);
  });

  it('refuses a string that is not an absolute URL', async () => {
    const error = await rejection(fetchSource('/relative/cat.png', baseOptions));
    expect(error.message).toBe('The url must be an absolute http:// or https:// URL');
  });

  it('goes through TLS for https: and reports a failed handshake plainly', async () => {
    const plainHttp = await startOrigin((_req, res) => serveImage(res));
    const lookup = stubLookup({ 'secure.test': ['127.0.0.1'] });
    const error = await rejection(
      fetchSource(`https://secure.test:${plainHttp.port}/cat.png`, { ...allowLocal, lookup }),
    );
    expect(lookup.calls).toEqual(['secure.test']);
    expect(error.message).toBe(
      'Could not fetch the image from the url: the TLS handshake failed or the certificate could not be verified',
    );
  });

  it('reports an unreachable host without internal detail', async () => {
    const lookup = stubLookup({});
    const error = await rejection(fetchSource('http://nowhere.example/cat.png', { ...baseOptions, lookup }));
    expect(error.message).toBe('Could not fetch the image from the url: the host name could not be resolved');
  });
});

describe('time and size limits', () => {
  const allowLocal = { ...baseOptions, allow: ['127.0.0.1'] };

  it('times out a slow-loris body that trickles one byte per second', async () => {
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 100 });
      const trickle = setInterval(() => res.write('x'), 1000);
      res.on('close', () => clearInterval(trickle));
    });
    const started = Date.now();
    const error = await rejection(fetchSource(origin.url('/slow.png'), { ...allowLocal, timeoutMs: 1500 }));
    const elapsed = Date.now() - started;
    expect(error.message).toBe('Fetching the image from the url took longer than 1500 ms');
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    // Far under the 100 s the trickle would last if each byte restarted the clock: the deadline is
    // for the whole fetch. (A tight bound here would only measure how busy the machine is.)
    expect(elapsed).toBeLessThan(10_000);
    await origin.allConnectionsClosed();
  });

  it('times out an origin that never sends headers', async () => {
    const origin = await startOrigin(() => {});
    const error = await rejection(fetchSource(origin.url('/stall.png'), { ...allowLocal, timeoutMs: 300 }));
    expect(error.message).toBe('Fetching the image from the url took longer than 300 ms');
    await origin.allConnectionsClosed();
  });

  it('cuts an endless body at maxBytes and closes the connection', async () => {
    let bytesSent = 0;
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(16 * 1024, 1);
      const pump = () => {
        let writable = true;
        while (writable && !res.destroyed) {
          writable = res.write(chunk);
          bytesSent += chunk.length;
        }
      };
      res.on('drain', pump);
      pump();
    });
    const error = await rejection(fetchSource(origin.url('/endless.png'), allowLocal));
    expect(error.code).toBe(5413);
    expect(error.status).toBe(413);
    expect(error.message).toBe('The image at the url exceeds the limit of 65536 bytes');
    await origin.allConnectionsClosed();
    expect(bytesSent).toBeGreaterThan(64 * 1024);
  });

  it('refuses a Content-Length over the cap without reading the body', async () => {
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 10 * 1024 * 1024 });
      res.flushHeaders(); // headers only: a client that waited for the body would hit the timeout
    });
    const started = Date.now();
    const error = await rejection(fetchSource(origin.url('/huge.png'), allowLocal));
    expect(error.code).toBe(5413);
    expect(Date.now() - started).toBeLessThan(2000);
    await origin.allConnectionsClosed();
  });

  it('caps the decoded size when an origin compresses anyway (zip bomb)', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024));
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const error = await rejection(fetchSource(origin.url('/bomb.png'), allowLocal));
    expect(error.code).toBe(5413);
  });

  it('decodes a small compressed body and refuses unknown encodings', async () => {
    const origin = await startOrigin((req, res) => {
      const unknown = req.url === '/unknown.svg';
      const body = unknown ? imageBytes : zlib.gzipSync(imageBytes);
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'content-encoding': unknown ? 'zstd' : 'gzip' });
      res.end(body);
    });
    const source = await fetchSource(origin.url('/logo.svgz'), allowLocal);
    expect(source.bytes.equals(imageBytes)).toBe(true);

    const error = await rejection(fetchSource(origin.url('/unknown.svg'), allowLocal));
    expect(error.message).toBe('Could not fetch the image from the url: the origin sent the body in an unsupported Content-Encoding');
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    const origin = await startOrigin(() => {});
    const controller = new AbortController();
    const fetching = fetchSource(origin.url('/stall.png'), { ...allowLocal, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(fetching).rejects.toThrow('client went away');
    await origin.allConnectionsClosed();
  });
});
