/**
 * POST images/v2/direct_upload (multipart: id, metadata, requireSignedURLs, expiry, creator) and the
 * deprecated POST images/v1/direct_upload (JSON, or multipart as v2) → `{id, uploadURL}` and a draft.
 */
import type { FastifyRequest } from 'fastify';
import { errors } from '../../errors.js';
import type { DirectUploadInput } from '../../images/direct-upload-service.js';
import { validateMetadata } from '../../images/metadata.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { parseBooleanField, readUploadForm } from '../images/upload-form.js';
import { accountOf, type ApiApp } from '../types.js';

async function readMultipart(request: FastifyRequest): Promise<DirectUploadInput> {
  const { extra, ...fields } = await readUploadForm(request, { allowFile: false });
  if (fields.url !== undefined) throw errors.badRequest('A direct upload takes no url: the file is posted to the returned uploadURL');
  return { ...fields, expiry: extra.get('expiry') };
}

function readJson(body: unknown): DirectUploadInput {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('Send a JSON object');
  const b = body as Record<string, unknown>;
  const text = (name: string) => {
    const v = b[name];
    if (v !== undefined && typeof v !== 'string') throw errors.badRequest(`${name} must be a string`, { pointer: `/${name}` });
    return v as string | undefined;
  };
  return {
    id: text('id'),
    creator: text('creator'),
    expiry: text('expiry'),
    metadata: b.metadata === undefined ? undefined : validateMetadata(b.metadata),
    requireSignedURLs: readFlag(b.requireSignedURLs),
  };
}

/** A boolean, or its text as a form sends it; anything else (a number, an object, null) is refused rather than read as truthy. */
function readFlag(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (typeof value === 'string') return parseBooleanField('requireSignedURLs', value);
  throw errors.badRequest('requireSignedURLs must be true or false', { pointer: '/requireSignedURLs' });
}

export function createDirectUpload(app: ApiApp, services: Services): void {
  for (const version of ['v1', 'v2'] as const) {
    app.post(`/images/${version}/direct_upload`, {
      config: { permission: 'write' },
      handler: async (request) => {
        const input = request.isMultipart() ? await readMultipart(request) : version === 'v1' ? readJson(request.body) : undefined;
        if (!input) throw errors.unsupportedMediaType('images/v2/direct_upload takes multipart/form-data');
        return ok(await services.directUploads.create(accountOf(request), input));
      },
    });
  }
}
