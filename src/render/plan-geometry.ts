/**
 * planGeometry: source size + TransformSpec → every size and box the pipeline needs, without
 * touching pixels. The pipeline is trim → resize → crop → flip/rotate → pad; width and height refer
 * to the axes after rotation (Cloudflare: "rotation is performed before resizing"), so the layout is
 * computed in the turned frame and mapped back to the unturned one for the resize and crop steps.
 */
import type { RelativeBox } from '../ai/vision.js';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import { specDefaults, type FocalPoint, type Gravity, type TransformSpec, type TrimSides } from './spec.js';
import {
  noSides,
  pixelBox,
  scaleBox,
  turnPoint,
  turned,
  unturnBox,
  type Box,
  type Orientation,
  type Sides,
  type Size,
} from './geometry.js';

export interface GeometryPlan extends Orientation {
  /** Oriented-source pixels kept by trim (the whole image without trim). */
  readonly trim: Box;
  /** Size the trimmed image is resized to, before flip/rotate. Equal to trim's size: no resize. */
  readonly resized: Size;
  /** Window of `resized` that is kept (cover, crop, aspect-crop), before flip/rotate. */
  readonly crop: Box | undefined;
  /** The same window in oriented-source pixels (trim and crop combined), for crop-before-resize. */
  readonly region: Box;
  /** Background added around the content, in output orientation (fit=pad). */
  readonly pad: Sides;
  readonly output: Size;
}

export interface GeometryHints {
  /** Width for `width=auto` from client hints, in device pixels (Sec-CH-Width, or viewport × DPR). */
  readonly clientWidth?: number | undefined;
  /** Sec-CH-UA-Mobile: picks the mobile default for `width=auto` when no width hint came. */
  readonly mobile?: boolean | undefined;
  /** Where gravity=auto/face points, as fractions of the oriented source (found from pixels). */
  readonly focalPoint?: FocalPoint | undefined;
  /** gravity=face: the box around every detected face, as fractions of the oriented source. */
  readonly faces?: RelativeBox | undefined;
  /** The box trim=border keeps, measured from pixels; without it trim=border keeps everything. */
  readonly borderTrim?: Box | undefined;
}

interface Layout {
  /** The whole turned image after scaling. */
  readonly content: Size;
  /** The part of `content` that is shown. */
  readonly view: Size;
  /** `view` plus padding. */
  readonly output: Size;
}

export function planGeometry(source: Size, spec: TransformSpec, hints: GeometryHints = {}): GeometryPlan {
  const orientation: Orientation = { flip: spec.flip, rotate: spec.rotate };
  const trim = trimBox(source, spec, hints);
  const turnedTrim = turned(trim, orientation);
  const fitted = layoutFor(spec.fit ?? specDefaults.fit, turnedTrim, targetSize(spec, hints, turnedTrim));
  checkOutput(fitted, turnedTrim);
  // Zooming only narrows the window read from the source, so the limits above still hold.
  const layout = spec.gravity === 'face' && hints.faces && spec.zoom
    ? zoomTowardFaces(fitted, turned(faceSizeInTrim(hints.faces, source, trim), orientation), turnedTrim, spec)
    : fitted;

  const focus = turnPoint(gravityInTrim(spec.gravity, hints, source, trim), orientation);
  const centred = (spec.gravity === 'auto' || spec.gravity === 'face') && hints.focalPoint !== undefined;
  const place = centred ? centreOn : alignRelative;
  const turnedView: Box = {
    left: place(focus.x, layout.content.width, layout.view.width),
    top: place(focus.y, layout.content.height, layout.view.height),
    ...layout.view,
  };
  const resized = turned(layout.content, orientation);
  const cropped = layout.view.width < layout.content.width || layout.view.height < layout.content.height;
  const crop = cropped ? pixelBox(unturnBox(turnedView, resized, orientation), resized) : undefined;
  const cropInTrim = crop
    ? pixelBox(scaleBox(crop, trim.width / resized.width, trim.height / resized.height), trim)
    : { left: 0, top: 0, width: trim.width, height: trim.height };

  return {
    ...orientation,
    trim,
    resized,
    crop,
    region: { ...cropInTrim, left: trim.left + cropInTrim.left, top: trim.top + cropInTrim.top },
    pad: padding(layout),
    output: layout.output,
  };
}

/** XxY and sides: the point sits at the same relative position in the crop as in the image. */
const alignRelative = (focus: number, content: number, view: number) => focus * (content - view);
/** A detected focal point (saliency, faces): the crop is centred on it, as far as the image allows. */
const centreOn = (focus: number, content: number, view: number) => Math.min(content - view, Math.max(0, focus * content - view / 2));

