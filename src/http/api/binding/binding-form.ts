/**
 * The binding's multipart form: the `image` file, `draw_image` files (in order: image 1, 2, …)
 * and the fields workerd's images-api module and `@cloudflare/images` send. Text rendering
 * (`text_input`, `draw_text`) and unknown fields are refused, never ignored.
 */
import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { bindingErrors } from '../../../binding/binding-errors.js';
import { errors } from '../../../errors.js';
import { limits } from '../../../limits.js';
import { readFilePart } from '../images/upload-form.js';

export interface BindingForm {
  /** `image`, then each `draw_image`. */
  images: Buffer[];
  fields: Map<string, string>;
}

const textFields = new Set(['transforms', 'output_format', 'output_quality', 'background', 'anim']);

export async function readBindingForm(request: FastifyRequest, options: { drawImages: boolean }): Promise<BindingForm> {
  if (!request.isMultipart()) throw errors.unsupportedMediaType('The Images binding sends multipart/form-data');
  const maxFiles = 1 + (options.drawImages ? limits.binding.maxDrawImages : 0);
  const parts: AsyncIterableIterator<Multipart> = request.parts({
    limits: { fileSize: limits.maxFileBytes, files: maxFiles, fields: textFields.size, fieldSize: limits.maxFormFieldBytes, parts: maxFiles + textFields.size },
  });
  let image: Promise<Buffer> | undefined;
  const drawn: Array<Promise<Buffer>> = [];
  const fields = new Map<string, string>();
  for await (const part of parts) {
    const name = part.fieldname;
    if (name === 'text_input' || name === 'draw_text') {
      if (part.type === 'file') part.file.resume();
      throw bindingErrors.unsupported('text rendering (IMAGES.text(), drawing text) is not available in Pictor');
    }
    if (part.type === 'file') {
      if (name !== 'image' && !(name === 'draw_image' && options.drawImages)) {
        part.file.resume();
        throw bindingErrors.invalid(`unexpected file in field ${JSON.stringify(name)}`);
      }
      if (name === 'image' && image) throw bindingErrors.invalid('the form has more than one "image" part');
      // Read while the loop goes on (see upload-form.ts): a part cut short fails the iterator too.
      const bytes = readFilePart(part.file, limits.maxFileBytes);
      bytes.catch(() => undefined);
      if (name === 'image') image = bytes;
      else drawn.push(bytes);
      continue;
    }
    if (part.valueTruncated) throw bindingErrors.invalid(`form field ${JSON.stringify(name)} is longer than ${limits.maxFormFieldBytes} bytes`);
    if (!textFields.has(name) || (name === 'transforms' && !options.drawImages)) throw bindingErrors.invalid(`unknown form field ${JSON.stringify(name.slice(0, 40))}`);
    if (fields.has(name)) throw bindingErrors.invalid(`form field ${JSON.stringify(name)} is given more than once`);
    fields.set(name, String(part.value ?? ''));
  }
  if (!image) throw bindingErrors.missingImage();
  return { images: await Promise.all([image, ...drawn]), fields };
}
