/**
 * The flexible-variant options: one entry per Cloudflare parameter name, each with its aliases and
 * a parse function. The table is complete over `optionNames` (checked by `satisfies`): every
 * documented parameter is either parsed or refused with a reason, never dropped.
 * docs/transform-options.md is the user-facing copy of this table; keep them in step.
 */
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import { choice, color, decimal, integer, refuse, type NumberRange } from './option-values.js';
import {
  fits,
  flips,
  formatOptions,
  metadataModes,
  qualityLevelNames,
  sides,
  specDefaults,
  type Gravity,
  type Quality,
  type Rgba,
  type SpecDraft,
  type TrimLength,
} from '../render/spec.js';

const optionNames = [
  'width', 'height', 'fit', 'gravity', 'zoom', 'dpr', 'quality', 'slow-connection-quality', 'format',
  'compression', 'anim', 'metadata', 'background', 'blur', 'sharpen', 'brightness', 'contrast', 'gamma',
  'saturation', 'rotate', 'flip', 'trim', 'trim.top', 'trim.left', 'trim.width', 'trim.height',
  'trim.border.color', 'trim.border.tolerance', 'trim.border.keep', 'upscale', 'segment', 'onerror', 'border',
] as const;
export type OptionName = (typeof optionNames)[number];

type TrimSideField = 'top' | 'right' | 'bottom' | 'left' | 'width' | 'height';

/**
 * Where options come from: hosted images' variants, or /cdn-cgi/image/ transformations of remote
 * sources (which alone accept `onerror`, as Cloudflare documents).
 */
export type OptionSurface = 'variant' | 'transform';

/** What the options of one string have written so far; trim parts are merged when all are read. */
export interface ParseState {
  readonly spec: SpecDraft;
  readonly surface: OptionSurface;
  /** `onerror=redirect`: a delivery behaviour, not part of the spec the renderer runs. */
  onError?: 'redirect';
  trimSides?: Partial<Record<TrimSideField, TrimLength>>;
  trimBorder?: { color?: Rgba; tolerance?: number; keep?: number };
}

export interface OptionDefinition {
  readonly aliases: readonly string[];
  /** Reads one percent-decoded value into the state; throws an ImagesError naming the option. */
  readonly parse: (value: string, state: ParseState) => void;
}

const render = limits.render;

const pixelRange: NumberRange = {
  min: 1,
  max: limits.maxSidePx,
  expected: `a whole number of pixels from 1 (values above ${limits.maxSidePx} are clamped)`,
};
const unitRange = (name: string): NumberRange => ({
  min: 0,
  max: 1,
  expected: `${name} from 0.0 to 1.0 (larger values are clamped)`,
});
const multiplierRange: NumberRange = {
  min: 0,
  max: render.maxMultiplier,
  expected: `a multiplier from 0 (ignored) upwards; 1 means no change, values above ${render.maxMultiplier} are clamped`,
};

/** Multipliers where 0 means "ignored" (Cloudflare) and 1 means "no change": neither is stored. */
function multiplier(name: 'brightness' | 'contrast'): OptionDefinition {
  return {
    aliases: [],
    parse: (value, { spec }) => {
      const n = decimal(name, value, multiplierRange);
      spec[name] = n === 0 || n === 1 ? undefined : n;
    },
  };
}

function quality(name: string, value: string): Quality {
  if ((qualityLevelNames as readonly string[]).includes(value)) return value as Quality;
  return integer(name, value, {
    min: 1,
    max: 100,
    expected: `a whole number from 1 to 100 (larger values are clamped) or one of ${qualityLevelNames.join(', ')}`,
  });
}

function gravity(value: string): Gravity | undefined {
  if (value === 'auto' || value === 'face') return value;
  if ((sides as readonly string[]).includes(value)) return value as Gravity;
  const point = /^([^x]+)x([^x]+)$/.exec(value);
  if (!point) refuse('gravity', value, `auto, face, ${sides.join(', ')} or XxY coordinates such as 0.5x0.33`);
  const x = decimal('gravity', point[1]!, unitRange('XxY with each coordinate'));
  const y = decimal('gravity', point[2]!, unitRange('XxY with each coordinate'));
  const centre = specDefaults.gravity;
  return x === centre.x && y === centre.y ? undefined : { x, y };
}

