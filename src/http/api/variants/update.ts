/** PATCH /images/v1/variants/{variant_id} — new options; purges every rendition of the variant. */
import type { Services } from '../../../services.js';
import { variantView } from '../../../variants/variant-service.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { VariantBody, VariantParams } from './schemas.js';

export function updateVariant(app: ApiApp, services: Pick<Services, 'variants'>): void {
  app.patch('/images/v1/variants/:variant_id', {
    schema: { params: VariantParams, body: VariantBody },
    config: { permission: 'write' },
    handler: async (request) =>
      ok({ variant: variantView(await services.variants.update(accountOf(request), request.params.variant_id, request.body)) }),
  });
}
