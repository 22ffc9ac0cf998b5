/**
 * Cached hits without the framework. A GET or HEAD for a delivery URL whose account, image, variant
 * and rendition are all in this process's memory (the account read fresh first where purges cross
 * processes) is answered here, straight from node:http: no
 * routing, request and reply objects, hooks or promises, which cost more than half of a hit's CPU
 * under Fastify (docs/benchmarks.md, "Cached hits"). Everything else — a miss, an error, a signed
 * image, any other route, a server that is closing — goes to Fastify untouched and is answered
 * exactly as before. What Fastify's hooks do for a hit is done here too: the Host rule (a request
 * without one goes to Fastify, which refuses it), the request metric and the access log line.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { DeliveryResponse, DeliveryService } from '../../delivery/delivery-service.js';
import { CUSTOM_DOMAIN_PREFIX, parseDeliveryPath, type DeliveryPath } from '../../delivery/delivery-path.js';
import type { RequestDurations } from '../../metrics/request-durations.js';
import { isApiPath } from '../route-areas.js';
import { deliveryRequest, splitUrl } from './delivery-request.js';

export interface MemoryHitDeps {
  delivery: Pick<DeliveryService, 'answerFromMemory'>;
  requests: Pick<RequestDurations, 'observe'>;
  /** The access log (one line per request at info, as Fastify's requests get); none in tests. */
  log: Pick<Logger, 'info' | 'isLevelEnabled'> | undefined;
  /** True once the server is shutting down: Fastify then answers 503 to everything. */
  closing: () => boolean;
}

/** The route templates Fastify would have matched, for the metric and the log line. */
const CUSTOM_DOMAIN_ROUTE = `${CUSTOM_DOMAIN_PREFIX}/*`;
const ROOT_ROUTE = '/:hash/*';

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

/** Puts the memory-hit answer in front of the server's request listener (Fastify's). */
export function answerMemoryHitsFirst(server: Server, deps: MemoryHitDeps): void {
  const listeners = server.listeners('request') as Listener[];
  if (listeners.length !== 1) throw new Error(`expected one request listener (Fastify's), found ${listeners.length}`);
  const framework = listeners[0]!;
  server.removeListener('request', framework);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!answerMemoryHit(request, response, deps, framework)) framework(request, response);
  });
}

/**
 * Answers and returns true when the request is a memory hit; otherwise touches nothing. Where the
 * account is read fresh per request, a likely hit is answered once that read is back, or handed to
 * the framework then if it is no hit after all (or the read failed: the framework makes the error).
 */
function answerMemoryHit(request: IncomingMessage, response: ServerResponse, deps: MemoryHitDeps, framework: Listener): boolean {
  const started = performance.now();
  const { method, url, headers } = request;
  if ((method !== 'GET' && method !== 'HEAD') || url === undefined || headers.host === undefined || deps.closing()) return false;
  const { rawPath, rawQuery } = splitUrl(url);
  const path = deliveryPath(rawPath);
  if (!path) return false;
  const answer = deps.delivery.answerFromMemory(deliveryRequest(path, rawQuery, headers));
  if (!answer) return false;
  if (!(answer instanceof Promise)) {
    finishHit(response, answer, deps, method, url, rawPath, started);
    return true;
  }
  const fallBack = () => framework(request, response);
  answer.then((hit) => {
    if (response.destroyed) return; // the client left while the account was read
    if (hit && !deps.closing()) finishHit(response, hit, deps, method, url, rawPath, started);
    else fallBack();
  }, fallBack);
  return true;
}

/** Sends the hit, then counts and logs it as Fastify's hooks would have. */
function finishHit(response: ServerResponse, hit: DeliveryResponse, deps: MemoryHitDeps, method: 'GET' | 'HEAD', url: string, rawPath: string, started: number): void {
  send(response, hit, method === 'HEAD');
  const route = rawPath.startsWith(`${CUSTOM_DOMAIN_PREFIX}/`) ? CUSTOM_DOMAIN_ROUTE : ROOT_ROUTE;
  const ms = performance.now() - started;
  deps.requests.observe(route, hit.status, 'hit-memory', hit.headers['content-type'], ms / 1000);
  if (deps.log?.isLevelEnabled('info')) deps.log.info({ method, url, route, status: hit.status, ms: Math.round(ms * 10) / 10 }, 'request');
}

/** The delivery path of a URL only Fastify's delivery routes would take, or undefined. */
function deliveryPath(rawPath: string): DeliveryPath | undefined {
  if (routedElsewhere(rawPath)) return undefined;
  try {
    return parseDeliveryPath(rawPath);
  } catch {
    return undefined; // malformed: Fastify's route makes the error answer
  }
}

/** Paths of the API and of the static routes that win over the delivery wildcard in Fastify's router. */
const routedElsewhere = (rawPath: string): boolean =>
  isApiPath(rawPath) || rawPath.startsWith('/dashboard/') || (rawPath.startsWith('/cdn-cgi/') && !rawPath.startsWith(`${CUSTOM_DOMAIN_PREFIX}/`));

/** The head of a memory hit: the answer's headers plus Pictor's, kept per (shared) headers object. */
const wireHeadersOf = new WeakMap<object, Readonly<Record<string, string>>>();

/** One write: the head and the body together, as Fastify's reply.send(buffer) makes them. */
function send(response: ServerResponse, answer: DeliveryResponse, head: boolean): void {
  const { body, headers } = answer;
  let wire = body ? wireHeadersOf.get(headers) : undefined;
  if (!wire) {
    wire = { ...headers, 'x-pictor-cache': 'hit-memory', ...(body ? { 'content-length': String(body.length) } : {}) };
    if (body) wireHeadersOf.set(headers, wire);
  }
  response.writeHead(answer.status, wire);
  response.end(head ? undefined : body);
}
