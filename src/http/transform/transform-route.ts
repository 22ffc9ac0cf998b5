/**
 * GET|HEAD /cdn-cgi/image/<options>/<source>. Errors answer as Cloudflare's resizer does: text
 * `ERROR <code>: <message>` with `Cf-Resized: err=<code>`; with transformations off, a plain 404
 * without Cf-Resized (resizing was not attempted).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.js';
import { readClientHints } from '../../delivery/client-hint-headers.js';
import { sendDeliveryError } from '../delivery-errors.js';
import { originErrors } from '../../origins/origin-errors.js';
import type { TransformService } from '../../origins/transform-service.js';

const PREFIX = '/cdn-cgi/image/';

export function registerTransformRoute(app: ApiApp, transform: TransformService): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(sendDeliveryError);

    scope.get(`${PREFIX}*`, async (request: FastifyRequest, reply: FastifyReply) => {
      if (!transform.enabled) {
        const off = originErrors.transformsDisabled();
        return reply.code(off.status).headers({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).send(`ERROR ${off.code}: ${off.message}`);
      }
      // The source keeps its query (it is part of the origin's URL), split at the first `?`.
      const queryAt = request.url.indexOf('?');
      const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
      const response = await transform.transform({
        path: rawPath.slice(PREFIX.length),
        query: queryAt === -1 ? '' : request.url.slice(queryAt + 1),
        accept: request.headers.accept,
        clientHints: readClientHints(request.headers),
        ifNoneMatch: request.headers['if-none-match'],
      });
      reply.code(response.status).headers(response.headers);
      if (response.cache) reply.header('x-pictor-cache', response.cache === 'render' ? 'miss' : `hit-${response.cache}`);
      return response.body === undefined ? reply.send() : reply.send(response.body);
    });

    scope.options(`${PREFIX}*`, async (_request, reply) =>
      reply
        .code(204)
        .headers({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': '*', 'access-control-max-age': '86400' })
        .send(),
    );
  });
}
