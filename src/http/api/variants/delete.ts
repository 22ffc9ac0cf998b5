/** DELETE /images/v1/variants/{variant_id} — `public` cannot be deleted; purges its renditions. */
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { VariantParams } from './schemas.js';

export function deleteVariant(app: ApiApp, services: Pick<Services, 'variants'>): void {
  app.delete('/images/v1/variants/:variant_id', {
    schema: { params: VariantParams },
    config: { permission: 'write' },
    handler: async (request) => {
      await services.variants.delete(accountOf(request), request.params.variant_id);
      return ok({});
    },
  });
}
