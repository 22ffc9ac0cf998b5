/** GET /images/v1 — deprecated page/per_page list (oldest first, drafts left out). */
import { Type } from '@fastify/type-provider-typebox';
import { limits } from '../../../limits.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { creatorFilter, PerPage } from './schemas.js';

const ListV1Query = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: limits.list.pageMax, default: 1 }),
  per_page: PerPage,
  creator: Type.Optional(Type.String()),
});

export function listImagesV1(app: ApiApp, services: Pick<Services, 'images'>): void {
  app.get('/images/v1', {
    schema: { querystring: ListV1Query },
    config: { permission: 'read' },
    handler: async (request) => {
      const { page, per_page: perPage, creator } = request.query;
      const images = await services.images.listPage(accountOf(request), { page, perPage, creator: creatorFilter(creator) });
      return ok({ images }, { page, per_page: perPage, count: images.length });
    },
  });
}
