/**
 * How the API reads JSON bodies, for every route at once.
 *
 * - An empty body sent as `Content-Type: application/json` is no body, as Cloudflare treats it:
 *   its documented v1 direct-upload call sends exactly that, and clients send the header on
 *   DELETE and PUT without a body. A route whose body is required then answers the validation
 *   error of a missing body; Fastify's own parser would refuse every such call.
 * - Bodies are validated without type coercion. Fastify's default (coerceTypes) turns JSON `null`,
 *   `0` and `"false"` into `false` before the handler sees them, so `{"requireSignedURLs": null}`
 *   would make a private image public. Query strings and path parameters are text by nature and
 *   keep coercion; multipart fields are read (and their "true"/"false" parsed) by the form reader.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { ApiApp } from './types.js';

/** Fastify's ajv compiler, twice: coercing for URL parts, strict for bodies (same formats, same shared schemas). */
export const bodiesWithoutCoercion: AjvCompiler.ValidatorFactory = (externalSchemas, options) => {
  const fromPool = AjvCompiler();
  const coercing = fromPool(externalSchemas, options);
  // Pictor compiles JSON Schema (never JTD), whose options include coerceTypes.
  const customOptions: AjvCompiler.Options = { ...(options?.customOptions as AjvCompiler.Options | undefined), coerceTypes: false };
  const strict = fromPool(externalSchemas, { ...options, mode: undefined, customOptions });
  return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
};

/** Replaces Fastify's JSON parser with one that reads an empty body as none (and otherwise is Fastify's: proto-poisoning refused). */
export function parseEmptyJsonAsNoBody(app: ApiApp): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else parseJson(request, body as string, done);
  });
}
