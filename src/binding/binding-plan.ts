/**
 * The binding's `transforms` JSON as workerd serializes it: a flat list, in order, of
 * `{imageIndex, ...ImageTransform}` (options applied to one image: 0 is the canvas, 1… the
 * `draw_image` parts) and `{drawImageIndex, targetImageIndex, ...ImageDrawOptions}` (draw one
 * image onto another). Each transform object becomes option entries for the shared option table,
 * so ranges and refusals are those of URL options; anything the table cannot express is refused
 * with 9401, never dropped.
 */
import { limits } from '../limits.js';
import { bindingErrors } from './binding-errors.js';

export type OptionEntry = readonly [name: string, value: string];

export const composites = ['over', 'in', 'atop', 'out', 'xor', 'lighter'] as const;
export type Composite = (typeof composites)[number];

export interface DrawOptions {
  /** 0..1, multiplies the drawn image's alpha. */
  readonly opacity: number;
  /** `true`: tiled over the whole target; `x` / `y`: tiled along one axis. */
  readonly repeat: boolean | 'x' | 'y';
  readonly composite: Composite;
  readonly top?: number;
  readonly left?: number;
  readonly bottom?: number;
  readonly right?: number;
}

export type BindingStep =
  | { readonly kind: 'transform'; readonly image: number; readonly entries: readonly OptionEntry[] }
  | { readonly kind: 'draw'; readonly child: number; readonly target: number; readonly options: DrawOptions };

type Json = Record<string, unknown>;

/** Reads the `transforms` field; `images` counts the canvas plus the draw_image parts. */
export function parseBindingSteps(text: string, images: number): BindingStep[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bindingErrors.invalid('the transforms field is not valid JSON');
  }
  if (!Array.isArray(parsed)) throw bindingErrors.invalid('the transforms field must be a JSON array');
  if (parsed.length > limits.binding.maxSteps) throw bindingErrors.invalid(`more than ${limits.binding.maxSteps} transforms and draws`);
  const drawn = new Set<number>();
  return parsed.map((item: unknown, position) => {
    if (!isObject(item)) throw bindingErrors.invalid(`transforms[${position}] must be an object`);
    if ('drawImageIndex' in item) {
      const { drawImageIndex, targetImageIndex, ...options } = item;
      const child = imageIndex(drawImageIndex, images, 'drawImageIndex');
      const target = imageIndex(targetImageIndex, images, 'targetImageIndex');
      // workerd draws each child once, into an image drawn later (or the canvas): no cycles.
      if (child === 0 || child <= target || drawn.has(child)) throw bindingErrors.invalid(`transforms[${position}] draws image ${child} into image ${target}: each draw_image is drawn once, into the canvas or an earlier image`);
      drawn.add(child);
      return { kind: 'draw', child, target, options: drawOptions(options) };
    }
    // `@cloudflare/images` sends bare transforms: they apply to the canvas.
    const { imageIndex: index = 0, ...transform } = item;
    return { kind: 'transform', image: imageIndex(index, images, 'imageIndex'), entries: transformEntries(transform) };
  });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function imageIndex(value: unknown, images: number, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= images) {
    throw bindingErrors.invalid(`${field} must be an image index from 0 to ${images - 1}`);
  }
  return value as number;
}

function scalar(name: string, value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '') return value;
  throw bindingErrors.invalid(`${name} must be a number or a string`);
}

/** ImageTransform keys that mean the same as the URL option of that name. */
const sameAsUrl = new Set(['width', 'height', 'fit', 'background', 'blur', 'brightness', 'contrast', 'flip', 'gamma', 'segment', 'saturation', 'sharpen']);

/** One ImageTransform as option entries; binding-only shapes (gravity objects, trim objects) are translated. */
export function transformEntries(transform: Json): OptionEntry[] {
  const entries: OptionEntry[] = [];
  for (const [key, value] of Object.entries(transform)) {
    if (value === undefined || value === null) continue;
    if (sameAsUrl.has(key)) entries.push([key, scalar(key, value)]);
    else if (key === 'rotate') {
      // 0 is a valid binding value (no rotation); the URL grammar has only 90, 180, 270.
      if (value !== 0) entries.push(['rotate', scalar(key, value)]);
    } else if (key === 'gravity') entries.push(['gravity', gravity(value)]);
    else if (key === 'trim') entries.push(...trim(value));
    else if (key === 'border') throw bindingErrors.unsupported('border is not supported by Pictor');
    else throw bindingErrors.invalid(`unknown transform option ${JSON.stringify(key.slice(0, 40))}`);
  }
  return entries;
}

