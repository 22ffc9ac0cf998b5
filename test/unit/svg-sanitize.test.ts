import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { limits } from '../../src/limits.js';
import { sanitizeSvg, SvgRefusal } from '../../src/render/svg-sanitize.js';

const clean = (svg: string) => sanitizeSvg(Buffer.from(svg)).body.toString('utf8');
const svg = (inner: string, rootAttributes = '') =>
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20"${rootAttributes}>${inner}</svg>`;
const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('keeps drawings intact', () => {
  it('keeps shapes, paint servers, text and internal references', () => {
    const input = svg(
      '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="#00f"/></linearGradient></defs>' +
        '<rect id="r" width="40" height="20" fill="url(#g)" style="stroke: black; stroke-width: 2"/>' +
        '<use href="#r" x="1"/><use xlink:href="#r" y="1"/>' +
        '<text x="2" y="15" font-family="sans-serif">A &lt; B &amp; C &#169;</text>' +
        `<image width="1" height="1" href="${pixel}"/>`,
      ' viewBox="0 0 40 20"',
    );
    const output = clean(input);
    for (const kept of ['fill="url(#g)"', 'href="#r"', 'xlink:href="#r"', 'A &lt; B &amp; C ©', 'stroke-width:2', pixel, 'viewBox="0 0 40 20"']) {
      expect(output).toContain(kept);
    }
  });

  it('produces an SVG that still renders at the same size', async () => {
    const output = sanitizeSvg(Buffer.from(svg('<circle cx="10" cy="10" r="8" fill="green" onclick="x()"/>')));
    const metadata = await sharp(output.body).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['svg', 40, 20]);
    // The outline (root element alone) tells librsvg the same size.
    const outline = await sharp(output.outline).metadata();
    expect([outline.width, outline.height]).toEqual([40, 20]);
  });

  it('declares the SVG namespaces on the root, whatever the input declared', () => {
    expect(clean('<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:rect width="1" height="1"/></svg:svg>')).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><rect width="1" height="1"/></svg>',
    );
  });
});

