/**
 * sanitizeSvg: SVGs are served, never rasterised or resized (as Cloudflare does), so they are
 * rewritten to an allow-listed subset first: no scripts or event handlers, no foreignObject, no
 * links, no references outside the document (only `#fragment`s and embedded raster images), no
 * CSS imports or external url()s, no DOCTYPE, entities or processing instructions.
 * The output is rebuilt from tokens, never copied through, so only what was checked is written.
 */
import { errors } from '../errors.js';
import { limits } from '../limits.js';
import {
  allowedAttributePattern,
  allowedAttributes,
  allowedElements,
  animationElements,
  embedsImages,
  unwrappedElements,
} from './svg-allow-list.js';
import { SvgSyntaxError, tokenizeSvg, type SvgToken } from './svg-tokens.js';

type Mode = 'kept' | 'unwrapped' | 'dropped';

interface OpenElement {
  readonly name: string;
  readonly mode: Mode;
}

const ROOT_NAMESPACES = ' xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';

export function sanitizeSvg(bytes: Buffer): Buffer {
  try {
    return Buffer.from(rewrite(decodeUtf8(bytes)), 'utf8');
  } catch (error) {
    if (error instanceof SvgSyntaxError) {
      throw Object.assign(errors.unsupportedSource(`the SVG could not be sanitised (${error.message})`), { cause: error });
    }
    throw error;
  }
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new SvgSyntaxError('it is not UTF-8 text');
  }
}

function rewrite(source: string): string {
  const out: string[] = [];
  const open: OpenElement[] = [];
  let dropped = 0;
  let rootDone = false;
  for (const token of tokenizeSvg(source)) {
    if (token.kind === 'text') {
      if (open.length === 0 && token.text.trim() !== '') throw new SvgSyntaxError('text outside the root element');
      if (dropped === 0 && open.length > 0) out.push(cleanText(token.text, open));
      continue;
    }
    if (token.kind === 'end') {
      const element = open.pop();
      if (!element || element.name !== token.name) throw new SvgSyntaxError(`unexpected </${token.name}>`);
      if (element.mode === 'dropped') dropped--;
      if (element.mode === 'kept' && dropped === 0) out.push(`</${localName(element.name)}>`);
      if (open.length === 0) rootDone = true;
      continue;
    }
    if (rootDone) throw new SvgSyntaxError('content after the root element');
    if (open.length === 0 && localName(token.name) !== 'svg') throw new SvgSyntaxError('the root element is not <svg>');
    if (open.length >= limits.render.maxSvgDepth) throw new SvgSyntaxError('elements are nested too deeply');
    const mode: Mode = dropped > 0 ? 'dropped' : modeOf(token);
    if (mode === 'kept') out.push(startTag(token, open.length === 0));
    if (token.selfClosing) {
      if (open.length === 0) rootDone = true;
      continue;
    }
    if (mode === 'dropped') dropped++;
    open.push({ name: token.name, mode });
  }
  if (!rootDone) throw new SvgSyntaxError(open.length > 0 ? `<${open.at(-1)!.name}> is not closed` : 'there is no <svg> element');
  return out.join('');
}

function localName(name: string): string {
  return name.startsWith('svg:') ? name.slice(4) : name;
}

function modeOf(token: Extract<SvgToken, { kind: 'start' }>): Mode {
  const name = localName(token.name);
  if (unwrappedElements.has(name)) return 'unwrapped';
  if (!allowedElements.has(name)) return 'dropped';
  // <set attributeName="href" to="javascript:..."> would turn into a link or script at run time.
  if (animationElements.has(name)) {
    const target = token.attributes.find(([attribute]) => attribute === 'attributeName')?.[1].trim() ?? '';
    if (/^(?:xlink:)?href$|^on/i.test(target)) return 'dropped';
  }
  return 'kept';
}

function startTag(token: Extract<SvgToken, { kind: 'start' }>, isRoot: boolean): string {
  const name = localName(token.name);
  const attributes = cleanAttributes(name, token.attributes)
    .map(([attribute, value]) => ` ${attribute}="${escapeAttribute(value)}"`)
    .join('');
  return `<${name}${isRoot ? ROOT_NAMESPACES : ''}${attributes}${token.selfClosing ? '/>' : '>'}`;
}

function cleanAttributes(element: string, attributes: Array<[string, string]>): Array<[string, string]> {
  const kept = new Map<string, string>();
  for (const [name, raw] of attributes) {
    if (kept.has(name) || !(allowedAttributes.has(name) || allowedAttributePattern.test(name))) continue;
    const value = decodeEntities(raw);
    if (value === undefined || !safeValue(value)) continue;
    if ((name === 'href' || name === 'xlink:href') && !safeReference(element, value)) continue;
    kept.set(name, value);
  }
  return [...kept];
}

/**
 * No script URLs anywhere, no CSS escapes (they can spell url( or @import), and url() only to
 * fragments of this document.
 */
function safeValue(value: string): boolean {
  const squeezed = value.replace(/[\s\x00-\x1f]+/g, '').toLowerCase();
  if (squeezed.includes('javascript:') || squeezed.includes('vbscript:')) return false;
  if (value.includes('\\') || /expression\(|-moz-binding|behavior:|@import/.test(squeezed)) return false;
  return urlsAreLocal(value);
}

function urlsAreLocal(text: string): boolean {
  const starts = /url\s*\(\s*["']?/gi;
  let match: RegExpExecArray | null;
  while ((match = starts.exec(text)) !== null) {
    if (text[match.index + match[0].length] !== '#') return false;
  }
  return true;
}

const EMBEDDED_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/=\s]*$/i;

/** href: a fragment of this document, or (on image/feImage) an embedded raster image. */
function safeReference(element: string, value: string): boolean {
  const target = value.trim();
  return /^#[^\s]*$/.test(target) || (embedsImages.has(element) && EMBEDDED_IMAGE.test(target));
}

function cleanText(text: string, open: OpenElement[]): string {
  const decoded = decodeEntities(text, 'drop') ?? '';
  const parent = open.findLast((element) => element.mode === 'kept');
  return escapeText(parent && localName(parent.name) === 'style' ? cleanCss(decoded) : decoded);
}

/** A <style> sheet: imports removed, external url()s replaced by `none`; unclear sheets emptied. */
function cleanCss(css: string): string {
  if (css.includes('\\') || /expression\s*\(|-moz-binding|behavior\s*:|javascript:|vbscript:/i.test(css)) return '';
  const cleaned = css
    .replace(/@import[^;]*;?/gi, '')
    .replace(/url\s*\(\s*("[^"]*"|'[^']*'|[^)]*?)\s*\)/gi, (whole, target: string) =>
      target.replace(/^["']|["']$/g, '').startsWith('#') ? whole : 'none',
    );
  return /@import/i.test(cleaned) || !urlsAreLocal(cleaned) ? '' : cleaned;
}

const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/**
 * Resolves the five predefined entities and character references. Other named entities could
 * only come from a DOCTYPE, which is never read: in an attribute they make it undefined (the
 * attribute is dropped), in text they are dropped.
 */
function decodeEntities(text: string, unknown: 'drop' | 'reject' = 'reject'): string | undefined {
  let rejected = false;
  const decoded = text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9._-]*);/g, (_whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return isXmlChar(code) ? String.fromCodePoint(code) : '';
    }
    const known = PREDEFINED.get(ref);
    if (known !== undefined) return known;
    rejected = unknown === 'reject';
    return '';
  });
  return rejected ? undefined : decoded;
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}
