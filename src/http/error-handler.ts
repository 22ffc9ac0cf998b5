/**
 * The one place errors become responses: typed domain errors, Fastify's own errors (validation,
 * content types, bodies, multipart limits) and anything unexpected (logged, answered as a bare 500
 * envelope without internals).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errors, ImagesError } from '../errors.js';
import { limits } from '../limits.js';
import { failedStore } from '../storage/store-failure.js';
import { failure } from './envelope.js';
import { discardRequestBody } from './discard-request-body.js';
import { validationError } from './validation-error.js';

/** Fastify and @fastify/multipart error codes → our typed errors. */
function fromFastifyError(err: FastifyError, request: FastifyRequest): ImagesError | undefined {
  if (err.validation) return validationError(err.validation, err.validationContext);
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(`Unsupported Content-Type "${request.headers['content-type'] ?? ''}" for this endpoint`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.jsonBodyTooLarge(limits.maxJsonBodyBytes);
    case 'FST_REQ_FILE_TOO_LARGE':
      return errors.fileTooLarge(limits.maxFileBytes);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badRequest('Request body size does not match Content-Length');
    case 'FST_FILES_LIMIT':
      return errors.badRequest('Only one file may be uploaded per request');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return errors.badRequest(`Too many form fields (at most ${limits.maxFormFields})`);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return errors.unsupportedMediaType('Uploads must be sent as multipart/form-data');
    case 'FST_PROTO_VIOLATION':
      return errors.badRequest('Form field names "__proto__" and "constructor" are not allowed');
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return errors.badRequest('Request body is not valid JSON');
  // busboy's parse errors ("Unexpected end of form", "Malformed part header", ...).
  if (/unexpected end of (form|multipart)|malformed|boundary/i.test(err.message)) return errors.badRequest('Malformed multipart/form-data body');
  if (err.statusCode === 413) return errors.fileTooLarge(limits.maxFileBytes);
  return undefined;
}

export function toImagesError(err: unknown, request: FastifyRequest): ImagesError | undefined {
  if (err instanceof ImagesError) return err;
  const store = failedStore(err);
  if (store) return errors.storeUnavailable(store, err);
  if (err && typeof err === 'object') return fromFastifyError(err as FastifyError, request);
  return undefined;
}

/** A refused upload's body (413, or any refusal on a route that asks) is declared or found to be this much or less: read it to the end, so the client sees the answer. */
function worthDiscarding(request: FastifyRequest, err: ImagesError): boolean {
  if ((err.status !== 413 && !request.routeOptions.config.discardRefusedBody) || request.raw.complete) return false;
  const declared = Number(request.headers['content-length']);
  return !Number.isFinite(declared) || declared <= limits.refusedBodyDiscardBytes;
}

/** The client hung up (or was cut off by the request timeout) while its body was still arriving. */
const clientWentAway = (err: unknown, request: FastifyRequest): boolean =>
  (err as { code?: string } | null)?.code === 'ECONNRESET' && request.raw.destroyed && failedStore(err) === undefined;

export async function apiErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const known = clientWentAway(err, request) ? errors.requestIncomplete() : toImagesError(err, request);
  if (!known) {
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).type('application/json').send(failure(errors.internal()));
  }
  if (known.status >= 500) request.log.error({ err }, 'server error');
  // Internal detail (resolved addresses, OS errors) goes to the log only, never to the client.
  else if (known.cause !== undefined) request.log.warn({ code: known.code, cause: known.cause }, known.message);
  if (worthDiscarding(request, known)) await discardRequestBody(request.raw, limits.refusedBodyDiscardBytes);
  reply.headers(known.options.headers ?? {});
  return reply.code(known.status).type('application/json').send(failure(known));
}