describe('removes what can run, link or fetch', () => {
  it.each([
    ['script elements and their content', svg('<script>alert(1)</script><script><![CDATA[alert(2)]]></script>'), /alert|script/],
    ['event handler attributes', svg('<rect onload="alert(1)" onclick="alert(2)" onmouseover="x" width="1" height="1"/>', ' onload="alert(3)"'), /on\w+=|alert/],
    ['javascript: links (the link is unwrapped)', svg('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>'), /javascript|<a/],
    ['hyperlinks to other documents', svg('<a xlink:href="https://phish.example"><text>click</text></a>'), /phish|<a/],
    ['external <use>', svg('<use href="https://evil.example/sprite.svg#icon"/><use xlink:href="//evil.example/x.svg#a"/>'), /evil/],
    ['external images', svg('<image href="https://tracker.example/p.png" width="1" height="1"/>'), /tracker/],
    ['embedded SVG images', svg('<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1" height="1"/>'), /svg\+xml/],
    ['foreignObject and its HTML', svg('<foreignObject><iframe src="https://evil.example"></iframe><script>alert(1)</script></foreignObject>'), /foreignObject|iframe|evil|alert/],
    ['external url() in attributes', svg('<rect fill="url(https://evil.example/p.svg#g)" width="1" height="1"/>'), /evil/],
    ['style attributes with external url() or CSS escapes', svg('<rect style="fill: url(http://evil.example/a)" width="1"/><rect style="fill: u\\72l(http://e.example)"/>'), /evil|e\.example/],
    ['@import and external url() in <style>', svg('<style>@import url("http://evil.example/a.css"); rect { fill: url(#g); background: url(https://evil.example/b.png) }</style>'), /evil|@import/],
    ['<style> with CSS escapes', svg('<style>rect { background: u\\72l(http://evil.example) }</style>'), /evil/],
    ['script URLs hidden with whitespace', svg('<a href=" java&#x09;script:alert(1)"><rect/></a>'), /script/],
    ['animations that rewrite links', svg('<a><animate attributeName="href" values="javascript:alert(1)"/><set attributeName="xlink:href" to="https://evil.example"/><set attributeName="onclick" to="alert(1)"/></a>'), /animate|set|alert|evil/],
    ['processing instructions', `<?xml version="1.0"?><?xml-stylesheet href="http://evil.example/a.css"?>${svg('')}`, /evil|<\?/],
    ['editor namespaces', svg('<sodipodi:namedview xmlns:sodipodi="x" pagecolor="#fff"/><rect inkscape:label="l" width="1" height="1"/>'), /sodipodi|inkscape/],
    ['xml:base and unknown attributes', svg('<rect xml:base="http://evil.example/" formaction="x" width="1"/>'), /evil|formaction/],
  ])('%s', (_name, input, forbidden) => {
    const output = clean(input);
    expect(output).not.toMatch(forbidden);
    expect(output.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('never expands entities (XXE, billion laughs)', () => {
    const xxe = `<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${svg('<text>&xxe;</text><rect width="&xxe;"/>')}`;
    // The reference stays literal text, escaped: nothing is read from the file system.
    expect(clean(xxe)).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">' +
        '<text>&amp;xxe;</text><rect width="&amp;xxe;"/></svg>',
    );
    const laughs =
      '<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
      svg('<text>&c;</text>');
    expect(clean(laughs)).not.toContain('lol');
  });
});

describe('refuses what is not a well-formed SVG', () => {
  it.each([
    ['an unclosed element', '<svg><g></svg>'],
    ['a mismatched end tag', '<svg></g>'],
    ['an unquoted attribute', '<svg width=10></svg>'],
    ['a root that is not <svg>', '<html><body/></html>'],
    ['text outside the root', 'hello <svg/>'],
    ['a second root', '<svg/><svg/>'],
    ['an unterminated comment', '<svg><!-- </svg>'],
    ['no element at all', '   '],
    ['non-UTF-8 bytes', Buffer.from([0x3c, 0x73, 0x76, 0x67, 0xff, 0x3e])],
    ['deep nesting', `<svg>${'<g>'.repeat(300)}${'</g>'.repeat(300)}</svg>`],
  ])('%s', (_name, input) => {
    expect(() => sanitizeSvg(Buffer.isBuffer(input) ? input : Buffer.from(input))).toThrow(SvgRefusal);
  });
});

describe('bounds the work (limits.render.svg)', () => {
  const { svg: bounds } = limits.render;
  it.each([
    ['too many elements', svg('<rect/>'.repeat(bounds.maxElements)), /more than 100000 elements/],
    ['too deep', `<svg>${'<g>'.repeat(bounds.maxDepth)}${'</g>'.repeat(bounds.maxDepth)}</svg>`, /nested more than 256 deep/],
    ['too much path data', svg(`<path d="${'M0 0'.repeat(bounds.maxPathDataBytes / 4 + 1)}"/>`), /path data is longer/],
    ['too many attribute bytes', svg(`<rect data-x="${'a'.repeat(bounds.maxAttributeBytes)}"/>`), /attributes hold more than/],
    ['too much CSS', svg(`<style>${'a{}'.repeat(bounds.maxStyleBytes / 3 + 1)}</style>`), /CSS is longer/],
  ])('%s', (_name, input, message) => {
    expect(() => sanitizeSvg(Buffer.from(input))).toThrow(message);
    expect(() => sanitizeSvg(Buffer.from(input))).toThrow(expect.objectContaining({ tooComplex: true }));
  });

  it('accepts a document just within every limit', () => {
    const within = svg('<rect/>'.repeat(bounds.maxElements - 1));
    expect(clean(within).match(/<rect\/>/g)).toHaveLength(bounds.maxElements - 1);
  });
});

describe('properties', () => {
  it('is idempotent', () => {
    const samples = [
      svg('<g fill="red"><rect width="1" height="1"/><text>a &amp; b</text></g><style>rect{fill:url(#x)}</style>'),
      svg('<a href="#x"><circle r="1"/></a><script>1</script>'),
    ];
    for (const sample of samples) expect(clean(clean(sample))).toBe(clean(sample));
  });

  it('never crashes: any input is sanitized or refused', () => {
    const fragments = fc.constantFrom('<svg>', '</svg>', '<g>', '</g>', '<script>', '</script>', '<rect onload="x"/>', ' a="b"', '<!--', '-->', '<![CDATA[', ']]>', '&lt;', '&x;', '<?pi?>', '<!DOCTYPE x [', ']>', '"', "'", '>', '<', 'url(', '#');
    fc.assert(
      fc.property(fc.array(fc.oneof(fragments, fc.string({ maxLength: 5 })), { maxLength: 30 }), (parts) => {
        try {
          const output = clean(parts.join(''));
          expect(output).not.toMatch(/<script|onload=/);
        } catch (error) {
          expect(error).toBeInstanceOf(SvgRefusal);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
