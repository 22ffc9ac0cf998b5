/** GET /images/v1/{image_id}/blob — the original bytes with their type. */
import type { Services } from '../../../services.js';
import { accountOf, type ApiApp } from '../../types.js';
import { ImageParams } from './schemas.js';

export function getImageBlob(app: ApiApp, services: Pick<Services, 'images'>): void {
  app.get('/images/v1/:image_id/blob', {
    schema: { params: ImageParams },
    config: { permission: 'read' },
    handler: async (request, reply) => {
      const { bytes, contentType, record } = await services.images.original(accountOf(request), request.params.image_id);
      const filename = encodeURIComponent(record.filename);
      return reply
        .type(contentType)
        .header('content-disposition', `inline; filename*=UTF-8''${filename}`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  });
}
