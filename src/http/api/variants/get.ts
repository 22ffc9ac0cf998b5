/** GET /images/v1/variants/{variant_id} and its `/flat` twin (the variant directly in `result`). */
import type { Services } from '../../../services.js';
import { variantView } from '../../../variants/variant-service.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { VariantParams } from './schemas.js';

export function getVariant(app: ApiApp, services: Pick<Services, 'variants'>): void {
  for (const flat of [false, true]) {
    app.get(`/images/v1/variants/:variant_id${flat ? '/flat' : ''}`, {
      schema: { params: VariantParams },
      config: { permission: 'read' },
      handler: async (request) => {
        const view = variantView(await services.variants.get(accountOf(request), request.params.variant_id));
        return ok(flat ? view : { variant: view });
      },
    });
  }
}
