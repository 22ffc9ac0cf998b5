/** GET /images/v2 — cursor list with creator and `meta.<field>[<op>]` filters. */
import { Type } from '@fastify/type-provider-typebox';
import { parseMetaFilters } from '../../../images/meta-filters.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { accountOf, type ApiApp } from '../../types.js';
import { creatorFilter, PerPage } from './schemas.js';

const ListV2Query = Type.Object(
  {
    continuation_token: Type.Optional(Type.String({ maxLength: 32 })),
    per_page: PerPage,
    sort_order: Type.Enum(['asc', 'desc'], { default: 'desc' }),
    creator: Type.Optional(Type.String()),
  },
  // meta.<field>[<op>] keys are open-ended; parseMetaFilters validates them.
  { additionalProperties: true },
);

export function listImagesV2(app: ApiApp, services: Pick<Services, 'images'>): void {
  app.get('/images/v2', {
    schema: { querystring: ListV2Query },
    config: { permission: 'read' },
    handler: async (request) => {
      const q = request.query;
      const result = await services.images.listAfter(accountOf(request), {
        continuationToken: q.continuation_token === '' ? undefined : q.continuation_token,
        perPage: q.per_page,
        order: q.sort_order,
        creator: creatorFilter(q.creator),
        filters: parseMetaFilters(q as Record<string, unknown>),
      });
      return ok({ images: result.images, continuation_token: result.continuationToken });
    },
  });
}
