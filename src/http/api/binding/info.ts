/** POST /client/v4/accounts/:account_id/images/binding/info: the binding's `IMAGES.info()`. */
import type { Services } from '../../../services.js';
import type { ApiApp } from '../../types.js';
import { uploadSlot } from '../upload-slot.js';
import { readBindingForm } from './binding-form.js';

export function bindingInfo(app: ApiApp, services: Pick<Services, 'binding' | 'uploadSlots'>): void {
  app.post('/images/binding/info', {
    config: { permission: 'read' },
    onRequest: uploadSlot(services),
    handler: async (request, reply) => {
      const { images } = await readBindingForm(request, { drawImages: false });
      return reply.header('cache-control', 'no-store').send(await services.binding.info(images[0]!));
    },
  });
}
