/**
 * Reads an origin's response body under a byte cap that holds while streaming, so neither a huge
 * or endless body nor a compression bomb can make Pictor buffer more than the cap.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { errors, type ImagesError } from '../errors.js';

/** How a body that breaks the rules is reported (upload by URL's errors unless told). */
export interface BodyFailures {
  tooLarge(maxBytes: number): ImagesError;
  failed(reason: string): ImagesError;
}

const uploadFailures: BodyFailures = { tooLarge: errors.sourceTooLarge, failed: (reason) => errors.sourceFetchFailed(reason) };

/** Refuses a declared Content-Length over the cap before any of the body is read. */
export function checkDeclaredLength(response: IncomingMessage, maxBytes: number, failures: BodyFailures = uploadFailures): void {
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) throw failures.tooLarge(maxBytes);
}

/** The body, decoded; the cap applies to the decoded bytes. */
export async function readCappedBody(response: IncomingMessage, maxBytes: number, failures: BodyFailures = uploadFailures): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of decodedBody(response, failures) as AsyncIterable<Buffer>) {
    total += chunk.length;
    // Checked before keeping the chunk, so at most maxBytes are ever held.
    if (total > maxBytes) throw failures.tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

// Pictor asks for `identity`, but some servers compress anyway (e.g. .svgz served as gzip).
const decoders: Record<string, () => Transform> = {
  gzip: zlib.createGunzip,
  'x-gzip': zlib.createGunzip,
  deflate: zlib.createInflate,
  br: zlib.createBrotliDecompress,
};

function decodedBody(response: IncomingMessage, failures: BodyFailures): Readable {
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return response;
  const createDecoder = decoders[encoding];
  if (!createDecoder) throw failures.failed('the origin sent the body in an unsupported Content-Encoding');
  // Errors reach the reader through the decoder; destroying the decoder also destroys the response.
  return pipeline(response, createDecoder(), () => {});
}
