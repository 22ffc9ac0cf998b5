/**
 * renderImage: a stored original + TransformSpec + request context → the rendition's bytes.
 * Order: inspect the header (limits) → measure pixels if the spec needs it → plan the geometry →
 * pick the format → run the declared steps → encode. No HTTP here: the caller turns `varyAccept`
 * into `Vary: Accept` and ImagesErrors into delivery error responses.
 */
import sharp from 'sharp';
import type { Vision } from '../ai/vision.js';
import { errors, ImagesError } from '../errors.js';
import { limits } from '../limits.js';
import type { TransformSpec } from './spec.js';
import type { ClientHints } from './client-hints.js';
import { encode } from './encode.js';
import { findForeground } from './find-foreground.js';
import { mimeOf } from '../media/image-format.js';
import { negotiateFormat, outputFormats } from './formats.js';
import type { RenderJob } from './job.js';
import { measureHints } from './measure.js';
import { renderSteps } from './pipeline.js';
import { checkOutputPixels, planGeometry, type GeometryPlan } from './plan-geometry.js';
import { requestedQuality } from './quality.js';
import { inspectSource, openImage, withCause, withinDeadline, type RenderInput, type SourceInfo } from './source.js';
import { SvgRefusal } from './svg-sanitize.js';
import { svgSize, type SvgSanitizer } from './svg-sanitizer.js';

export interface RenderContext {
  /** The request's Accept header (format=auto). */
  readonly accept?: string | undefined;
  /** Parsed client-hint headers (width=auto, slow-connection-quality). */
  readonly clientHints?: ClientHints | undefined;
  /** Face detection (gravity=face) and segmentation (segment=foreground); without it, their fallbacks. */
  readonly vision?: Vision | undefined;
  /** Sanitizes SVG sources; required when the source may be an SVG. */
  readonly svgSanitizer?: SvgSanitizer | undefined;
}

export interface RenderResult {
  readonly body: Buffer;
  readonly contentType: string;
  /** Output size (one frame's, for animations). */
  readonly width: number;
  readonly height: number;
  /** A key of `outputFormats`, or the source's format when delivered untransformed. */
  readonly format: string;
  /** The format was chosen from Accept: send `Vary: Accept`. */
  readonly varyAccept: boolean;
}

export async function renderImage(input: RenderInput, spec: TransformSpec, ctx: RenderContext = {}): Promise<RenderResult> {
  if (input.format === 'svg') return serveSvg(input, ctx.svgSanitizer);
  const source = await inspectSource(input);
  const segment = spec.segment ? ctx.vision?.segmentForeground : undefined;
  if (spec.segment && !segment) throw errors.unsupportedOption(ctx.vision?.segmentationUnavailable ?? 'segment=foreground is not available');
  // A segmented image is a still of the first frame: one mask per frame would multiply the cost.
  const moving = source.frames > 1 && spec.anim !== false && !segment;
  // Cloudflare delivers animations above 50 MP (all frames) untransformed.
  if (moving && source.width * source.height * source.frames > limits.render.maxTransformedAnimationPixels) {
    return untransformed(input, source);
  }
  try {
    const plan = planGeometry(source, spec, await measureHints(input, source, spec, ctx.clientHints, ctx.vision?.detectFaces));
    // A segmented image has transparency whatever the source had: formats and flattening follow that.
    const shown: SourceInfo = segment ? { ...source, hasAlpha: true } : source;
    const output = negotiateFormat({
      requested: spec.format,
      compression: spec.compression,
      accept: ctx.accept,
      source: { format: source.format, hasAlpha: shown.hasAlpha, animated: moving },
      output: plan.output,
    });
    const format = output.format;
    if (format === 'json') return describe(source, plan);
    if (format === 'svg') return serveSvg(input, ctx.svgSanitizer);
    const animated = moving && outputFormats[format].animation;
    // Every frame of an animated output is encoded: their sum is what the pixel limit bounds.
    if (animated) checkOutputPixels(plan.output, source.frames);
    const job: RenderJob = {
      source: shown,
      spec,
      plan,
      output,
      animated,
      quality: requestedQuality(spec, ctx.clientHints),
      foreground: segment ? await findForeground(input, source, segment) : undefined,
    };
    let image = await openImage(input, source, animated);
    // Steps may settle pixels into a new pipeline: each one is bound to the deadline again.
    for (const step of renderSteps) image = withinDeadline(input, await step(image, job));
    const { data, info } = await encode(image, job, format);
    return {
      body: data,
      contentType: outputFormats[format].mime,
      width: info.width,
      height: animated ? (info.pageHeight ?? info.height) : info.height,
      format,
      varyAccept: output.varyAccept,
    };
  } catch (error) {
    if (error instanceof ImagesError) throw error;
    // libvips stopped the pipeline at the deadline (or a failure raced it): report the deadline.
    if (input.deadline?.passed) throw withCause(errors.transformTimeout(input.deadline.limitMs), error);
    throw withCause(errors.decodeFailed(), error);
  }
}

/** format=json: sizes before and after, the source's MIME type and file size (Cloudflare's shape). */
function describe(source: SourceInfo, plan: GeometryPlan): RenderResult {
  const info = {
    width: plan.output.width,
    height: plan.output.height,
    original: {
      file_size: source.fileSize,
      width: source.width,
      height: source.height,
      format: mimeOf[source.format],
    },
  };
  return {
    body: Buffer.from(JSON.stringify(info)),
    contentType: outputFormats.json.mime,
    ...plan.output,
    format: 'json',
    varyAccept: false,
  };
}

function untransformed(input: RenderInput, source: SourceInfo): RenderResult {
  return {
    body: input.bytes,
    contentType: mimeOf[source.format],
    width: source.width,
    height: source.height,
    format: source.format,
    varyAccept: false,
  };
}

/**
 * SVGs are sanitized and never resized; every option is ignored (as Cloudflare does), so delivery
 * keys all of an SVG's renditions as one and sanitizes (off the main thread) once per image
 * version. The stored original is never served as is.
 */
async function serveSvg(input: RenderInput, sanitizer: SvgSanitizer | undefined): Promise<RenderResult> {
  if (!sanitizer) throw new Error('renderImage() needs ctx.svgSanitizer to serve an SVG');
  const sanitized = await sanitizer.sanitize(input.bytes).catch((error: unknown) => {
    if (error instanceof SvgRefusal) throw withCause(errors.unsupportedSource(`the SVG could not be sanitized (${error.message})`), error);
    throw error;
  });
  // The size is informational: 0 if the document has none.
  const { width, height } = await svgSize(sanitized);
  return { body: sanitized.body, contentType: outputFormats.svg.mime, width, height, format: 'svg', varyAccept: false };
}
