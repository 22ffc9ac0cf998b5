/**
 * The one parser from option text to TransformSpec: flexible-variant URL segments
 * (`w=400,fit=cover,g=0.3x0.6`), `/cdn-cgi/image/` options and named-variant options all go
 * through `readEntries`.
 */
import type { VariantOptions } from './model.js';
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import { optionByName, optionTable, type OptionName, type OptionSurface, type ParseState } from './option-table.js';
import { show } from './option-values.js';
import { freezeSpec, type TransformSpec, type Trim } from '../render/spec.js';

export { canonicalString } from './canonical-string.js';

/**
 * Parses a flexible-variant segment. Accepts it raw (percent-encoded, as in the URL) or already
 * decoded: options are split on commas outside parentheses, so `rgb(1,2,3)` survives either way,
 * and each key and value is percent-decoded once.
 */
export function parseOptionString(text: string): TransformSpec {
  return parseOptions(text, 'variant').spec;
}

/** The options of a URL segment and what they ask of delivery beyond the spec. */
export interface ParsedOptionString {
  spec: TransformSpec;
  onError?: 'redirect';
}

/** parseOptionString for either surface; `/cdn-cgi/image/` uses 'transform'. */
export function parseOptions(text: string, surface: OptionSurface): ParsedOptionString {
  const { maxOptionStringLength, maxOptions } = limits.render;
  if (text.length > maxOptionStringLength) {
    throw errors.invalidOption(`the option string is longer than ${maxOptionStringLength} characters`);
  }
  if (text === '') throw errors.invalidOption('specify a variant name or at least one option');
  const parts = splitOptions(text);
  if (parts.length > maxOptions) throw errors.invalidOption(`more than ${maxOptions} options`);
  const state = readEntries(
    parts.map((part) => {
      const equals = part.indexOf('=');
      if (equals <= 0) throw errors.invalidOption(`${show(part)} is not a name=value option`);
      return [decode(part.slice(0, equals)), decode(part.slice(equals + 1))];
    }),
    surface,
  );
  return state.onError ? { spec: finish(state), onError: state.onError } : { spec: finish(state) };
}

/**
 * A named variant's stored options as a spec. `browser_ttl` is a delivery header, not a transform.
 * The variants API should call this when a variant is created or edited, so a bad option is
 * refused then rather than on every delivery.
 */
export function specFromNamedVariant(options: VariantOptions): TransformSpec {
  return finish(readEntries(
    Object.entries(options)
      .filter(([key, value]) => key !== 'browser_ttl' && value !== undefined && value !== null)
      .map(([key, value]) => {
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
          throw errors.invalidOption(`variant option "${key}" must be a string, number or boolean`);
        }
        return [key, String(value)];
      }),
    'variant',
  ));
}

/**
 * Options already split into name and value (the Images binding's transform objects): the same
 * table, ranges and refusals as an option string.
 */
export function specFromOptionEntries(entries: ReadonlyArray<readonly [string, string]>): TransformSpec {
  if (entries.length > limits.render.maxOptions) throw errors.invalidOption(`more than ${limits.render.maxOptions} options`);
  return finish(readEntries(entries, 'variant'));
}

/** Applies name=value pairs in order; unknown names and repeated options are refused. */
function readEntries(entries: ReadonlyArray<readonly [string, string]>, surface: OptionSurface): ParseState {
  const state: ParseState = { spec: {}, surface };
  const seen = new Map<OptionName, string>();
  for (const [key, value] of entries) {
    const name = optionByName.get(key);
    if (name === undefined) throw errors.invalidOption(`unknown option ${show(key)}`);
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw errors.invalidOption(`option "${name}" is given more than once (as "${previous}" and "${key}")`);
    }
    seen.set(name, key);
    if (value === '') throw errors.invalidOption(`option "${name}" has an empty value`);
    optionTable[name].parse(value, state);
  }
  return state;
}

function finish(state: ParseState): TransformSpec {
  const trim = finishTrim(state);
  return freezeSpec(trim ? { ...state.spec, trim } : state.spec);
}

function finishTrim({ trimSides, trimBorder }: ParseState): Trim | undefined {
  if (trimBorder) return { kind: 'border', ...trimBorder };
  if (!trimSides) return undefined;
  const { top = 0, right = 0, bottom = 0, left = 0, width, height } = trimSides;
  if (top === 0 && right === 0 && bottom === 0 && left === 0 && width === undefined && height === undefined) {
    return undefined;
  }
  return {
    kind: 'sides',
    top,
    right,
    bottom,
    left,
    ...(width === undefined ? {} : { width }),
    ...(height === undefined ? {} : { height }),
  };
}

/** Splits on commas that are not inside parentheses (CSS color functions contain commas). */
function splitOptions(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Percent-decodes once; option text is printable ASCII, so anything else is refused here. */
function decode(raw: string): string {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw errors.invalidOption(`${show(raw)} has a malformed percent-encoding`);
  }
  if (!/^[\x20-\x7e]*$/.test(text)) throw errors.invalidOption(`${show(text)} contains characters other than printable ASCII`);
  return text;
}
