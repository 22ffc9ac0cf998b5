/**
 * Delivery routes: GET|HEAD /<hash>/<id…>/<variant> and /cdn-cgi/imagedelivery/<hash>/<id…>/<variant>.
 * Errors answer as imagedelivery.net does: `ERROR <code>: <message>` as text, with `Cf-Resized`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { failure } from '../api/envelope.js';
import { toImagesError } from '../api/error-handler.js';
import type { ApiApp } from '../api/types.js';
import { errors, type ImagesError } from '../errors.js';
import type { Services } from '../services.js';
import { readClientHints } from './client-hint-headers.js';
import { CUSTOM_DOMAIN_PREFIX, parseDeliveryPath } from './delivery-path.js';

const API_PREFIX = '/client/v4/';
/** The batch API's paths (`/images/v1…`, `/images/v2…`); no account hash is "images", so no delivery URL starts so. */
const BATCH_API_PATH = /^\/images\/v[12](\/|\?|$)/;

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

export const isApiPath = (url: string): boolean => url.startsWith(API_PREFIX) || BATCH_API_PATH.test(url);

/** A mistyped API path reaches the delivery wildcard routes: answer it as the API would. */
function answerMistypedApiPath(rawPath: string, reply: FastifyReply) {
  return reply.code(404).type('application/json').send(failure(errors.noRoute(rawPath)));
}

/** Aborts when the connection closes before the response is complete (the client went away). */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function registerDeliveryRoutes(app: ApiApp, services: Services): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(sendDeliveryError);

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      // Split at the first `?` only: the signature covers the whole query, `?`s in values included.
      const queryAt = request.url.indexOf('?');
      const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
      const rawQuery = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
      if (isApiPath(rawPath)) return answerMistypedApiPath(rawPath, reply);
      const response = await services.delivery.deliver({
        path: parseDeliveryPath(rawPath),
        query: new URLSearchParams(rawQuery),
        accept: request.headers.accept,
        clientHints: readClientHints(request.headers),
        ifNoneMatch: request.headers['if-none-match'],
        signal: clientGone(reply),
      });
      reply.code(response.status).headers(response.headers).header('x-pictor-cache', response.cache === 'render' ? 'miss' : `hit-${response.cache}`);
      return response.body === undefined ? reply.send() : reply.send(response.body);
    };

    // CORS preflight: a fetch() of an image that adds its own headers (Cache-Control, an app's
    // header) asks first; images carry no credentials, so any header is allowed.
    const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
      const rawPath = request.url.split('?')[0]!;
      if (isApiPath(rawPath)) return answerMistypedApiPath(rawPath, reply);
      return reply
        .code(204)
        .headers({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': '*', 'access-control-max-age': '86400' })
        .send();
    };

    for (const route of [`${CUSTOM_DOMAIN_PREFIX}/*`, '/:hash/*']) {
      scope.get(route, handler);
      scope.options(route, preflight);
    }
  });
}
