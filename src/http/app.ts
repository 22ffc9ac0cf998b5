/**
 * Builds the HTTP app from services (no listening here: main.ts listens, tests inject or listen on
 * an ephemeral port). API routes live under /client/v4; delivery routes at the root.
 */
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { apiErrorHandler } from './error-handler.js';
import { answerClientError } from './client-errors.js';
import { failure } from './envelope.js';
import { bodiesWithoutCoercion, parseEmptyJsonAsNoBody } from './json-bodies.js';
import { registerApiRoutes } from './api/routes.js';
import { sendDeliveryError, unroutableDeliveryUrl } from './delivery-errors.js';
import { registerDeliveryRoutes } from './delivery/routes.js';
import { answerMemoryHitsFirst } from './delivery/memory-hits.js';
import type { Logger } from 'pino';
import { isApiPath } from './route-areas.js';
import type { ApiApp } from './types.js';
import { builtDashboardDir, registerDashboardRoutes } from './dashboard/routes.js';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import { scrape } from '../metrics/metrics-endpoint.js';
import type { Services } from '../services.js';
import { purgeCache } from './purge/purge-cache.js';
import { registerTransformRoute } from './transform/transform-route.js';

export interface AppOptions {
  /** Where request logs go (the process's one logger, see logger.ts); none when unset (tests). */
  logger?: Logger;
}

/** One structured line per finished request instead of Fastify's incoming/completed pair. */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // Skip building the line when info is off (the logger is pino, whose isLevelEnabled Fastify's type omits).
    if (!error && !(request.log as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled('info')) return;
    const line = {
      method: request.method,
      url: request.url,
      route: request.routeOptions.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) request.log.error({ ...line, err: error }, 'request failed');
    else request.log.info(line, 'request');
  }
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<ApiApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger | undefined,
    logController: new AccessLog(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16_384 },
    bodyLimit: limits.maxJsonBodyBytes,
    requestIdHeader: false,
    // request.ip (the per-client limits) from X-Forwarded-For only when the proxy is trusted.
    trustProxy: services.config.trustProxy,
    schemaController: { compilersFactory: { buildValidator: bodiesWithoutCoercion } },
    return503OnClosing: true,
    // Node's default is no limit on a body that trickles in; check a few times per timeout.
    requestTimeout: services.config.requestTimeoutMs,
    // requireHostHeader: Node would answer a missing Host with a bare, empty 400; the hook below
    // answers it in the shape of the area the URL addresses.
    http: { connectionsCheckingInterval: Math.min(30_000, Math.ceil(services.config.requestTimeoutMs / 4)), requireHostHeader: false },
    clientErrorHandler: answerClientError,
    // Malformed percent-encoding and over-long paths fail before routing, so no route's error
    // handler sees them: answer in the shape of the area the URL addresses.
    frameworkErrors: (err, request, reply) => {
      if (isApiPath(request.url)) void apiErrorHandler(errors.badRequest('Malformed URL: invalid percent-encoding or path too long'), request, reply);
      else sendDeliveryError(unroutableDeliveryUrl(err), request, reply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Node enforces the larger of the two timeouts as the request timeout, so keep this one below.
  app.server.headersTimeout = Math.min(app.server.headersTimeout, services.config.requestTimeoutMs);
  app.decorateRequest('account', null);
  app.decorateRequest('principal', null);
  await app.register(multipart);
  parseEmptyJsonAsNoBody(app);

  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    void reply.code(404).type('application/json').send(failure(errors.noRoute(path)));
  });

  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.host !== undefined || request.raw.httpVersion !== '1.1') return done();
    const detail = 'an HTTP/1.1 request must carry a Host header';
    done(isApiPath(request.url) ? errors.badRequest(`Malformed HTTP request: ${detail}`) : errors.deliveryUrlInvalid(detail));
  });

  app.addHook('onResponse', (request, reply, done) => {
    const seconds = reply.elapsedTime / 1000;
    services.metrics.requests.observe(request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.getHeader('x-pictor-cache'), reply.getHeader('content-type'), seconds);
    done();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  // The whole machine's metrics (summed over worker processes); ?scope=worker for the answering one.
  // With PICTOR_METRICS_PORT they are served there instead (serve-node.ts, cluster-primary.ts).
  if (services.config.metricsPort === undefined) {
    app.get('/metrics', async (request, reply) => {
      const scope = (request.query as { scope?: string }).scope === 'worker' ? 'process' : 'machine';
      const answer = await scrape(services.config.metricsToken, request.headers.authorization, () => services.metricsText(scope));
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  }
  registerApiRoutes(app, services);
  purgeCache(app, services);
  registerTransformRoute(app, services.transformations.service);
  registerDeliveryRoutes(app, services);
  // Cached hits are answered before Fastify sees them (memory-hits.ts); the rest reach it unchanged.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  answerMemoryHitsFirst(app.server, {
    delivery: services.delivery,
    requests: services.metrics.requests,
    log: options.logger,
    closing: () => closing,
  });
  registerDashboardRoutes(app, { enabled: services.config.dashboard, assetsDir: builtDashboardDir() });
  return app;
}
