/** GET /images/v1/variants — `{variants: {<name>: variant}}`. */
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';

export function listVariants(app: ApiApp, services: Pick<Services, 'variants'>): void {
  app.get('/images/v1/variants', {
    config: { permission: 'read' },
    handler: async (request) => ok({ variants: await services.variants.list(accountOf(request)) }),
  });
}
