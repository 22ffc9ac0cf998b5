/**
 * Value grammar shared by every option: numbers, enums, colors. One rule everywhere:
 * malformed or impossible values are refused with an error that names the option and its range;
 * values above a documented maximum are clamped to it (so they share the maximum's cache key).
 */
import { errors } from '../errors.js';
import { formatCssColor, parseCssColor } from './css-color.js';
import type { Rgba } from '../render/spec.js';

/** Plain decimal notation only: no sign, exponent, hex, NaN or Infinity. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^\d+$/;
/** Long digit strings are refused before Number() so no value reaches the pipeline unchecked. */
const MAX_NUMBER_LENGTH = 16;

/** A bad value as it appears in a public error message: short, quoted, control characters escaped. */
export function show(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

export function refuse(name: string, value: string, expected: string): never {
  throw errors.invalidOption(`${name}=${show(value)} is not valid: expected ${expected}`);
}

export interface NumberRange {
  min: number;
  max: number;
  /** true when `min` itself is not allowed (a value must be greater than it). */
  minExclusive?: boolean;
  /** Words for the error message, e.g. "a number from 0 to 250". */
  expected: string;
}

/** Decimal within range; rounded to 3 places so its canonical text is short and exact. */
export function decimal(name: string, value: string, range: NumberRange): number {
  if (value.length > MAX_NUMBER_LENGTH || !DECIMAL.test(value)) refuse(name, value, range.expected);
  return clampAbove(name, value, Math.round(Number(value) * 1000) / 1000, range);
}

export function integer(name: string, value: string, range: NumberRange): number {
  if (value.length > MAX_NUMBER_LENGTH || !INTEGER.test(value)) refuse(name, value, range.expected);
  return clampAbove(name, value, Number(value), range);
}

function clampAbove(name: string, value: string, n: number, range: NumberRange): number {
  const tooSmall = range.minExclusive ? n <= range.min : n < range.min;
  if (tooSmall) refuse(name, value, range.expected);
  return Math.min(n, range.max);
}

export function choice<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) refuse(name, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

export function color(name: string, value: string): Rgba {
  return parseCssColor(value) ?? refuse(name, value, 'a CSS color such as #RRGGBB, red or rgb(255,0,0)');
}

/** `#` is written as `%23` so the canonical string is also a valid URL segment. */
export function formatColor(rgba: Rgba): string {
  return formatCssColor(rgba).replace('#', '%23');
}
