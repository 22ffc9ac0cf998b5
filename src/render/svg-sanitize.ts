/**
 * sanitizeSvg: SVGs are served, never rasterized or resized (as Cloudflare does), so they are
 * rewritten to an allow-listed subset first: no scripts or event handlers, no foreignObject, no
 * links, no references outside the document (only `#fragment`s and embedded raster images), no
 * CSS imports or external url()s, no DOCTYPE, entities or processing instructions.
 *
 * The XML is read by saxes, a strict, spec-conformant streaming parser (it is jsdom's), instead of
 * a hand-written tokenizer: every decision below sees the value a browser would see, with
 * character references decoded and CDATA and comment boundaries already gone. saxes never
 * expands entities declared in a DOCTYPE (no XXE, no "billion laughs"); an undefined entity stays
 * literal text. The output is rebuilt from what was checked, never copied through.
 *
 * The work is bounded by limits.render.svg (elements, depth, path data, attribute and CSS bytes) so
 * that a file within the upload size cannot cost unbounded time or memory; callers run this on a
 * worker thread (svg-sanitizer.ts), never on the main thread.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { limits } from '../limits.js';
import {
  allowedAttributePattern,
  allowedAttributes,
  allowedElements,
  animatableAttributes,
  animationElements,
  embedsImages,
  isEmbeddedImage,
  unwrappedElements,
} from './svg-allow-list.js';
import { cleanStyleAttribute, cleanStyleSheet, isSafeAttributeValue } from './svg-css.js';

/** Why an SVG was refused; `tooComplex` when a limit, not the syntax, refused it. */
export class SvgRefusal extends Error {
  constructor(
    message: string,
    readonly tooComplex = false,
  ) {
    super(message);
  }
}

type Mode = 'kept' | 'unwrapped' | 'dropped';

interface OpenElement {
  readonly name: string;
  readonly mode: Mode;
}

const ROOT_NAMESPACES = ' xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';
const PATH_DATA = new Set(['d', 'points', 'path', 'values', 'keyPoints', 'keyTimes', 'keySplines']);

export interface SanitizedSvg {
  readonly body: Buffer;
  /**
   * The sanitized root element alone (`<svg width=… viewBox=…/>`): all librsvg needs to tell the
   * document's size, at no cost, where parsing the whole body can take it seconds.
   */
  readonly outline: Buffer;
}

export function sanitizeSvg(bytes: Uint8Array): SanitizedSvg {
  const rewriter = new SvgRewriter();
  const body = Buffer.from(rewriter.rewrite(decodeUtf8(bytes)), 'utf8');
  return { body, outline: Buffer.from(rewriter.outline(), 'utf8') };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new SvgRefusal('it is not UTF-8 text');
  }
}

class SvgRewriter {
  private readonly out: string[] = [];
  private readonly open: OpenElement[] = [];
  private dropped = 0;
  private elements = 0;
  private pathBytes = 0;
  private attributeBytes = 0;
  private styleBytes = 0;
  private sawRoot = false;
  /** Text of the <style> element being read: checked as a whole when it closes. */
  private styleText: string[] | undefined;

  rewrite(source: string): string {
    const parser = new SaxesParser({ xmlns: false });
    parser.on('error', (error) => {
      // Declared entities are never expanded: the reference stays as literal text.
      if (!error.message.includes('undefined entity')) throw new SvgRefusal(error.message.replace(/^\d+:\d+: /, ''));
    });
    parser.on('opentag', (tag) => this.start(tag));
    parser.on('closetag', (tag) => this.end(tag));
    parser.on('text', (text) => this.text(text));
    parser.on('cdata', (text) => this.text(text));
    parser.write(source).close();
    if (!this.sawRoot) throw new SvgRefusal('there is no <svg> element');
    return this.out.join('');
  }

  outline(): string {
    return this.out[0]!.replace(/\/?>$/, '/>');
  }

