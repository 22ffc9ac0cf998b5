/**
 * POST images/v2/direct_upload (multipart: id, metadata, requireSignedURLs, expiry, creator) and the
 * deprecated POST images/v1/direct_upload (JSON, or multipart as v2) → `{id, uploadURL}` and a draft.
 * Every field is optional, so a call without a body (or with an empty one) is served.
 */
import { type Static, Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../../errors.js';
import type { DirectUploadInput } from '../../../images/direct-upload-service.js';
import { validateMetadata } from '../../../images/metadata.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { readUploadForm } from '../images/upload-form.js';
import { accountOf, type ApiApp } from '../../types.js';

/** v1's JSON body; `null` is what Fastify validates when there is no body (multipart, or none at all). */
const DirectUploadJson = Type.Union([
  Type.Object(
    {
      id: Type.Optional(Type.String()),
      creator: Type.Optional(Type.String()),
      expiry: Type.Optional(Type.String()),
      metadata: Type.Optional(Type.Unknown()),
      requireSignedURLs: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: true },
  ),
  Type.Null(),
]);

async function readMultipart(request: FastifyRequest): Promise<DirectUploadInput> {
  const { extra, ...fields } = await readUploadForm(request, { allowFile: false });
  if (fields.url !== undefined) throw errors.badRequest('A direct upload takes no url: the file is posted to the returned uploadURL');
  return { ...fields, expiry: extra.get('expiry') };
}

function fromJson(body: Static<typeof DirectUploadJson> | undefined): DirectUploadInput {
  if (!body) return {};
  const { id, creator, expiry, metadata, requireSignedURLs } = body;
  return { id, creator, expiry, requireSignedURLs, metadata: metadata === undefined ? undefined : validateMetadata(metadata) };
}

export function createDirectUpload(app: ApiApp, services: Pick<Services, 'directUploads'>): void {
  app.post('/images/v1/direct_upload', {
    schema: { body: DirectUploadJson },
    config: { permission: 'write' },
    handler: async (request) => {
      const input = request.isMultipart() ? await readMultipart(request) : fromJson(request.body);
      return ok(await services.directUploads.create(accountOf(request), input));
    },
  });
  app.post('/images/v2/direct_upload', {
    config: { permission: 'write' },
    handler: async (request) => {
      if (request.body !== undefined) throw errors.unsupportedMediaType('images/v2/direct_upload takes multipart/form-data');
      const input = request.isMultipart() ? await readMultipart(request) : {};
      return ok(await services.directUploads.create(accountOf(request), input));
    },
  });
}
