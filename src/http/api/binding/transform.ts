/**
 * POST /client/v4/accounts/:account_id/images/binding/transform: the binding's `.output()` and
 * `@cloudflare/images`' `jpeg()` / `rgb()` / `rgba()`. The answer is the image, described by
 * `cf-images-output-format`, `-width`, `-height` and `-flattened`.
 */
import type { Services } from '../../../services.js';
import type { ApiApp } from '../../types.js';
import { clientGone } from '../../client-gone.js';
import { uploadSlot } from '../upload-slot.js';
import { readBindingForm } from './binding-form.js';

export function bindingTransform(app: ApiApp, services: Pick<Services, 'binding' | 'uploadSlots'>): void {
  app.post('/images/binding/transform', {
    config: { permission: 'read' },
    onRequest: uploadSlot(services),
    handler: async (request, reply) => {
      const { images, fields } = await readBindingForm(request, { drawImages: true });
      const result = await services.binding.transform(
        {
          images,
          transforms: fields.get('transforms'),
          output: { format: fields.get('output_format'), quality: fields.get('output_quality'), background: fields.get('background'), anim: fields.get('anim') },
        },
        // A transform nobody waits for any more leaves the queue.
        clientGone(reply),
      );
      return reply
        .headers({
          'content-type': result.contentType,
          'cf-images-output-format': result.format,
          'cf-images-output-width': String(result.width),
          'cf-images-output-height': String(result.height),
          'cf-images-output-flattened': result.flattened ? '1' : '0',
          'cache-control': 'no-store',
        })
        .send(result.body);
    },
  });
}