  private start(tag: SaxesTagPlain): void {
    const { open } = this;
    if (open.length === 0 && localName(tag.name) !== 'svg') throw new SvgRefusal('the root element is not <svg>');
    this.sawRoot = true;
    if (++this.elements > limits.render.svg.maxElements) {
      throw new SvgRefusal(`it has more than ${limits.render.svg.maxElements} elements`, true);
    }
    if (open.length >= limits.render.svg.maxDepth) throw new SvgRefusal(`elements are nested more than ${limits.render.svg.maxDepth} deep`, true);
    this.count(tag.attributes);
    // A style sheet is the text of <style>; elements inside it would split that text, so they go.
    const inStyle = this.styleText !== undefined;
    const mode: Mode = this.dropped > 0 || inStyle ? 'dropped' : modeOf(tag);
    if (mode === 'kept') {
      this.out.push(startTag(tag, open.length === 0));
      if (localName(tag.name) === 'style' && !tag.isSelfClosing) this.styleText = [];
    }
    if (mode === 'dropped') this.dropped++;
    open.push({ name: tag.name, mode });
  }

  private end(tag: SaxesTagPlain): void {
    const element = this.open.pop()!;
    if (element.mode === 'dropped') this.dropped--;
    if (element.mode !== 'kept' || this.dropped > 0 || tag.isSelfClosing) return;
    if (this.styleText !== undefined && localName(element.name) === 'style') {
      this.out.push(escapeText(cleanStyleSheet(this.styleText.join(''))));
      this.styleText = undefined;
    }
    this.out.push(`</${localName(element.name)}>`);
  }

  private text(text: string): void {
    if (this.open.length === 0 || this.dropped > 0) return;
    if (this.styleText !== undefined) {
      this.styleBytes += text.length;
      if (this.styleBytes > limits.render.svg.maxStyleBytes) throw new SvgRefusal(`its CSS is longer than ${limits.render.svg.maxStyleBytes} bytes`, true);
      if (this.open.at(-1)!.mode === 'kept') this.styleText.push(text);
      return;
    }
    this.out.push(escapeText(text));
  }

  private count(attributes: Record<string, string>): void {
    const { svg } = limits.render;
    for (const [name, value] of Object.entries(attributes)) {
      this.attributeBytes += name.length + value.length;
      if (PATH_DATA.has(name)) this.pathBytes += value.length;
    }
    if (this.attributeBytes > svg.maxAttributeBytes) throw new SvgRefusal(`its attributes hold more than ${svg.maxAttributeBytes} bytes`, true);
    if (this.pathBytes > svg.maxPathDataBytes) throw new SvgRefusal(`its path data is longer than ${svg.maxPathDataBytes} bytes`, true);
  }
}

function localName(name: string): string {
  return name.startsWith('svg:') ? name.slice(4) : name;
}

function modeOf(tag: SaxesTagPlain): Mode {
  const name = localName(tag.name);
  if (unwrappedElements.has(name)) return 'unwrapped';
  if (!allowedElements.has(name)) return 'dropped';
  // <set attributeName="href" to="javascript:..."> would turn into a link or script at run time:
  // an animation may only target drawing attributes, named exactly (the value is decoded already).
  if (animationElements.has(name) && name !== 'animateMotion' && !animatableAttributes.has(tag.attributes.attributeName ?? '')) return 'dropped';
  return 'kept';
}

function startTag(tag: SaxesTagPlain, isRoot: boolean): string {
  const name = localName(tag.name);
  const attributes = cleanAttributes(name, tag.attributes)
    .map(([attribute, value]) => ` ${attribute}="${escapeAttribute(value)}"`)
    .join('');
  return `<${name}${isRoot ? ROOT_NAMESPACES : ''}${attributes}${tag.isSelfClosing ? '/>' : '>'}`;
}

function cleanAttributes(element: string, attributes: Record<string, string>): Array<[string, string]> {
  const kept: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (!(allowedAttributes.has(name) || allowedAttributePattern.test(name))) continue;
    if (name === 'href' || name === 'xlink:href') {
      if (safeReference(element, value)) kept.push([name, value]);
    } else if (name === 'style') {
      const style = cleanStyleAttribute(value);
      if (style !== undefined) kept.push([name, style]);
    } else if (name === 'attributeName') {
      if (animatableAttributes.has(value)) kept.push([name, value]);
    } else if (isSafeAttributeValue(value)) kept.push([name, value]);
  }
  return kept;
}

/** href: a fragment of this document, or (on image/feImage) an embedded raster image. */
function safeReference(element: string, value: string): boolean {
  const target = value.trim();
  return /^#[^\s]*$/.test(target) || (embedsImages.has(element) && isEmbeddedImage(target));
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}
