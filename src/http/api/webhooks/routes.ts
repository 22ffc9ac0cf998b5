/** The account's webhook: GET, PUT `{url, secret?}`, DELETE images/v1/webhook (Pictor's own endpoints). */
import { Type } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';

const WebhookBody = Type.Object({ url: Type.String(), secret: Type.Optional(Type.String()) });

export function getWebhook(app: ApiApp, services: Pick<Services, 'webhooks'>): void {
  app.get('/images/v1/webhook', {
    config: { permission: 'write' },
    handler: async (request) => ok(await services.webhooks.get(accountOf(request))),
  });
}

export function putWebhook(app: ApiApp, services: Pick<Services, 'webhooks'>): void {
  app.put('/images/v1/webhook', {
    schema: { body: WebhookBody },
    config: { permission: 'write' },
    handler: async (request) => ok(await services.webhooks.set(accountOf(request), request.body)),
  });
}

export function deleteWebhook(app: ApiApp, services: Pick<Services, 'webhooks'>): void {
  app.delete('/images/v1/webhook', {
    config: { permission: 'write' },
    handler: async (request) => {
      await services.webhooks.remove(accountOf(request));
      return ok({});
    },
  });
}
