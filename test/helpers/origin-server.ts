/** A local HTTP origin for upload-by-URL tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OriginServer {
  url(path: string): string;
  close(): Promise<void>;
}

export async function startOrigin(routes: Record<string, { body: Buffer; type: string }>): Promise<OriginServer> {
  const server = http.createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': route.type, 'content-length': route.body.length }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
