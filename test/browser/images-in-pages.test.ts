/**
 * Delivered images in a real browser (Debian's Chromium via playwright-core), embedded by a page
 * on another origin the ways sites do: <picture>/srcset with format=auto, a canvas that reads the
 * pixels (crossorigin), a cross-origin-isolated page (COEP require-corp), a script that fetches
 * images and needs their errors, and performance monitoring that needs their timings.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserSuite, startPageServer, type PageServer } from '../helpers/browser.js';
import { deliveryPath, patchDeliveryConfig, upload } from '../helpers/delivery.js';
import * as images from '../helpers/images.js';
import { startPictor, type TestPictor } from '../helpers/pictor.js';

describe.skipIf(skipBrowserSuite)('delivered images in browser pages', () => {
  let pictor: TestPictor;
  let browser: Browser;
  let page: PageServer;
  let photo: string;

  beforeAll(async () => {
    pictor = await startPictor();
    photo = await upload(pictor, await images.jpeg(800, 600));
    await patchDeliveryConfig(pictor, { flexible_variants: true });
    page = await startPageServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await pictor?.close();
  });

  const url = (variant: string) => pictor.origin + deliveryPath(pictor, photo, variant);

  /** Loads the page and reports each <img>: its natural width (0: not shown), the variant fetched and its type. */
  async function show(html: string, headers: Record<string, string> = {}) {
    page.html = html;
    page.headers = headers;
    const tab = await browser.newPage();
    const types = new Map<string, string>();
    tab.on('response', (res) => types.set(res.url(), res.headers()['content-type'] ?? ''));
    await tab.goto(`${page.origin}/`);
    await tab.waitForLoadState('networkidle');
    const shown = (await tab.evaluate(`[...document.images].map((i) => ({ id: i.id, width: i.naturalWidth, src: i.currentSrc }))`)) as { id: string; width: number; src: string }[];
    const variantOf = (src: string) => decodeURIComponent(src.slice(src.lastIndexOf('/') + 1));
    return { tab, images: Object.fromEntries(shown.map((i) => [i.id, { width: i.width, variant: variantOf(i.src), contentType: types.get(i.src) }])) };
  }

  const closing = async <T>(tab: Page, value: T) => (await tab.close(), value);

  it('<img>, srcset and <picture> render, as AVIF where the browser asks for it', async () => {
    const { tab, images: shown } = await show(`<!doctype html>
      <img id="plain" src="${url('public')}">
      <img id="srcset" srcset="${url('w=200')} 200w, ${url('w=400')} 400w" sizes="300px">
      <picture><source type="image/webp" srcset="${url('w=150,f=webp')}"><img id="picture" src="${url('w=150,f=jpeg')}"></picture>`);
    expect(await closing(tab, shown)).toEqual({
      plain: { width: 800, variant: 'public', contentType: 'image/avif' },
      // 400 px drawn at 300 CSS px: naturalWidth is density-corrected.
      srcset: { width: 300, variant: 'w=400', contentType: 'image/avif' },
      picture: { width: 150, variant: 'w=150,f=webp', contentType: 'image/webp' },
    });
  });

  it('a canvas can read the pixels of an image loaded with crossorigin', async () => {
    const { tab } = await show(`<!doctype html><img id="photo" crossorigin="anonymous" src="${url('w=50')}">`);
    const read = `(() => { const c = document.createElement('canvas'); const g = c.getContext('2d'); g.drawImage(document.getElementById('photo'), 0, 0); return g.getImageData(0, 0, 1, 1).data.length; })()`;
    expect(await closing(tab, await tab.evaluate(read))).toBe(4);
  });

  it('a cross-origin-isolated page (COEP require-corp) shows a plain <img>', async () => {
    const { tab, images: shown } = await show(`<!doctype html><img id="photo" src="${url('w=120')}">`, {
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(await tab.evaluate('crossOriginIsolated')).toBe(true);
    expect((await closing(tab, shown)).photo?.width).toBe(120);
  });

  it('a script fetching from another origin can read a delivery error and its Cf-Resized header', async () => {
    const { tab } = await show('<!doctype html><title>fetch</title>');
    const missing = pictor.origin + deliveryPath(pictor, 'no-such-image', 'public');
    const result = await tab.evaluate(async (target) => {
      const res = await fetch(target);
      return { status: res.status, text: await res.text(), resized: res.headers.get('cf-resized') };
    }, missing);
    expect(await closing(tab, result)).toMatchObject({ status: 404, text: expect.stringMatching(/^ERROR 9431: /), resized: 'err=9431' });
  });

  it('Resource Timing reports sizes of images from another origin (Timing-Allow-Origin)', async () => {
    const src = url('w=90');
    const { tab } = await show(`<!doctype html><img id="photo" src="${src}">`);
    const size = await tab.evaluate(`performance.getEntriesByName(${JSON.stringify(src)})[0]?.encodedBodySize`);
    expect(await closing(tab, size)).toBeGreaterThan(0);
  });

  it('a fetch() that adds its own headers passes the CORS preflight', async () => {
    const { tab } = await show('<!doctype html><title>fetch</title>');
    const status = await tab.evaluate(async (target) => (await fetch(target, { headers: { 'cache-control': 'no-cache', 'x-app': 'gallery' } })).status, url('w=70'));
    expect(await closing(tab, status)).toBe(200);
  });
});
