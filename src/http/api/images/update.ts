/** PATCH /images/v1/{image_id} — JSON body; an access-control change purges every cached copy. */
import { Type } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { ImageParams } from './schemas.js';

const UpdateBody = Type.Object(
  {
    creator: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
    requireSignedURLs: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

export function updateImage(app: ApiApp, services: Pick<Services, 'images'>): void {
  app.patch('/images/v1/:image_id', {
    schema: { params: ImageParams, body: UpdateBody },
    config: { permission: 'write' },
    // Every field is optional and Cloudflare serves a PATCH without a body (a change of nothing).
    preValidation: async (request) => {
      if (request.body === undefined) request.body = {};
    },
    handler: async (request) => {
      const { creator, metadata, requireSignedURLs } = request.body;
      const input = { creator, requireSignedURLs, metadata: metadata as Record<string, unknown> | undefined };
      return ok(await services.images.update(accountOf(request), request.params.image_id, input));
    },
  });
}