function gravity(value: unknown): string {
  if (value === 'center') return '0.5x0.5';
  if (value === 'entropy') throw bindingErrors.unsupported('gravity "entropy": use "auto" (saliency), "face", a side or {x, y}');
  if (typeof value === 'string') return value;
  if (!isObject(value)) throw bindingErrors.invalid('gravity must be a string or {x, y, mode}');
  const { x = 0.5, y = 0.5, mode = 'remainder', ...rest } = value;
  if (Object.keys(rest).length) throw bindingErrors.invalid(`unknown gravity field ${JSON.stringify(Object.keys(rest)[0])}`);
  if (mode !== 'remainder') throw bindingErrors.unsupported(`gravity mode ${JSON.stringify(mode)}: only "remainder" (the URL option's meaning)`);
  return `${scalar('gravity.x', x)}x${scalar('gravity.y', y)}`;
}

function trim(value: unknown): OptionEntry[] {
  if (value === 'border') return [['trim', 'border']];
  if (!isObject(value)) throw bindingErrors.invalid('trim must be "border" or {top, right, bottom, left, width, height, border}');
  const { top = 0, right = 0, bottom = 0, left = 0, width, height, border, ...rest } = value;
  if (Object.keys(rest).length) throw bindingErrors.invalid(`unknown trim field ${JSON.stringify(Object.keys(rest)[0])}`);
  if (border === true) return [['trim', 'border']];
  if (isObject(border)) {
    const { color, tolerance, keep, ...other } = border;
    if (Object.keys(other).length) throw bindingErrors.invalid(`unknown trim.border field ${JSON.stringify(Object.keys(other)[0])}`);
    const parts: Array<[string, unknown]> = [['trim.border.color', color], ['trim.border.tolerance', tolerance], ['trim.border.keep', keep]];
    const entries = parts.filter(([, v]) => v !== undefined).map(([name, v]) => [name, scalar(name, v)] as const);
    return entries.length ? entries : [['trim', 'border']];
  }
  const entries: OptionEntry[] = [['trim', [top, right, bottom, left].map((side) => scalar('trim', side)).join(';')]];
  if (width !== undefined) entries.push(['trim.width', scalar('trim.width', width)]);
  if (height !== undefined) entries.push(['trim.height', scalar('trim.height', height)]);
  return entries;
}

function drawOptions(options: Json): DrawOptions {
  const { opacity = 1, repeat = false, composite = 'over', top, left, bottom, right, ...rest } = options;
  if (Object.keys(rest).length) throw bindingErrors.invalid(`unknown draw option ${JSON.stringify(Object.keys(rest)[0]!.slice(0, 40))}`);
  if (typeof opacity !== 'number' || !(opacity >= 0 && opacity <= 1)) throw bindingErrors.invalid('draw opacity must be a number from 0 to 1');
  if (repeat !== true && repeat !== false && repeat !== 'x' && repeat !== 'y') throw bindingErrors.invalid('draw repeat must be true, false, "x" or "y"');
  if (!(composites as readonly unknown[]).includes(composite)) throw bindingErrors.invalid(`draw composite must be one of ${composites.join(', ')}`);
  const position = { top, left, bottom, right };
  for (const [side, value] of Object.entries(position)) {
    if (value !== undefined && !(Number.isInteger(value) && Math.abs(value as number) <= limits.binding.maxDrawOffsetPx)) {
      throw bindingErrors.invalid(`draw ${side} must be an integer number of pixels within ±${limits.binding.maxDrawOffsetPx}`);
    }
  }
  if (top !== undefined && bottom !== undefined) throw bindingErrors.invalid('draw takes top or bottom, not both');
  if (left !== undefined && right !== undefined) throw bindingErrors.invalid('draw takes left or right, not both');
  const drawn: { -readonly [K in keyof DrawOptions]: DrawOptions[K] } = { opacity, repeat, composite: composite as Composite };
  for (const [side, value] of Object.entries(position)) if (value !== undefined) drawn[side as 'top'] = value as number;
  return drawn;
}
