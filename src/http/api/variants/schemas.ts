import { Type } from '@fastify/type-provider-typebox';

export const VariantParams = Type.Object({ variant_id: Type.String({ minLength: 1 }) });

/** Options are checked by the domain (validateVariantOptions), which names the bad field. */
export const VariantBody = Type.Object({
  options: Type.Unknown(),
  neverRequireSignedURLs: Type.Optional(Type.Boolean()),
});

export const CreateVariantBody = Type.Object({
  id: Type.Unknown(),
  options: Type.Unknown(),
  neverRequireSignedURLs: Type.Optional(Type.Boolean()),
});
