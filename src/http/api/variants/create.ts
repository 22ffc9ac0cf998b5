/** POST /images/v1/variants — JSON `{id, options, neverRequireSignedURLs}`. */
import type { Services } from '../../../services.js';
import { variantView } from '../../../variants/variant-service.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { CreateVariantBody } from './schemas.js';

export function createVariant(app: ApiApp, services: Pick<Services, 'variants'>): void {
  app.post('/images/v1/variants', {
    schema: { body: CreateVariantBody },
    config: { permission: 'write' },
    handler: async (request) => {
      const { id, ...input } = request.body;
      return ok({ variant: variantView(await services.variants.create(accountOf(request), id, input)) });
    },
  });
}
