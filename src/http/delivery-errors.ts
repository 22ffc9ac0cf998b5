/**
 * Delivery errors as imagedelivery.net answers them: `ERROR <code>: <message>` as text, with
 * `Cf-Resized`. Shared by the delivery routes and the edge's own failures on delivery URLs.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type ImagesError } from '../errors.js';
import { toImagesError } from './error-handler.js';

/** imagedelivery.net's error body. */
export const deliveryErrorText = (known: ImagesError): string => `ERROR ${known.code}: ${known.message}`;

export function deliveryErrorHeaders(known: ImagesError): Record<string, string> {
  return {
    ...known.options.headers,
    'cf-resized': `err=${known.code}`,
    'cache-control': 'no-store',
    // Scripts on other origins that fetch images can tell a 404 from a 429 and when to retry.
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'Cf-Resized, Retry-After',
    'content-type': 'text/plain; charset=utf-8',
  };
}

/** Answers a failed delivery; anything that is not a typed error becomes a bare 500, logged. */
export function sendDeliveryError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const known = toImagesError(err, request) ?? errors.internal();
  if (known.status >= 500) request.log.error({ err }, 'delivery failed');
  void reply.code(known.status).headers(deliveryErrorHeaders(known)).send(deliveryErrorText(known));
}

/** Fastify's own routing failures on a delivery URL, as delivery errors. */
export function unroutableDeliveryUrl(err: { code: string }): ImagesError {
  return errors.deliveryUrlInvalid(err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'the URL is too long' : 'malformed percent-encoding');
}