/** Room left around the faces at zoom=1, as a fraction of the faces' box on each side (hair, chin). */
const FACE_MARGIN = 0.2;

/**
 * zoom (Cloudflare: 0 keeps as much background as possible, 1 crops as closely to the faces as
 * possible): the window of the source that is shown shrinks linearly from the one without zoom to
 * the smallest one of the same shape holding the faces and their margin; the content is scaled up
 * so that window fills the view. `crop` and `aspect-crop` still never enlarge the source.
 */
function zoomTowardFaces(layout: Layout, faces: Size, image: Size, spec: TransformSpec): Layout {
  const scale = layout.content.width / image.width;
  const aspect = layout.view.width / layout.view.height;
  const tightWidth = Math.max(faces.width * (1 + 2 * FACE_MARGIN), faces.height * (1 + 2 * FACE_MARGIN) * aspect);
  const widest = layout.view.width / scale;
  if (tightWidth >= widest) return layout;
  const zoom = spec.zoom ?? 0;
  let factor = widest / (widest - zoom * (widest - tightWidth));
  if ((spec.fit ?? specDefaults.fit) !== 'cover') factor = Math.min(factor, Math.max(1, 1 / scale));
  const content = { width: atLeastOne(layout.content.width * factor), height: atLeastOne(layout.content.height * factor) };
  return { ...layout, content };
}

