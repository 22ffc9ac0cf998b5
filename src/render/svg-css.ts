/**
 * CSS inside a sanitized SVG (<style> sheets, style="" and presentation attributes), checked as a
 * browser would read it: the whole decoded text is parsed by css-tree, a spec-following CSS
 * parser, so a comment, CDATA section or entity that splits `@import` or `url(` in the source
 * cannot hide it. What is written out is generated from the checked syntax tree.
 * Only references inside the document (`#fragment`) and embedded raster images may remain.
 */
import * as csstree from 'css-tree';
import { isEmbeddedImage } from './svg-allow-list.js';

/**
 * Functions that take a URL given as a plain string (`image-set("a.png" 1x)`, `src("a")`), or run
 * code in old engines. Rare in drawings, so any use drops the declaration instead of validating it.
 */
const FETCHING_FUNCTIONS = /^(?:-[a-z]+-)?(?:image-set|image|cross-fade|element|src|paint|expression)$/i;
/** At-rules that load other documents. */
const FETCHING_AT_RULES = /^(?:-[a-z]+-)?(?:import|namespace|document)$/i;
/** Properties that bind behavior (IE, old Firefox). */
const BEHAVIOR_PROPERTIES = /^(?:-[a-z]+-)?(?:binding|behavior)$/i;
const SCRIPT_URL = /(?:java|vb)script:/i;

type Context = 'stylesheet' | 'declarationList' | 'value';

/** A <style> sheet: declarations and at-rules that could fetch are removed; '' if unreadable. */
export function cleanStyleSheet(css: string): string {
  return clean(css, 'stylesheet') ?? '';
}

/** A style="" attribute: unsafe declarations removed; undefined if none is left or it is unreadable. */
export function cleanStyleAttribute(css: string): string | undefined {
  const cleaned = clean(css, 'declarationList');
  return cleaned === '' ? undefined : cleaned;
}

/** A presentation attribute (fill="url(#g)", transform, values): safe as written or refused. */
export function isSafeAttributeValue(value: string): boolean {
  if (!value.includes('(')) return !value.includes(':') || !SCRIPT_URL.test(squeeze(value));
  const ast = parse(value, 'value');
  return ast !== undefined && !fetches(ast) && !SCRIPT_URL.test(squeeze(value));
}

function clean(css: string, context: Context): string | undefined {
  const ast = parse(css, context);
  if (!ast) return undefined;
  csstree.walk(ast, {
    enter(node: csstree.CssNode, item: csstree.ListItem<csstree.CssNode>, list: csstree.List<csstree.CssNode>) {
      if (!list) return;
      const unsafe =
        (node.type === 'Atrule' && (FETCHING_AT_RULES.test(node.name) || (node.prelude != null && fetches(node.prelude)))) ||
        (node.type === 'Declaration' && (BEHAVIOR_PROPERTIES.test(node.property) || fetches(node.value)));
      if (unsafe) list.remove(item);
    },
  });
  // Whatever the walk missed (a construct not listed above) fails closed.
  return fetches(ast) ? undefined : csstree.generate(ast);
}

function parse(css: string, context: Context): csstree.CssNode | undefined {
  // A CSS escape can spell any name (u\72l is url); drawings have no use for them.
  if (css.includes('\\')) return undefined;
  let failed = false;
  let ast: csstree.CssNode;
  try {
    ast = csstree.parse(css, {
      context,
      parseValue: true,
      parseAtrulePrelude: true,
      parseCustomProperty: true,
      onParseError: () => {
        failed = true;
      },
    });
  } catch {
    return undefined;
  }
  // Text css-tree could not read is kept raw, and a browser may read it differently: refuse it.
  return failed ? undefined : ast;
}

/** Does the tree reference anything outside the document, or carry script or raw text? */
function fetches(ast: csstree.CssNode): boolean {
  let found = false;
  csstree.walk(ast, (node) => {
    if (found) return;
    if (node.type === 'Url') found = !(node.value.startsWith('#') || isEmbeddedImage(node.value));
    else if (node.type === 'Function') found = FETCHING_FUNCTIONS.test(node.name);
    else if (node.type === 'Atrule') found = FETCHING_AT_RULES.test(node.name);
    else if (node.type === 'Raw') found = /[(@:\\]/.test(node.value);
    else if (node.type === 'String' || node.type === 'Identifier') found = SCRIPT_URL.test(squeeze(node.type === 'String' ? node.value : node.name));
  });
  return found;
}

const squeeze = (text: string) => text.replace(/[\s\x00-\x1f]+/g, '');
