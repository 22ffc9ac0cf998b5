/**
 * Reads an origin's response body under a byte cap that holds while streaming, so neither a huge
 * or endless body nor a compression bomb can make Pictor buffer more than the cap.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { errors } from '../errors.js';

/** Refuses a declared Content-Length over the cap before any of the body is read. */
export function checkDeclaredLength(response: IncomingMessage, maxBytes: number): void {
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) throw errors.sourceTooLarge(maxBytes);
}

/** The body, decoded; the cap applies to the decoded bytes. */
export async function readCappedBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of decodedBody(response) as AsyncIterable<Buffer>) {
    total += chunk.length;
    // Checked before keeping the chunk, so at most maxBytes are ever held.
    if (total > maxBytes) throw errors.sourceTooLarge(maxBytes);
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

function decodedBody(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return response;
  const createDecoder = decoders[encoding];
  if (!createDecoder) throw errors.sourceFetchFailed('the origin sent the body in an unsupported Content-Encoding');
  // Errors reach the reader through the decoder; destroying the decoder also destroys the response.
  return pipeline(response, createDecoder(), () => {});
}