/** The faces' box clipped to the trimmed image, in source pixels (only its size is needed). */
function faceSizeInTrim(faces: RelativeBox, source: Size, trim: Box): Size {
  const left = Math.max(trim.left, faces.left * source.width);
  const top = Math.max(trim.top, faces.top * source.height);
  const right = Math.min(trim.left + trim.width, (faces.left + faces.width) * source.width);
  const bottom = Math.min(trim.top + trim.height, (faces.top + faces.height) * source.height);
  return { width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

/** `width=auto`: Cloudflare's breakpoint at or above the hinted width, else the device default. */
export function autoWidth({ clientWidth, mobile }: GeometryHints): number {
  const { autoWidthBreakpoints, autoWidthDesktop, autoWidthMobile } = limits.render;
  if (clientWidth === undefined || !(clientWidth > 0)) return mobile ? autoWidthMobile : autoWidthDesktop;
  return autoWidthBreakpoints.find((breakpoint) => breakpoint >= clientWidth) ?? autoWidthBreakpoints.at(-1)!;
}

function trimBox(source: Size, spec: TransformSpec, hints: GeometryHints): Box {
  const whole = { left: 0, top: 0, width: source.width, height: source.height };
  const trim = spec.trim;
  if (!trim) return whole;
  if (trim.kind === 'border') return hints.borderTrim ?? whole;
  return sidesTrimBox(source, trim, spec.dpr ?? specDefaults.dpr);
}

/** Pixel lengths are multiplied by dpr (Cloudflare: trim "takes dpr into account"); fractions are not. */
function sidesTrimBox(source: Size, trim: TrimSides, dpr: number): Box {
  const length = (value: number, side: number) => Math.round(value > 0 && value < 1 ? value * side : value * dpr);
  const left = length(trim.left, source.width);
  const top = length(trim.top, source.height);
  const width = trim.width !== undefined ? length(trim.width, source.width) : source.width - left - length(trim.right, source.width);
  const height = trim.height !== undefined ? length(trim.height, source.height) : source.height - top - length(trim.bottom, source.height);
  if (left >= source.width || top >= source.height || width < 1 || height < 1) {
    throw errors.imageTooLarge('the trim leaves an image with width or height of size 0');
  }
  return { left, top, width: Math.min(width, source.width - left), height: Math.min(height, source.height - top) };
}

/**
 * The requested box in device pixels, or undefined sides where the request left them free. Boxes
 * larger than the output limit are shrunk uniformly so their shape is kept.
 */
function targetSize(spec: TransformSpec, hints: GeometryHints, image: Size): Size | undefined {
  const dpr = spec.dpr ?? specDefaults.dpr;
  const requestedWidth = spec.width === 'auto' ? autoWidth(hints) : spec.width;
  if (requestedWidth === undefined && spec.height === undefined) return undefined;
  // A missing side follows the image's aspect ratio, so every fit treats a one-sided request alike.
  const width = (requestedWidth ?? (spec.height! * image.width) / image.height) * dpr;
  const height = (spec.height ?? (requestedWidth! * image.height) / image.width) * dpr;
  const shrink = Math.min(1, limits.maxSidePx / Math.max(width, height));
  return { width: width * shrink, height: height * shrink };
}

function layoutFor(fit: NonNullable<TransformSpec['fit']>, image: Size, target: Size | undefined): Layout {
  if (!target) return { content: image, view: image, output: image };
  const sx = target.width / image.width;
  const sy = target.height / image.height;
  const box = { width: atLeastOne(target.width), height: atLeastOne(target.height) };
  const scaled = (scale: number) => ({ width: atLeastOne(image.width * scale), height: atLeastOne(image.height * scale) });
  const shown = (content: Size): Layout => ({ content, view: content, output: content });
  switch (fit) {
    case 'scale-down':
      return shown(scaled(Math.min(sx, sy, 1)));
    case 'contain':
      return shown(scaled(Math.min(sx, sy)));
    case 'scale-up':
      return shown(scaled(Math.max(Math.min(sx, sy), 1)));
    case 'squeeze':
      return shown(box);
    case 'pad': {
      const content = scaled(Math.min(sx, sy));
      return { content, view: content, output: box };
    }
    case 'cover': {
      const content = scaled(Math.max(sx, sy));
      return { content, view: within(box, content), output: within(box, content) };
    }
    case 'crop': {
      const content = scaled(Math.min(Math.max(sx, sy), 1));
      const view = within(box, content);
      return { content, view, output: view };
    }
    case 'aspect-crop': {
      const content = scaled(Math.min(Math.max(sx, sy), 1));
      const view = within(largestWithAspect(content, box.width / box.height), box);
      return { content, view, output: view };
    }
  }
}

const atLeastOne = (n: number) => Math.max(1, Math.round(n));
const within = (size: Size, bounds: Size): Size => ({
  width: Math.min(size.width, bounds.width),
  height: Math.min(size.height, bounds.height),
});

function largestWithAspect(size: Size, aspect: number): Size {
  return size.width / size.height > aspect
    ? { width: atLeastOne(size.height * aspect), height: size.height }
    : { width: size.width, height: atLeastOne(size.width / aspect) };
}

/** Refuses outputs beyond the limits before any pixel is decoded (Cloudflare error 9413). */
function checkOutput({ content, output }: Layout, image: Size): void {
  const enlarged = content.width > image.width || content.height > image.height;
  const { maxEnlargedSidePx } = limits.render;
  if (enlarged && Math.max(content.width, content.height) > maxEnlargedSidePx) {
    throw errors.imageTooLarge(
      `the image enlarged too much: ${content.width}×${content.height}, but maximum dimension allowed is ${maxEnlargedSidePx}`,
    );
  }
  checkOutputPixels(output, 1);
}

/**
 * Refuses an output whose frames together pass the pixel limit (Cloudflare error 9413). Runs once
 * per frame from planGeometry, and again with the frame count once the output is known to be animated.
 */
export function checkOutputPixels(output: Size, frames: number): void {
  if (output.width * output.height * frames > limits.maxPixels) {
    const what = `${output.width}×${output.height}${frames > 1 ? ` × ${frames} frames` : ''}`;
    throw errors.imageTooLarge(`the output ${what} is larger than ${limits.maxPixels / 1e6} megapixels`);
  }
}

/**
 * The crop's focal point relative to the trimmed image. Sides and the default centre describe the
 * image being cropped (the trimmed one); coordinates (`XxY`, detected faces/saliency) describe the
 * original source and are mapped into the trimmed part.
 */
function gravityInTrim(gravity: Gravity | undefined, hints: GeometryHints, source: Size, trim: Box): FocalPoint {
  switch (gravity) {
    case undefined:
      return specDefaults.gravity;
    case 'left':
      return { x: 0, y: 0.5 };
    case 'right':
      return { x: 1, y: 0.5 };
    case 'top':
      return { x: 0.5, y: 0 };
    case 'bottom':
      return { x: 0.5, y: 1 };
    case 'auto':
    case 'face':
      return hints.focalPoint ? sourcePointInTrim(hints.focalPoint, source, trim) : specDefaults.gravity;
    default:
      return sourcePointInTrim(gravity, source, trim);
  }
}

function sourcePointInTrim(point: FocalPoint, source: Size, trim: Box): FocalPoint {
  const clamp = (n: number) => Math.min(1, Math.max(0, n));
  return {
    x: clamp((point.x * source.width - trim.left) / trim.width),
    y: clamp((point.y * source.height - trim.top) / trim.height),
  };
}

function padding({ view, output }: Layout): Sides {
  if (view.width === output.width && view.height === output.height) return noSides;
  const left = Math.floor((output.width - view.width) / 2);
  const top = Math.floor((output.height - view.height) / 2);
  return { top, left, right: output.width - view.width - left, bottom: output.height - view.height - top };
}
