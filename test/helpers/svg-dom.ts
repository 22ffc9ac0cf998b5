/**
 * An independent judge of sanitized SVG: parses it with a real DOM parser (@xmldom/xmldom) and
 * lists every construct that could run script, link away or fetch, judged on the decoded DOM a
 * browser builds (and stricter than Pictor's own rules: attribute names in any case, CSS with its
 * comments removed), never on Pictor's own code.
 */
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';

const ACTIVE_ELEMENTS = /^(?:script|foreignObject|iframe|object|embed|a|handler|listener|discard)$/;
const ANIMATIONS = /^(?:set|animate|animateTransform|animateMotion|animateColor)$/;
const LOCAL_REFERENCE = /^(?:#|data:image\/(?:png|jpeg|gif|webp|avif);)/i;

export function forbiddenIn(svg: string): string[] {
  const found: string[] = [];
  const document = new DOMParser({
    onError: (level, message) => {
      throw new Error(`sanitized SVG is not well-formed XML (${level}): ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  visit(document.documentElement!, found);
  return found;
}

function visit(element: Element, found: string[]): void {
  const name = element.localName ?? element.nodeName;
  if (ACTIVE_ELEMENTS.test(name)) found.push(`<${name}>`);
  if (name === 'style') found.push(...cssProblems(element.textContent ?? '', '<style>'));
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i)!;
    const [attr, value] = [attribute.name, attribute.value];
    if (/^on/i.test(attr)) found.push(`${attr}=`);
    if (/^(?:xlink:)?href$/i.test(attr) && !LOCAL_REFERENCE.test(value.trim())) found.push(`${attr}="${value}"`);
    if (attr === 'attributeName' && ANIMATIONS.test(name) && /^(?:(?:xlink:)?href|on.*|style)$/i.test(value.trim())) found.push(`<${name} attributeName="${value}">`);
    found.push(...cssProblems(value, `${attr}=`));
  }
  for (let child: Node | null = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 1) visit(child as Element, found);
  }
}

/**
 * CSS keywords are whole tokens (whitespace or a comment inside `@import` breaks it, as in a
 * browser); URL schemes are read with whitespace and control characters removed, as URL parsers do.
 */
function cssProblems(text: string, where: string): string[] {
  const css = text.replace(/\/\*[\s\S]*?\*\//g, '').toLowerCase();
  const squeezed = css.replace(/[\s\x00-\x1f]+/g, '');
  const problems: string[] = [];
  if (squeezed.includes('javascript:') || squeezed.includes('vbscript:')) problems.push(`${where} script URL`);
  if (css.includes('@import')) problems.push(`${where} @import`);
  if (css.includes('image-set(')) problems.push(`${where} image-set()`);
  if (css.includes('\\')) problems.push(`${where} CSS escape`);
  for (const match of css.matchAll(/url\(\s*["']?/g)) {
    if (!LOCAL_REFERENCE.test(css.slice(match.index + match[0].length))) problems.push(`${where} external url()`);
  }
  return problems;
}
