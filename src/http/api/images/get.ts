/** GET /images/v1/{image_id} — image details (drafts included, with draft: true). */
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { ImageParams } from './schemas.js';

export function getImage(app: ApiApp, services: Pick<Services, 'images'>): void {
  app.get('/images/v1/:image_id', {
    schema: { params: ImageParams },
    config: { permission: 'read' },
    handler: async (request) => ok(await services.images.get(accountOf(request), request.params.image_id)),
  });
}
