/**
 * Cloudflare's answers for transformations of remote sources (its troubleshooting page lists the
 * codes; the route sends them with `Cf-Resized: err=<code>`). Messages name only what the request
 * named: a redirect target or resolved address may be internal knowledge.
 */
import { ImagesError } from '../errors.js';
import type { FetchFailures } from '../images/fetch-source.js';

export const originErrors = {
  /** Resizing was not attempted: no Cf-Resized header (as Cloudflare with the feature off). */
  transformsDisabled: () =>
    new ImagesError(9404, 404, 'Image transformations are not enabled on this server: set PICTOR_TRANSFORM_ORIGIN or PICTOR_TRANSFORM_SOURCES'),
  transformUrlInvalid: (detail: string) => new ImagesError(9419, 403, `The image URL is not valid: ${detail}`),
  sourceNotAllowed: (detail: string, cause?: unknown) => new ImagesError(9401, 403, `The image source is not allowed: ${detail}`, { cause }),
  notFoundAtOrigin: () => new ImagesError(9404, 404, 'The image does not exist on the origin server (HTTP 404)'),
  /** The origin's own 4xx status is passed on, so a 401 or 410 stays recognizable. */
  deniedByOrigin: (status: number) => new ImagesError(9408, status, `The origin server returned HTTP ${status} for the image`),
  originFailed: (status: number) => new ImagesError(9509, 502, `The origin server returned HTTP ${status} for the image`),
  originUnreachable: (reason: string, cause: unknown) => new ImagesError(9504, 502, `The origin server could not be contacted: ${reason}`, { cause }),
  originDnsFailed: (cause: unknown) => new ImagesError(9407, 502, "The origin server's host name could not be resolved", { cause }),
  originTimeout: (timeoutMs: number) => new ImagesError(9505, 504, `The origin server did not deliver the image within ${timeoutMs} ms`),
  sourceTooLarge: (maxBytes: number) => new ImagesError(9402, 413, `The image is larger than ${maxBytes} bytes`),
  badRedirect: () => new ImagesError(9420, 502, 'The origin server redirected to an invalid URL'),
  tooManyRedirects: (max: number) => new ImagesError(9421, 502, `The origin server redirected more than ${max} times`),
  notAnImage: () => new ImagesError(9412, 415, 'The origin server returned a non-image (for example an HTML page)'),
  originBodyFailed: (reason: string) => new ImagesError(9504, 502, `The image could not be read from the origin server: ${reason}`),
} as const;

/** The guarded fetch's failures, in transformation codes. */
export const originFetchFailures: FetchFailures = {
  invalidUrl: () => originErrors.transformUrlInvalid('the source must be a path or an absolute http(s) URL'),
  unsupportedProtocol: (protocol) => originErrors.transformUrlInvalid(`the protocol "${protocol}" is not http or https`),
  refused: (reason, cause) => originErrors.sourceNotAllowed(reason, cause),
  unreachable: (reason, cause, dns) => (dns ? originErrors.originDnsFailed(cause) : originErrors.originUnreachable(reason, cause)),
  tooManyRedirects: originErrors.tooManyRedirects,
  badRedirect: originErrors.badRedirect,
  timeout: originErrors.originTimeout,
  tooLarge: originErrors.sourceTooLarge,
  failed: originErrors.originBodyFailed,
};
