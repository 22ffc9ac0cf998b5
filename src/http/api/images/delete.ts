/** DELETE /images/v1/{image_id} — row, then blob, then purge; answers `result: {}`. */
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { ImageParams } from './schemas.js';

export function deleteImage(app: ApiApp, services: Pick<Services, 'images'>): void {
  app.delete('/images/v1/:image_id', {
    schema: { params: ImageParams },
    config: { permission: 'write' },
    handler: async (request) => {
      await services.images.delete(accountOf(request), request.params.image_id);
      return ok({});
    },
  });
}
