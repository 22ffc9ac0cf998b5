/** GET and PATCH images/v1/config — `{flexible_variants, browser_ttl}`. */
import { Type } from '@fastify/type-provider-typebox';
import { deliveryConfigView } from '../../../accounts/delivery-config.js';
import { limits } from '../../../limits.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';

const ConfigBody = Type.Object({
  flexible_variants: Type.Optional(Type.Boolean()),
  browser_ttl: Type.Optional(Type.Integer({ minimum: limits.browserTtlSeconds.min, maximum: limits.browserTtlSeconds.max })),
});

export function getConfig(app: ApiApp): void {
  app.get('/images/v1/config', {
    config: { permission: 'read' },
    handler: async (request) => ok(deliveryConfigView(accountOf(request))),
  });
}

export function patchConfig(app: ApiApp, services: Pick<Services, 'deliveryConfig'>): void {
  app.patch('/images/v1/config', {
    schema: { body: ConfigBody },
    config: { permission: 'write' },
    handler: async (request) => ok(await services.deliveryConfig.update(accountOf(request), request.body)),
  });
}
