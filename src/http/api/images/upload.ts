/** POST /images/v1 — upload an image (multipart: file or url). */
import { errors } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { uploadSlot } from '../upload-slot.js';
import { checkDeclaredLength, readUploadForm } from './upload-form.js';

export function uploadImage(app: ApiApp, services: Pick<Services, 'images' | 'uploadSlots'>): void {
  app.post('/images/v1', {
    config: { permission: 'write' },
    onRequest: uploadSlot(services),
    preValidation: async (request) => checkDeclaredLength(request),
    handler: async (request) => {
      const form = await readUploadForm(request);
      if (form.url !== undefined && form.url === '') throw errors.badRequest('url is empty');
      return ok(await services.images.upload(accountOf(request), form));
    },
  });
}
