/**
 * Delivery routes: GET|HEAD /<hash>/<id…>/<variant> and /cdn-cgi/imagedelivery/<hash>/<id…>/<variant>.
 * Errors answer as imagedelivery.net does: `ERROR <code>: <message>` as text, with `Cf-Resized`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { failure } from '../envelope.js';
import type { ApiApp } from '../types.js';
import { errors } from '../../errors.js';
import { sendDeliveryError } from '../delivery-errors.js';
import { isApiPath } from '../route-areas.js';
import type { Services } from '../../services.js';
import { CUSTOM_DOMAIN_PREFIX, parseDeliveryPath } from '../../delivery/delivery-path.js';
import { clientGone } from '../client-gone.js';
import { deliveryRequest, splitUrl } from './delivery-request.js';

/** A mistyped API path reaches the delivery wildcard routes: answer it as the API would. */
function answerMistypedApiPath(rawPath: string, reply: FastifyReply) {
  return reply.code(404).type('application/json').send(failure(errors.noRoute(rawPath)));
}

export function registerDeliveryRoutes(app: ApiApp, services: Pick<Services, 'delivery'>): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(sendDeliveryError);

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const { rawPath, rawQuery } = splitUrl(request.url);
      if (isApiPath(rawPath)) return answerMistypedApiPath(rawPath, reply);
      let signal: AbortSignal | undefined;
      const response = await services.delivery.deliver({
        ...deliveryRequest(parseDeliveryPath(rawPath), rawQuery, request.headers),
        get signal() {
          return (signal ??= clientGone(reply));
        },
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
