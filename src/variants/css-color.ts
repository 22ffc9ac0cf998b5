/**
 * CSS color text → Rgba, for `background` and `trim.border.color`. Accepts what Cloudflare
 * documents (`#RRGGBB`, names, `rgb()`/`rgba()` in legacy comma and modern space syntax) plus the
 * rest of CSS's sRGB forms (`#RGB`, `#RGBA`, `#RRGGBBAA`, `hsl()`, `transparent`).
 * Returns undefined for anything else; the caller words the error.
 */
import { cssColorNames } from './css-color-names.js';
import type { Rgba } from '../render/spec.js';

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)`;
const numberPattern = new RegExp(`^${NUMBER}$`);
const percentPattern = new RegExp(`^(${NUMBER})%$`);
const functionPattern = /^(rgba?|hsla?)\(([^()]*)\)$/;

export function parseCssColor(text: string): Rgba | undefined {
  const value = text.trim().toLowerCase();
  if (value.startsWith('#')) return parseHex(value.slice(1));
  if (value === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  if (Object.hasOwn(cssColorNames, value)) return parseHex(cssColorNames[value]!);
  const call = functionPattern.exec(value);
  if (!call) return undefined;
  const args = splitArguments(call[2]!);
  if (!args) return undefined;
  return call[1]!.startsWith('rgb') ? fromRgb(args) : fromHsl(args);
}

function parseHex(hex: string): Rgba | undefined {
  if (!/^[0-9a-f]+$/.test(hex)) return undefined;
  if (hex.length === 3 || hex.length === 4) hex = [...hex].map((digit) => digit + digit).join('');
  if (hex.length !== 6 && hex.length !== 8) return undefined;
  const byte = (i: number) => Number.parseInt(hex.slice(i, i + 2), 16);
  return { r: byte(0), g: byte(2), b: byte(4), a: hex.length === 8 ? byte(6) : 255 };
}

/** `1, 2, 3[, a]` or `1 2 3[ / a]`; returns three channels and an optional alpha. */
function splitArguments(inner: string): { channels: string[]; alpha: string | undefined } | undefined {
  const parts = inner.includes(',')
    ? inner.split(',').map((part) => part.trim())
    : inner.trim().split(/\s*\/\s*|\s+/);
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  return { channels: parts.slice(0, 3), alpha: parts[3] };
}

function fromRgb({ channels, alpha }: { channels: string[]; alpha: string | undefined }): Rgba | undefined {
  const [r, g, b] = channels.map((channel) => fraction(channel, 255));
  const a = alphaByte(alpha);
  if (r === undefined || g === undefined || b === undefined || a === undefined) return undefined;
  return { r: toByte(r), g: toByte(g), b: toByte(b), a };
}

function fromHsl({ channels, alpha }: { channels: string[]; alpha: string | undefined }): Rgba | undefined {
  const hueText = channels[0]!.replace(/deg$/, '');
  const hue = numberPattern.test(hueText) ? Number(hueText) : undefined;
  const saturation = percentage(channels[1]!);
  const lightness = percentage(channels[2]!);
  const a = alphaByte(alpha);
  if (hue === undefined || saturation === undefined || lightness === undefined || a === undefined) return undefined;
  const h = (((hue % 360) + 360) % 360) / 30;
  const chroma = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + h) % 12;
    return lightness - chroma * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return { r: toByte(channel(0)), g: toByte(channel(8)), b: toByte(channel(4)), a };
}

/** A channel as 0..1: a number on the 0..`scale` range or a percentage; clamped as CSS does. */
function fraction(text: string, scale: number): number | undefined {
  const percent = percentage(text);
  if (percent !== undefined) return percent;
  return numberPattern.test(text) ? clamp01(Number(text) / scale) : undefined;
}

function percentage(text: string): number | undefined {
  const match = percentPattern.exec(text);
  return match ? clamp01(Number(match[1]) / 100) : undefined;
}

/** Alpha as 0..1 or a percentage; Cloudflare's docs also show 0..100 without `%`. */
function alphaByte(text: string | undefined): number | undefined {
  if (text === undefined) return 255;
  const percent = percentage(text);
  if (percent !== undefined) return toByte(percent);
  if (!numberPattern.test(text)) return undefined;
  const value = Number(text);
  return toByte(value > 1 ? clamp01(value / 100) : clamp01(value));
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const toByte = (value: number) => Math.round(clamp01(value) * 255);

/** The canonical text of a color: `#rrggbb`, or `#rrggbbaa` when not opaque. */
export function formatCssColor({ r, g, b, a }: Rgba): string {
  const hex = (byte: number) => byte.toString(16).padStart(2, '0');
  return `#${hex(r)}${hex(g)}${hex(b)}${a === 255 ? '' : hex(a)}`;
}
