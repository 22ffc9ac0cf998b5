/** Local HTTP origins for upload-by-URL and remote-source transformation tests. */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
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

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface ScriptedOrigin {
  port: number;
  url(path: string): string;
  /** Every request the origin received, in order. */
  seen: SeenRequest[];
  /** Requests for one path. */
  seenFor(path: string): SeenRequest[];
  close(): Promise<void>;
}

/** An origin whose answers a test writes itself, and that records every request it sees. */
export async function startScriptedOrigin(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<ScriptedOrigin> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    seen,
    seenFor: (p) => seen.filter((r) => r.path === p),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
