/** GET /images/v1/stats — `{count: {allowed, current}}`. */
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';

export function imageStats(app: ApiApp, services: Pick<Services, 'images'>): void {
  app.get('/images/v1/stats', {
    config: { permission: 'read' },
    handler: async (request) => ok(await services.images.stats(accountOf(request))),
  });
}
