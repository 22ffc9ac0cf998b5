/**
 * A delivery URL and its request headers → what DeliveryService reads, for both ways in: the
 * memory-hit answer before Fastify and Fastify's delivery routes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { readClientHints } from '../../delivery/client-hint-headers.js';
import type { DeliveryPath } from '../../delivery/delivery-path.js';
import type { DeliveryRequest } from '../../delivery/delivery-service.js';

/** Splits at the first `?` only: the signature covers the whole query, `?`s in values included. */
export function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, queryAt), rawQuery: url.slice(queryAt + 1) };
}

export function deliveryRequest(path: DeliveryPath, rawQuery: string, headers: IncomingHttpHeaders): DeliveryRequest {
  return {
    path,
    query: new URLSearchParams(rawQuery),
    accept: headers.accept,
    clientHints: readClientHints(headers),
    ifNoneMatch: headers['if-none-match'],
  };
}