/** Whole pixels, or a fraction of the side when strictly between 0 and 1. */
function trimLength(name: string, value: string): TrimLength {
  const expected = 'whole pixels, or a fraction of the side between 0 and 1';
  const n = decimal(name, value, { min: 0, max: limits.maxSidePx, expected });
  if (n >= 1 && !Number.isInteger(n)) refuse(name, value, expected);
  return n;
}

function setTrimSide(state: ParseState, field: TrimSideField, length: TrimLength, option: string): void {
  if (state.trimBorder) throw errors.invalidOption('trim=border cannot be combined with trimming sides by pixels');
  const trimSides = (state.trimSides ??= {});
  if (trimSides[field] !== undefined) throw errors.invalidOption(`the ${field} trim is given twice (${option})`);
  trimSides[field] = length;
}

function trimSide(field: TrimSideField): OptionDefinition {
  const name = `trim.${field}`;
  return { aliases: [], parse: (value, state) => setTrimSide(state, field, trimLength(name, value), name) };
}

function trimBorder(state: ParseState): NonNullable<ParseState['trimBorder']> {
  if (state.trimSides) throw errors.invalidOption('trim=border cannot be combined with trimming sides by pixels');
  return (state.trimBorder ??= {});
}

function unsupported(reason: string): OptionDefinition {
  return {
    aliases: [],
    parse: () => {
      throw errors.unsupportedOption(reason);
    },
  };
}

