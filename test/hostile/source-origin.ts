/**
 * The upload-by-URL source the corpus points at: on 127.0.0.2, which the server under test
 * allow-lists, so every refusal seen comes from what the source does (redirect into a private
 * address, loop, trickle, lie about its size, serve a bomb) and not from its own address.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { png } from './forge.js';

export const SOURCE_HOST = '127.0.0.2';

export interface SourceOrigin {
  origin: string;
  close(): Promise<void>;
}

export async function startSourceOrigin(): Promise<SourceOrigin> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://source');
    switch (url.pathname) {
      case '/redirect':
        return res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      case '/loop':
        return res.writeHead(302, { location: '/loop' }).end();
      case '/slow':
        // Headers now, then a byte a second: never a whole image.
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '1000000' });
        return void trickle(res);
      case '/huge':
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(1024 ** 3) });
        return res.write(Buffer.alloc(64 * 1024));
      case '/bomb.png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end(png(100_000, 100_000));
      case '/html.png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end('<html><script>alert(1)</script></html>');
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, SOURCE_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${SOURCE_HOST}:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function trickle(res: http.ServerResponse) {
  while (!res.destroyed && !res.writableEnded) {
    res.write('x');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
