/**
 * Who may read /metrics, and the answer both places that serve it give: the main port's route and
 * the port of its own (PICTOR_METRICS_PORT). With PICTOR_METRICS_TOKEN set a scrape needs
 * `Authorization: Bearer <token>` (none: 401, another: 403). Plain node:http here, so the cluster
 * primary can serve the machine's metrics without loading the app.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { failure } from '../http/envelope.js';
import { errors, type ImagesError } from '../errors.js';

export interface ScrapeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** undefined when the scrape may proceed. Digests compared in constant time: no timing hint at the token. */
function refusal(token: string | undefined, authorization: string | undefined): ImagesError | undefined {
  if (token === undefined) return undefined;
  const presented = /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined) return errors.metricsTokenMissing();
  return timingSafeEqual(digest(presented), digest(token)) ? undefined : errors.authenticationError();
}

const refused = (err: ImagesError): ScrapeAnswer => ({
  status: err.status,
  headers: { ...err.options.headers, 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(failure(err)),
});

export async function scrape(token: string | undefined, authorization: string | undefined, render: () => Promise<string>): Promise<ScrapeAnswer> {
  const err = refusal(token, authorization);
  if (err) return refused(err);
  try {
    return { status: 200, headers: { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE }, body: await render() };
  } catch {
    return refused(errors.metricsUnavailable());
  }
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** PICTOR_METRICS_PORT: GET /metrics and nothing else. */
export async function serveMetricsPort(host: string, port: number, token: string | undefined, render: () => Promise<string>): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    const answer =
      request.url?.split('?')[0] === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')
        ? scrape(token, request.headers.authorization, render)
        : Promise.resolve(refused(errors.noRoute(request.url?.split('?')[0] ?? '/')));
    void answer.then(({ status, headers, body }) => response.writeHead(status, headers).end(request.method === 'HEAD' ? undefined : body));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
