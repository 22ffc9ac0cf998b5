/**
 * The seven sanitizer bypasses of issue 10: decisions made on raw text while the output was
 * decoded, and CSS checked one text token at a time. Each input is dangerous as written (the
 * judge finds it in the input) and must come out harmless.
 */
import { describe, expect, it } from 'vitest';
import { sanitizeSvg } from '../../src/render/svg-sanitize.js';
import { forbiddenIn } from '../helpers/svg-dom.js';

const svg = (inner: string) => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">${inner}<rect id="r" width="40" height="20"/></svg>`;
const clean = (input: string) => sanitizeSvg(Buffer.from(input)).body.toString('utf8');

describe('sanitizer bypasses', () => {
  it.each([
    ['<set> of an entity-encoded href', svg('<a><set attributeName="&#104;ref" to="https://evil.example/"/><text>x</text></a>')],
    ['<set> of an entity-encoded onclick', svg('<set attributeName="&#111;nclick" to="alert(1)"/>')],
    ['@import split by an XML comment', svg('<style>@im<!-- -->port "http://evil.example/a.css";</style>')],
    ['url( split by an XML comment', svg('<style>rect { fill: ur<!---->l(http://evil.example/p.svg#g) }</style>')],
    ['@import split by CDATA', svg('<style>@im<![CDATA[port "http://evil.example/b.css";]]></style>')],
    ['image-set() in <style>', svg('<style>rect { background-image: image-set("http://evil.example/i.png" 1x) }</style>')],
    ['image-set() in style=', svg(`<rect style='background-image: image-set("http://evil.example/i.png" 1x)' width="1" height="1"/>`)],
  ])('%s', (_name, input) => {
    expect(forbiddenIn(input)).not.toEqual([]);
    const output = clean(input);
    expect(forbiddenIn(output)).toEqual([]);
    expect(output).not.toContain('evil.example');
    // The drawing itself survives.
    expect(output).toContain('<rect id="r" width="40" height="20"/>');
  });
});
