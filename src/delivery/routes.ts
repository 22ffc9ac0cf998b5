/**
 * Delivery routes: GET|HEAD /<hash>/<id…>/<variant> and /cdn-cgi/imagedelivery/<hash>/<id…>/<variant>.
 * Errors answer as imagedelivery.net does: `ERROR <code>: <message>` as text, with `Cf-Resized`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toImagesError } from '../api/error-handler.js';
import type { ApiApp } from '../api/types.js';
import { errors, type ImagesError } from '../errors.js';
import type { Services } from '../services.js';
import { readClientHints } from './client-hint-headers.js';
import { CUSTOM_DOMAIN_PREFIX, parseDeliveryPath } from './delivery-path.js';

const API_PREFIX = '/client/v4/';

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

export const isApiPath = (url: string): boolean => url.startsWith(API_PREFIX);

export function registerDeliveryRoutes(app: ApiApp, services: Services): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(sendDeliveryError);

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      // Split at the first `?` only: the signature covers the whole query, `?`s in values included.
      const queryAt = request.url.indexOf('?');
      const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
      const rawQuery = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
      // A mistyped API path reaches this wildcard route: answer it as the API would.
      if (isApiPath(rawPath)) {
        return reply.code(404).type('application/json').send({ result: null, success: false, errors: [{ code: 7003, message: `No route for the URI: ${rawPath}` }], messages: [] });
      }
      const response = await services.delivery.deliver({
        path: parseDeliveryPath(rawPath),
        query: new URLSearchParams(rawQuery),
        accept: request.headers.accept,
        clientHints: readClientHints(request.headers),
        ifNoneMatch: request.headers['if-none-match'],
      });
      reply.code(response.status).headers(response.headers).header('x-pictor-cache', response.cache === 'render' ? 'miss' : `hit-${response.cache}`);
      return response.body === undefined ? reply.send() : reply.send(response.body);
    };

    scope.get(`${CUSTOM_DOMAIN_PREFIX}/*`, handler);
    scope.get('/:hash/*', handler);
  });
}
