/**
 * Reads an upload's multipart/form-data: the `file` part (capped while streaming) and the fields
 * `id`, `url`, `creator`, `requireSignedURLs` and `metadata` (a JSON field or the SDK's
 * `metadata[key]` fields). Unknown fields are ignored, as Cloudflare does.
 */
import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { errors } from '../../../errors.js';
import { limits } from '../../../limits.js';
import type { UploadInput } from '../../../images/image-service.js';
import { bracketMetadataPath, metadataFromBrackets, parseMetadataJson } from '../../../images/metadata.js';

export function parseBooleanField(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0' || v === '') return false;
  throw errors.badRequest(`${name} must be true or false, got "${value}"`, { pointer: `/${name}` });
}

/**
 * Reads the file part. busboy stops delivering data at the size limit but keeps the part open
 * until the client finishes sending, which for an endless body is never: so refuse on 'limit'.
 */
export function readFilePart(file: Readable & { truncated?: boolean }, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    file.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
    });
    file.once('limit', () => {
      reject(errors.fileTooLarge(max));
      file.destroy();
    });
    file.once('error', reject);
    file.once('end', () => (file.truncated ? reject(errors.fileTooLarge(max)) : resolve(Buffer.concat(chunks, size))));
  });
}

/** Rejects, before reading a byte of body, a request whose declared size cannot fit the limit. */
export function checkDeclaredLength(request: FastifyRequest): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxFileBytes + limits.formOverheadBytes) throw errors.fileTooLarge(limits.maxFileBytes);
}

/** RFC 2046 §5.1.1 allows 1 to 70 characters; busboy throws (a 500) past 256. */
const maxBoundaryLength = 70;
const boundaryOf = (contentType: string | undefined) => /;\s*boundary=(?:"([^"]*)"?|([^;\s]*))/i.exec(contentType ?? '');

const singleValuedFields = new Set(['url', 'id', 'creator', 'requireSignedURLs', 'metadata']);

export interface UploadForm extends UploadInput {
  /** Fields other than the known ones, for routes that accept more (direct upload's `expiry`). */
  extra: Map<string, string>;
}

export async function readUploadForm(request: FastifyRequest, options: { allowFile: boolean } = { allowFile: true }): Promise<UploadForm> {
  if (!request.isMultipart()) throw errors.unsupportedMediaType('Uploads must be sent as multipart/form-data');
  const boundary = boundaryOf(request.headers['content-type']);
  if (boundary && (boundary[1] ?? boundary[2] ?? '').length > maxBoundaryLength) {
    throw errors.badRequest(`Malformed multipart/form-data body: the boundary is longer than ${maxBoundaryLength} characters`);
  }
  const form: UploadForm = { extra: new Map() };
  const bracketFields: Array<{ path: string[]; value: string }> = [];
  let metadataJson: string | undefined;
  let file: { bytes: Promise<Buffer>; filename: string; contentType: string } | undefined;
  const parts: AsyncIterableIterator<Multipart> = request.parts({
    limits: {
      fileSize: limits.maxFileBytes,
      files: 1,
      fields: limits.maxFormFields,
      fieldSize: limits.maxFormFieldBytes,
      parts: limits.maxFormFields + 1,
    },
  });
  const seen = new Set<string>();
  try {
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || !options.allowFile) {
          part.file.resume();
          const field = part.fieldname === undefined ? 'a part without a field name' : `field "${part.fieldname}"`;
          throw errors.badRequest(`Unexpected file in ${field}: ${options.allowFile ? 'send the image in the field "file"' : 'this endpoint takes no file'}`);
        }
        // Read while the loop goes on rather than awaiting here: when the whole body arrived during
        // a slow auth hook, a part cut short has already failed before we could listen to it, and
        // only the part iterator still reports that.
        const bytes = readFilePart(part.file, limits.maxFileBytes);
        bytes.catch(() => undefined);
        file = { bytes, filename: part.filename, contentType: part.mimetype };
        continue;
      }
      const value = String(part.value ?? '');
      if (part.valueTruncated) throw errors.badRequest(`Form field "${part.fieldname}" is longer than ${limits.maxFormFieldBytes} bytes`);
      const path = bracketMetadataPath(part.fieldname);
      if (path) {
        bracketFields.push({ path, value });
        continue;
      }
      if (singleValuedFields.has(part.fieldname)) {
        // Two values for one setting (say requireSignedURLs=true then =false) would silently pick one.
        if (seen.has(part.fieldname)) throw errors.badRequest(`Form field "${part.fieldname}" is given more than once`, { pointer: `/${part.fieldname}` });
        seen.add(part.fieldname);
      }
      switch (part.fieldname) {
        case 'file':
          throw errors.unsupportedImage('The "file" field must be a file part (with a filename), not a text value');
        case 'url':
          form.url = value.trim();
          break;
        case 'id':
          form.id = value;
          break;
        case 'creator':
          form.creator = value;
          break;
        case 'requireSignedURLs':
          form.requireSignedURLs = parseBooleanField('requireSignedURLs', value);
          break;
        case 'metadata':
          metadataJson = value;
          break;
        default:
          form.extra.set(part.fieldname, value);
      }
    }
  } catch (error) {
    // The form is refused: stop the parser, which would otherwise go on through every part left
    // (5,000 fields past the limit cost the event loop ~50 ms); Node discards the rest unparsed.
    request.raw.unpipe();
    request.raw.resume();
    throw error;
  }
  if (file) form.file = { ...file, bytes: await file.bytes };
  if (metadataJson !== undefined && bracketFields.length) throw errors.badRequest('Send metadata either as one JSON field or as metadata[key] fields, not both');
  if (metadataJson !== undefined) form.metadata = parseMetadataJson(metadataJson);
  else if (bracketFields.length) form.metadata = metadataFromBrackets(bracketFields);
  return form;
}