export const optionTable = {
  width: {
    aliases: ['w'],
    parse: (value, { spec }) => {
      spec.width = value === 'auto' ? 'auto' : integer('width', value, { ...pixelRange, expected: `${pixelRange.expected}, or auto` });
    },
  },
  height: { aliases: ['h'], parse: (value, { spec }) => void (spec.height = integer('height', value, pixelRange)) },
  fit: {
    aliases: [],
    parse: (value, { spec }) => {
      const fit = choice('fit', value, fits);
      spec.fit = fit === specDefaults.fit ? undefined : fit;
    },
  },
  gravity: { aliases: ['g'], parse: (value, { spec }) => void (spec.gravity = gravity(value)) },
  zoom: {
    aliases: ['face-zoom'],
    parse: (value, { spec }) => {
      const zoom = decimal('zoom', value, unitRange('a number'));
      spec.zoom = zoom === 0 ? undefined : zoom;
    },
  },
  dpr: {
    aliases: [],
    parse: (value, { spec }) => {
      const dpr = decimal('dpr', value, {
        min: 0,
        minExclusive: true,
        max: render.maxDpr,
        expected: `a number greater than 0 and at most ${render.maxDpr} (larger values are clamped)`,
      });
      spec.dpr = dpr === specDefaults.dpr ? undefined : dpr;
    },
  },
  quality: { aliases: ['q'], parse: (value, { spec }) => void (spec.quality = quality('quality', value)) },
  'slow-connection-quality': {
    aliases: ['scq'],
    parse: (value, { spec }) => void (spec.slowConnectionQuality = quality('slow-connection-quality', value)),
  },
  format: {
    aliases: ['f'],
    parse: (value, { spec, surface }) => {
      const format = choice('format', value, formatOptions);
      // A transformation negotiates only when asked to, so there `format=auto` is not the default.
      spec.format = format === specDefaults.format && surface === 'variant' ? undefined : format;
    },
  },
  compression: { aliases: [], parse: (value, { spec }) => void (spec.compression = choice('compression', value, ['fast'] as const)) },
  anim: {
    aliases: [],
    parse: (value, { spec }) => void (spec.anim = choice('anim', value, ['true', 'false']) === 'false' ? false : undefined),
  },
  metadata: {
    aliases: [],
    parse: (value, { spec }) => {
      const mode = choice('metadata', value, metadataModes);
      spec.metadata = mode === specDefaults.metadata ? undefined : mode;
    },
  },
  background: { aliases: [], parse: (value, { spec }) => void (spec.background = color('background', value)) },
  blur: {
    aliases: [],
    parse: (value, { spec }) => {
      const blur = decimal('blur', value, {
        min: 0,
        max: render.maxBlur,
        expected: `a radius from 0 to ${render.maxBlur} (larger values are clamped)`,
      });
      spec.blur = blur === 0 ? undefined : blur;
    },
  },
  sharpen: {
    aliases: [],
    parse: (value, { spec }) => {
      const sharpen = decimal('sharpen', value, {
        min: 0,
        max: render.maxSharpen,
        expected: `a strength from 0 to ${render.maxSharpen} (larger values are clamped)`,
      });
      spec.sharpen = sharpen === 0 ? undefined : sharpen;
    },
  },
  brightness: multiplier('brightness'),
  contrast: multiplier('contrast'),
  gamma: {
    aliases: [],
    parse: (value, { spec }) => {
      const { min, max } = render.gammaRange;
      const n = decimal('gamma', value, {
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        expected: `an exponent from 0 (ignored) upwards; 1 means no change, values outside ${min.toFixed(3)}..${max} are clamped`,
      });
      // Rounded again so the clamped 1/3 is a 3-place decimal like every other stored number.
      const clamped = Math.round(Math.min(max, Math.max(min, n)) * 1000) / 1000;
      spec.gamma = n === 0 || n === 1 ? undefined : clamped;
    },
  },
  saturation: {
    aliases: [],
    parse: (value, { spec }) => {
      const saturation = decimal('saturation', value, {
        ...multiplierRange,
        expected: `a multiplier from 0 (greyscale) upwards; 1 means no change, values above ${render.maxMultiplier} are clamped`,
      });
      spec.saturation = saturation === 1 ? undefined : saturation;
    },
  },
  rotate: {
    aliases: [],
    parse: (value, { spec }) => {
      const degrees = choice('rotate', value, ['0', '90', '180', '270']);
      spec.rotate = degrees === '0' ? undefined : (Number(degrees) as 90 | 180 | 270);
    },
  },
  flip: { aliases: [], parse: (value, { spec }) => void (spec.flip = choice('flip', value, flips)) },
  trim: {
    aliases: [],
    parse: (value, state) => {
      if (value === 'border') {
        trimBorder(state);
        return;
      }
      const parts = value.split(';');
      if (parts.length !== 4) refuse('trim', value, 'border, or four lengths top;right;bottom;left');
      (['top', 'right', 'bottom', 'left'] as const).forEach((field, i) =>
        setTrimSide(state, field, trimLength('trim', parts[i]!), 'trim'),
      );
    },
  },
  'trim.top': trimSide('top'),
  'trim.left': trimSide('left'),
  'trim.width': trimSide('width'),
  'trim.height': trimSide('height'),
  'trim.border.color': {
    aliases: [],
    parse: (value, state) => void (trimBorder(state).color = color('trim.border.color', value)),
  },
  'trim.border.tolerance': {
    aliases: [],
    parse: (value, state) =>
      void (trimBorder(state).tolerance = integer('trim.border.tolerance', value, {
        min: 0,
        max: 255,
        expected: 'a whole number from 0 to 255 (larger values are clamped)',
      })),
  },
  'trim.border.keep': {
    aliases: [],
    parse: (value, state) =>
      void (trimBorder(state).keep = integer('trim.border.keep', value, {
        min: 0,
        max: limits.maxSidePx,
        expected: `a whole number of pixels (values above ${limits.maxSidePx} are clamped)`,
      })),
  },
  upscale: {
    aliases: [],
    parse: (value) => {
      if (choice('upscale', value, ['interpolate', 'generate']) === 'generate') {
        throw errors.unsupportedOption('upscale=generate (AI upscaling) is not available; upscale=interpolate is the default');
      }
    },
  },
  segment: { aliases: [], parse: (value, { spec }) => void (spec.segment = choice('segment', value, ['foreground'] as const)) },
  onerror: {
    aliases: [],
    parse: (value, state) => {
      if (state.surface !== 'transform') throw errors.unsupportedOption('onerror is not supported for hosted images');
      state.onError = choice('onerror', value, ['redirect'] as const);
    },
  },
  border: unsupported('border is only available through Cloudflare Workers, not in URLs'),
} satisfies Record<OptionName, OptionDefinition>;

/** Every name and alias → its option. */
export const optionByName: ReadonlyMap<string, OptionName> = new Map(
  optionNames.flatMap((name) => [name, ...optionTable[name].aliases].map((key) => [key, name] as const)),
);
