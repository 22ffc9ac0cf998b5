/**
 * Frameworks' Cloudflare image integrations against Pictor in real Chromium: a Next.js app built
 * with Next.js's documented Cloudflare loader (test/fixtures/next-app), Nuxt Image's `cloudflare`
 * provider (`createImage` + `getSizes`) and unpic's `cloudflare` URLs (`@unpic/core`
 * `transformProps`). The site (a loopback origin) serves pages and photos and hands
 * /cdn-cgi/image/ to Pictor, as the nginx recipe in docs/transformations.md does; Pictor fetches
 * the photos from that origin. Each case checks the width Chromium picked from the srcset (the
 * request it sent) and that Pictor answered an image of that width.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createImage } from '@nuxt/image/runtime';
import nuxtCloudflare from '@nuxt/image/runtime/providers/cloudflare';
import { transformProps } from '@unpic/core';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserSuite } from '../helpers/browser.js';
import * as images from '../helpers/images.js';
import { buildNextApp } from '../helpers/next-app.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.jpg': 'image/jpeg', '.json': 'application/json' };

interface Site {
  origin: string;
  /** Extra pages by path (the Nuxt and unpic ones). */
  pages: Map<string, string>;
  pictor: string;
  close(): Promise<void>;
}

/** The site: the Next.js export at its root, photos, extra pages; /cdn-cgi/image/ proxied to Pictor. */
async function startSite(root: string, photos: Record<string, Buffer>): Promise<Site> {
  const site = { origin: '', pages: new Map<string, string>(), pictor: '' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://site');
    if (url.pathname.startsWith('/cdn-cgi/image/')) {
      const upstream = new URL(site.pictor);
      const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
      return;
    }
    const photo = photos[url.pathname];
    if (photo) return void res.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'max-age=3600' }).end(photo);
    const page = site.pages.get(url.pathname);
    if (page) return void res.writeHead(200, { 'content-type': types['.html']! }).end(page);
    const file = path.join(root, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(site, { close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

const html = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>${body}</body></html>`;
const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const img = (id: string, props: { src?: string | undefined; srcset?: string | undefined; sizes?: string | undefined }) =>
  `<img id="${id}" alt="${id}" src="${attr(props.src ?? '')}" srcset="${attr(props.srcset ?? '')}"${props.sizes ? ` sizes="${attr(props.sizes)}"` : ''}>`;

/** Nuxt Image as a Nuxt app configures it: provider `cloudflare`, its default screens and densities. */
function nuxtPage(): string {
  const $img = createImage({
    providers: { cloudflare: { setup: nuxtCloudflare, defaults: {} } },
    provider: 'cloudflare',
    presets: {},
    screens: { xs: 320, sm: 640, md: 768, lg: 1024, xl: 1280, xxl: 1536, '2xl': 1536 },
    densities: [1, 2],
    domains: [],
    alias: {},
    format: ['webp'],
  } as unknown as Parameters<typeof createImage>[0]);
  // <NuxtImg src="/photos/hero.jpg" sizes="xs:100vw md:50vw" format="auto" quality="75"> and a 400px one.
  const hero = $img.getSizes('/photos/hero.jpg', { sizes: 'xs:100vw md:50vw', modifiers: { format: 'auto', quality: 75 } });
  const thumb = $img.getSizes('/photos/thumb.jpg', { sizes: '400px', modifiers: { format: 'auto' } });
  return html(img('hero', hero) + img('thumb', thumb));
}

/** unpic's `cloudflare` CDN as its components render it (`@unpic/core`'s transformProps). */
function unpicPage(): string {
  const hero = transformProps({ src: '/photos/hero.jpg', layout: 'fullWidth', cdn: 'cloudflare' });
  const thumb = transformProps({ src: '/photos/thumb.jpg', layout: 'fixed', width: 300, height: 150, cdn: 'cloudflare' });
  // Eager, so the test does not depend on lazy-loading thresholds.
  return html(img('hero', hero as never) + img('thumb', thumb as never));
}

describe.skipIf(skipBrowserSuite)('framework image loaders in Chromium against Pictor', () => {
  let pictor: TestPictor;
  let site: Site;
  let browser: Browser;

  beforeAll(async () => {
    const [root, hero, thumb] = await Promise.all([buildNextApp(), images.jpeg(2000, 1000), images.jpeg(1000, 500)]);
    site = await startSite(root, { '/photos/hero.jpg': hero, '/photos/thumb.jpg': thumb });
    pictor = await startPictor({ env: { PICTOR_TRANSFORM_ORIGIN: site.origin } });
    site.pictor = pictor.origin;
    site.pages.set('/nuxt.html', nuxtPage());
    site.pages.set('/unpic.html', unpicPage());
    browser = await launchChromium();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await pictor?.close();
  });

  /**
   * Opens the page at a viewport width and device pixel ratio; per image: the widths Chromium
   * requested from /cdn-cgi/image/, the pixel widths Pictor answered (naturalWidth would be in CSS
   * pixels, divided by the candidate's density) and the URL shown.
   */
  async function load(pagePath: string, width: number, dpr: number) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: dpr });
    const requested: Record<string, Set<number>> = { hero: new Set(), thumb: new Set() };
    const served: Array<Promise<[string, number | undefined]>> = [];
    const page = await context.newPage();
    const imageOf = (url: string) => /\/cdn-cgi\/image\/([^/]*)\/photos\/(hero|thumb)\.jpg$/.exec(new URL(url).pathname);
    page.on('request', (request) => {
      const match = imageOf(request.url());
      const option = match && /(?:^|,)(?:w|width)=(\d+)/.exec(match[1]!);
      if (match && option) requested[match[2]!]!.add(Number(option[1]));
    });
    page.on('response', (response) => {
      const match = imageOf(response.url());
      if (match) served.push(response.body().then(async (body) => [match[2]!, (await sharp(body).metadata()).width]));
    });
    try {
      await page.goto(site.origin + pagePath);
      // Page scripts as strings: this project's TypeScript has no DOM types.
      await page.waitForFunction('[...document.images].every((image) => image.complete)', undefined, { timeout: 30_000 });
      const shown = (await page.evaluate('Object.fromEntries([...document.images].map((image) => [image.id, { naturalWidth: image.naturalWidth, currentSrc: image.currentSrc }]))')) as Record<string, { naturalWidth: number; currentSrc: string }>;
      const widths = await Promise.all(served);
      const servedWidths = (id: string) => [...new Set(widths.filter(([image]) => image === id).map(([, width]) => width))];
      return { requested: { hero: [...requested.hero!], thumb: [...requested.thumb!] }, served: { hero: servedWidths('hero'), thumb: servedWidths('thumb') }, shown };
    } finally {
      await context.close();
    }
  }

  /**
   * Loads the page per [viewport width, DPR, hero width, thumb width]: Chromium must request just
   * those widths and Pictor answer images that wide. The expected width is the candidate equal to
   * the slot (the `sizes` value) × DPR, chosen so that one candidate matches exactly (Chromium
   * picks it; a wrong srcset or sizes would not). Returns what each load showed.
   */
  async function expectWidths(pagePath: string, cases: ReadonlyArray<readonly [number, number, number, number]>) {
    const loads = [];
    for (const [viewport, dpr, hero, thumb] of cases) {
      const loaded = await load(pagePath, viewport, dpr);
      expect(loaded.requested, `${pagePath} at ${viewport}px @${dpr}x`).toEqual({ hero: [hero], thumb: [thumb] });
      expect(loaded.served, `${pagePath} at ${viewport}px @${dpr}x`).toEqual({ hero: [hero], thumb: [thumb] });
      expect(loaded.shown.hero!.naturalWidth * loaded.shown.thumb!.naturalWidth).toBeGreaterThan(0);
      loads.push(loaded);
    }
    return loads;
  }

  it('Next.js (documented Cloudflare loader, static export): srcset widths by viewport and DPR', async () => {
    // hero: sizes="50vw" over Next's device sizes; thumb: 300 px, 1x = 384, 2x = 640 (Next's widths).
    const [first] = await expectWidths('/', [[1280, 1, 640, 384], [1200, 2, 1200, 640]]);
    expect(first!.shown.hero!.currentSrc).toBe(`${site.origin}/cdn-cgi/image/width=640,quality=75,format=auto/photos/hero.jpg`);
  });

  it('Nuxt Image cloudflare provider: srcset widths by viewport and DPR', async () => {
    // hero: "(max-width: 767px) 100vw, 50vw" → 384 at 768 px; thumb: 400w / 800w at sizes 400px.
    const [first] = await expectWidths('/nuxt.html', [[768, 1, 384, 400], [768, 2, 768, 800], [640, 1, 640, 400]]);
    expect(first!.shown.hero!.currentSrc).toBe(`${site.origin}/cdn-cgi/image/f=auto,q=75,w=384/photos/hero.jpg`);
  });

  it('unpic cloudflare URLs: srcset widths by viewport and DPR', async () => {
    // hero: full width (100vw) over unpic's breakpoints; thumb: fixed 300 px, 300w / 600w.
    const [first] = await expectWidths('/unpic.html', [[640, 1, 640, 300], [640, 2, 1280, 600]]);
    expect(first!.shown.hero!.currentSrc).toBe(`${site.origin}/cdn-cgi/image/width=640,f=auto,fit=cover/photos/hero.jpg`);
  });
});
