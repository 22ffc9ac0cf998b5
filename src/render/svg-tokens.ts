/**
 * A small, strict XML tokenizer for SVG sanitising: start/end tags with quoted attributes, text and
 * CDATA. Comments, processing instructions and the DOCTYPE (with any internal entity subset) are
 * skipped, never interpreted, so entity expansion (XXE, "billion laughs") cannot happen.
 * Anything that is not well-formed throws SvgSyntaxError; the caller refuses the file.
 * Each scan moves forward with indexOf, so time is linear in the input.
 */

export class SvgSyntaxError extends Error {}

export type SvgToken =
  | { kind: 'start'; name: string; attributes: Array<[string, string]>; selfClosing: boolean }
  | { kind: 'end'; name: string }
  | { kind: 'text'; text: string };

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const SPACE = /[ \t\r\n]*/y;

export function* tokenizeSvg(source: string): Generator<SvgToken> {
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('<', at);
    if (open === -1) {
      yield { kind: 'text', text: source.slice(at) };
      return;
    }
    if (open > at) yield { kind: 'text', text: source.slice(at, open) };
    if (source.startsWith('<!--', open)) at = after(source, '-->', open + 4);
    else if (source.startsWith('<![CDATA[', open)) {
      const end = after(source, ']]>', open + 9);
      yield { kind: 'text', text: escapeForText(source.slice(open + 9, end - 3)) };
      at = end;
    } else if (source.startsWith('<?', open)) at = after(source, '?>', open + 2);
    else if (source.startsWith('<!DOCTYPE', open)) at = skipDoctype(source, open + 9);
    else if (source.startsWith('</', open)) {
      const name = readName(source, open + 2);
      const close = skipSpace(source, open + 2 + name.length);
      if (source[close] !== '>') throw new SvgSyntaxError(`malformed end tag </${name}`);
      yield { kind: 'end', name };
      at = close + 1;
    } else {
      const [token, next] = readStartTag(source, open + 1);
      yield token;
      at = next;
    }
  }
}

/** CDATA text is handed on in the same (entity-escaped) form as ordinary text. */
function escapeForText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function after(source: string, terminator: string, from: number): number {
  const end = source.indexOf(terminator, from);
  if (end === -1) throw new SvgSyntaxError(`unterminated construct, expected ${terminator}`);
  return end + terminator.length;
}

/** Skips `<!DOCTYPE ... [ internal subset ] >` without reading the subset's declarations. */
function skipDoctype(source: string, from: number): number {
  const bracket = source.indexOf('[', from);
  const close = source.indexOf('>', from);
  if (close === -1) throw new SvgSyntaxError('unterminated DOCTYPE');
  if (bracket !== -1 && bracket < close) return after(source, '>', after(source, ']', bracket));
  return close + 1;
}

function readName(source: string, from: number): string {
  NAME.lastIndex = from;
  const match = NAME.exec(source);
  if (!match) throw new SvgSyntaxError('expected a tag or attribute name');
  return match[0];
}

function skipSpace(source: string, from: number): number {
  SPACE.lastIndex = from;
  SPACE.exec(source);
  return SPACE.lastIndex;
}

function readStartTag(source: string, from: number): [SvgToken, number] {
  const name = readName(source, from);
  const attributes: Array<[string, string]> = [];
  let at = from + name.length;
  for (;;) {
    const next = skipSpace(source, at);
    if (source.startsWith('/>', next)) return [{ kind: 'start', name, attributes, selfClosing: true }, next + 2];
    if (source[next] === '>') return [{ kind: 'start', name, attributes, selfClosing: false }, next + 1];
    if (next === at) throw new SvgSyntaxError(`expected whitespace between attributes in <${name}>`);
    const attribute = readName(source, next);
    const equals = skipSpace(source, next + attribute.length);
    if (source[equals] !== '=') throw new SvgSyntaxError(`attribute ${attribute} has no value`);
    const quoteAt = skipSpace(source, equals + 1);
    const quote = source[quoteAt];
    if (quote !== '"' && quote !== "'") throw new SvgSyntaxError(`attribute ${attribute} is not quoted`);
    const end = source.indexOf(quote, quoteAt + 1);
    if (end === -1) throw new SvgSyntaxError(`unterminated value of ${attribute}`);
    const value = source.slice(quoteAt + 1, end);
    if (value.includes('<')) throw new SvgSyntaxError(`"<" in the value of ${attribute}`);
    attributes.push([attribute, value]);
    at = end + 1;
  }
}
