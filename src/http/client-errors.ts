/**
 * Requests Node's HTTP server gives up on before (or while) Fastify handles them: headers or URL
 * over 16 KB, bytes that are not HTTP, and a client too slow to send its request within
 * PICTOR_REQUEST_TIMEOUT_MS. Fastify's default answers those in its own JSON shape; these answer
 * in the shape of the area the URL addresses (API envelope or delivery text), then close.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { failure } from './envelope.js';
import { deliveryErrorHeaders, deliveryErrorText } from './delivery-errors.js';
import { isApiPath } from './route-areas.js';
import { errors, type ImagesError } from '../errors.js';

/** What the parser had read when it failed (parse errors only; Node passes a Buffer). */
const rawPacketOf = (err: ConnectionError): Buffer | undefined => (Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined);

/** The request being read on the socket, if the parser got that far (Node's own bookkeeping). */
interface InFlightResponse {
  headersSent: boolean;
  req?: { url?: string };
}

/** The request target, from the request in flight or from the request line the parser choked on. */
function requestTarget(err: ConnectionError, inFlight: InFlightResponse | undefined): string | undefined {
  if (inFlight?.req?.url) return inFlight.req.url;
  const line = rawPacketOf(err)?.subarray(0, 4096).toString('latin1').split('\r\n', 1)[0];
  return line?.split(' ')[1];
}

function apiError(err: ConnectionError): ImagesError {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return errors.requestTimeout();
  if (err.code === 'HPE_HEADER_OVERFLOW') return errors.headersTooLarge();
  return errors.badRequest('Malformed HTTP request');
}

function deliveryError(err: ConnectionError): ImagesError {
  if (err.code === 'HPE_HEADER_OVERFLOW') return errors.deliveryUrlInvalid('the URL or headers are too long');
  return errors.deliveryUrlInvalid('malformed HTTP request');
}

function rawResponse(status: number, headers: Record<string, string>, body: string): Buffer {
  const payload = Buffer.from(body);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries({ ...headers, 'content-length': String(payload.length), connection: 'close' })) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

function responseFor(err: ConnectionError, target: string | undefined): Buffer {
  // Without a readable target (a timeout before the request line) answer as the API; a timeout
  // always does: only uploads have bodies slow enough to time out, and upload URLs answer envelopes.
  const delivery = target !== undefined && target.startsWith('/') && !isApiPath(target) && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT';
  if (delivery) {
    const known = deliveryError(err);
    return rawResponse(known.status, deliveryErrorHeaders(known), deliveryErrorText(known));
  }
  const known = apiError(err);
  return rawResponse(known.status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(failure(known)));
}

/** Fastify's clientErrorHandler (called with the Fastify instance as `this`). */
export function answerClientError(this: FastifyInstance, err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as unknown as { _httpMessage?: InFlightResponse })._httpMessage;
  // A response already started on this socket cannot be followed by another one: just hang up.
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  this.log.info({ code: err.code }, 'client error');
  socket.end(responseFor(err, requestTarget(err, inFlight)), () => socket.destroy());
}
