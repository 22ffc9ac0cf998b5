/** Request schemas shared by the image routes (from the OpenAPI reference). */
import { Type } from '@fastify/type-provider-typebox';
import { limits } from '../../../limits.js';

/**
 * `{image_id}` is one percent-decoded path segment; custom IDs send "/" as %2F. (`account_id`,
 * when the route has one, is checked by the account scope.)
 */
export const ImageParams = Type.Object({ image_id: Type.String({ minLength: 1 }) });

export const PerPage = Type.Integer({
  minimum: limits.list.perPageMin,
  maximum: limits.list.perPageMax,
  default: limits.list.perPageDefault,
});

/** `creator=""` selects images without a creator. */
export const creatorFilter = (creator: string | undefined): string | null | undefined =>
  creator === undefined ? undefined : creator === '' ? null : creator;
