/**
 * The Images binding's backend (`env.IMAGES.input(…).transform(…).draw(…).output(…)` and
 * `env.IMAGES.info(…)`, and the `@cloudflare/images` client). A request runs as one job on the
 * transform queue, with the deadline and pixel limits of every rendition: each transform is one
 * render through the shared engine (lossless PNG between steps), each draw one composite.
 * No HTTP here; src/http/api/binding/ reads the form and writes the answer.
 */
import sharp from 'sharp';
import { mimeOf, type ImageFormat } from '../media/image-format.js';
import { sniffFormat } from '../images/sniff.js';
import type { Deadline } from '../render/deadline.js';
import { inspectSource } from '../render/source.js';
import { specFromOptionEntries } from '../variants/option-parser.js';
import { onTransformQueue, renderOnSlot, type RenditionMaker } from '../renditions/make-rendition.js';
import { limits } from '../limits.js';
import { bindingErrors } from './binding-errors.js';
import { parseBindingSteps, type BindingStep, type OptionEntry } from './binding-plan.js';
import { drawImage } from './draw.js';

/** The form's output fields, as sent (`output_format`, `output_quality`, `background`, `anim`). */
export interface BindingOutput {
  format: string | undefined;
  quality?: string | undefined;
  background?: string | undefined;
  anim?: string | undefined;
}

export interface BindingTransformRequest {
  /** The `image` part, then the `draw_image` parts in form order. */
  images: Buffer[];
  /** The `transforms` field (JSON); absent means none. */
  transforms: string | undefined;
  output: BindingOutput;
}

/** What the route sends: the bytes and the `cf-images-output-*` facts. */
export interface BindingResult {
  body: Buffer;
  contentType: string;
  /** The MIME type, or `rgb` / `rgba` for raw pixels. */
  format: string;
  width: number;
  height: number;
  /** Transparency was flattened onto the background (raw `rgb` of an image with alpha). */
  flattened: boolean;
}

export type BindingInfo = { format: 'image/svg+xml' } | { format: string; file_size: number; width: number; height: number };

interface Held {
  bytes: Buffer;
  format: ImageFormat;
}

const outputFormats: Record<string, string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif', rgb: 'png', rgba: 'png' };
const noRequest = { accept: undefined, clientHints: {} };
/** Between steps: lossless, so only the last step decides the quality. */
const intermediate: OptionEntry[] = [['format', 'png']];

export class BindingService {
  constructor(private readonly maker: RenditionMaker) {}

  /** Format and size from the header alone (no pixels decoded, so no queue slot). */
  async info(bytes: Buffer): Promise<BindingInfo> {
    const format = sniffFormat(bytes);
    if (!format) throw bindingErrors.notAnImage('image');
    if (format === 'svg') return { format: 'image/svg+xml' };
    try {
      const metadata = await sharp(bytes).metadata();
      // libheif applies HEIF's own rotation, so HEIC sizes are already upright (as in render/source.ts).
      const { width, height } = format === 'heic' ? metadata : metadata.autoOrient;
      return { format: mimeOf[format], file_size: bytes.length, width, height };
    } catch {
      throw bindingErrors.notAnImage('image');
    }
  }

  async transform(request: BindingTransformRequest, signal?: AbortSignal): Promise<BindingResult> {
    const output = outputEntries(request.output);
    const images = request.images.map((bytes, index) => held(bytes, index));
    if (images.length === 0) throw bindingErrors.missingImage();
    const steps = request.transforms === undefined ? [] : parseBindingSteps(request.transforms, images.length);
    // Options are checked before a slot is taken: a bad request never waits in the queue.
    const specs = steps.map((step) => (step.kind === 'transform' ? specFromOptionEntries([...step.entries, ...intermediate]) : undefined));
    const last = steps.at(-1);
    const mergeLast = last?.kind === 'transform' && last.image === 0 && !last.entries.some(([name]) => output.some(([out]) => out === name));
    const finalSpec = specFromOptionEntries(mergeLast ? [...last.entries, ...output] : output);
    return onTransformQueue(this.maker, async (deadline) => {
      for (const [index, step] of steps.entries()) {
        if (mergeLast && index === steps.length - 1) break;
        if (step.kind === 'transform') images[step.image] = await this.render(images[step.image]!, specs[index]!, deadline);
        else images[step.target] = await this.draw(images, step, deadline);
      }
      const result = await renderOnSlot(this.maker, { ...images[0]!, deadline }, finalSpec, noRequest);
      const raw = request.output.format === 'rgb' || request.output.format === 'rgba' ? request.output.format : undefined;
      if (!raw) return { body: result.body, contentType: result.contentType, format: result.contentType, width: result.width, height: result.height, flattened: false };
      return rawPixels(result.body, raw, deadline);
    }, signal);
  }

  private async render(image: Held, spec: ReturnType<typeof specFromOptionEntries>, deadline: Deadline): Promise<Held> {
    const result = await renderOnSlot(this.maker, { ...image, deadline }, spec, noRequest);
    return { bytes: result.body, format: 'png' };
  }

  private async draw(images: Held[], step: Extract<BindingStep, { kind: 'draw' }>, deadline: Deadline): Promise<Held> {
    const target = await this.decodable(images[step.target]!, deadline);
    const child = await this.decodable(images[step.child]!, deadline);
    return { bytes: await drawImage(target.bytes, child.bytes, step.options, deadline), format: 'png' };
  }

  /** sharp opens everything but HEVC-coded HEIC, which the engine decodes; limits are checked first. */
  private async decodable(image: Held, deadline: Deadline): Promise<Held> {
    if (image.format === 'heic') return this.render(image, specFromOptionEntries(intermediate), deadline);
    await inspectSource({ ...image, deadline });
    return image;
  }
}

function held(bytes: Buffer, index: number): Held {
  const part = index === 0 ? 'image' : `draw_image ${index}`;
  const format = sniffFormat(bytes);
  if (!format) throw bindingErrors.notAnImage(part);
  if (format === 'svg') throw bindingErrors.svgNotTransformable();
  return { bytes, format };
}

function outputEntries({ format, quality, background, anim }: BindingOutput): OptionEntry[] {
  if (format === undefined) throw bindingErrors.invalid('output_format is required');
  const engineFormat = outputFormats[format];
  if (format === 'image/gif') throw bindingErrors.unsupported('output_format image/gif: use image/webp for animations');
  if (!engineFormat) throw bindingErrors.invalid(`output_format must be one of ${[...Object.keys(outputFormats), 'image/gif'].join(', ')}`);
  const entries: OptionEntry[] = [['format', engineFormat]];
  // A quality on PNG means palette output; raw pixels have no quality.
  if (quality !== undefined && engineFormat !== 'png') entries.push(['quality', quality]);
  if (background !== undefined) entries.push(['background', background]);
  if (anim !== undefined) entries.push(['anim', anim]);
  return entries;
}

async function rawPixels(png: Buffer, kind: 'rgb' | 'rgba', deadline: Deadline): Promise<BindingResult> {
  const image = deadline.bound(sharp(png, { limitInputPixels: limits.maxPixels }));
  const { hasAlpha } = await image.metadata();
  const pixels = kind === 'rgb' ? image.flatten({ background: '#ffffff' }) : image.ensureAlpha();
  const { data, info } = await pixels.raw().toBuffer({ resolveWithObject: true });
  return { body: data, contentType: 'application/octet-stream', format: kind, width: info.width, height: info.height, flattened: kind === 'rgb' && hasAlpha };
}
