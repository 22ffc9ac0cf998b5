/**
 * An HTTP proxy in front of a server that records every request it passes (arrival time, path,
 * status) and can answer some itself, the way a rate-limited or failing API would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  atMs: number;
  path: string;
  status: number;
}

/** Decides, per request, to answer it here instead of forwarding it. */
export type ProxyPolicy = (path: string) => { status: number; headers?: Record<string, string> } | undefined;

export interface RecordingProxy {
  origin: string;
  requests: ProxiedRequest[];
  policy: ProxyPolicy;
  /** Called with each forwarded request's path before it is forwarded. */
  onRequest: (path: string) => void;
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const proxy: RecordingProxy = {
    origin: '',
    requests: [],
    policy: () => undefined,
    onRequest: () => undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const entry: ProxiedRequest = { atMs: performance.now(), path: req.url!, status: 0 };
    proxy.requests.push(entry);
    const answer = proxy.policy(req.url!);
    if (answer) {
      entry.status = answer.status;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify({ success: false, errors: [{ code: 10000, message: `injected ${answer.status}` }], messages: [], result: null }));
      return;
    }
    proxy.onRequest(req.url!);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
      entry.status = up.statusCode!;
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
